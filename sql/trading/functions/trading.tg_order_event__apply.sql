-- trading.tg_order_event__apply() — BEFORE INSERT row trigger on trading.order_event (fires before the
-- chain trigger). Applies the event to trading.order_state:
--   created: opens the state row (status new, event 1);
--   others:  status_before must be the current status (PD005), the transition must be legal (PD005,
--            also enforced by the foreign key to trading.order_transition; a status stays the same only on
--            cancel_requested or a partial fill, PD005), filled quantity may only grow
--            and never exceed the order quantity (PD006), and events never go back in time (PD013).
CREATE OR REPLACE FUNCTION trading.tg_order_event__apply()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_state trading.order_state;
    v_req   trading.order_request;
BEGIN
    IF NEW.kind = 'created' THEN
        SELECT * INTO v_req FROM trading.order_request r WHERE r.client_order_id = NEW.client_order_id;
        INSERT INTO trading.order_state (client_order_id, book_id, symbol, side, quantity, status, filled_qty,
                                         last_event_no, updated_ts)
        VALUES (v_req.client_order_id, v_req.book_id, v_req.symbol, v_req.side, v_req.quantity, 'new', 0, 1, NEW.ts);
        NEW.event_no := 1;
        NEW.status_after := 'new';
        NEW.filled_qty_after := 0;
        RETURN NEW;
    END IF;

    SELECT * INTO v_state FROM trading.order_state s WHERE s.client_order_id = NEW.client_order_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('order event refused: unknown client order id %s', NEW.client_order_id),
            HINT = 'Relay events only for orders admitted by api.submit_signal.';
    END IF;

    NEW.status_before := coalesce(NEW.status_before, v_state.status);
    -- A status may stay the same only on a cancel request or a further partial fill (the table's
    -- new->new, open->open and partially_filled->partially_filled rows; CHECK
    -- status_stays_only_on_request_or_partial_fill is the declarative backstop): a second acknowledgement
    -- of an open order, for example, is an illegal transition, not a malformed row.
    IF NEW.status_before <> v_state.status
       OR NOT EXISTS (SELECT FROM trading.order_transition t
                       WHERE t.status_before = NEW.status_before AND t.status_after = NEW.status_after)
       OR (NEW.status_after = NEW.status_before AND NEW.kind NOT IN ('cancel_requested', 'fill')) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD005',
            MESSAGE = format('order %s: transition %s -> %s (%s) refused', NEW.client_order_id,
                             v_state.status, NEW.status_after, NEW.kind),
            DETAIL = format('current_status=%s requested_status=%s event=%s', v_state.status, NEW.status_after, NEW.kind),
            HINT = 'Only legal transitions of docs/state_machine.md are accepted; terminal states are final.';
    END IF;

    NEW.filled_qty_after := coalesce(NEW.filled_qty_after, v_state.filled_qty);
    IF NEW.filled_qty_after > v_state.quantity THEN
        RAISE EXCEPTION USING ERRCODE = 'PD006',
            MESSAGE = format('order %s: fill refused, filled quantity would exceed the order quantity', NEW.client_order_id),
            DETAIL = format('order_qty=%s filled_before=%s filled_after=%s', v_state.quantity, v_state.filled_qty, NEW.filled_qty_after),
            HINT = 'A venue report that overfills an order is a reconciliation incident, not a fill.';
    END IF;
    IF NEW.filled_qty_after < v_state.filled_qty
       OR (NEW.kind = 'fill' AND NEW.filled_qty_after = v_state.filled_qty)
       OR (NEW.kind <> 'fill' AND NEW.filled_qty_after <> v_state.filled_qty) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD006',
            MESSAGE = format('order %s: event %s refused, filled quantity may only grow, and only by a fill', NEW.client_order_id, NEW.kind),
            DETAIL = format('filled_before=%s filled_after=%s', v_state.filled_qty, NEW.filled_qty_after),
            HINT = 'Record executions with api.record_fill.';
    END IF;
    IF NEW.ts < v_state.updated_ts THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('order %s: event %s refused, it precedes the order''s last event', NEW.client_order_id, NEW.kind),
            DETAIL = format('event_ts=%s last_event_ts=%s', NEW.ts, v_state.updated_ts),
            HINT = 'Pass the venue''s event time; business time never goes backwards.';
    END IF;

    NEW.event_no := v_state.last_event_no + 1;
    UPDATE trading.order_state s
       SET status = NEW.status_after,
           filled_qty = NEW.filled_qty_after,
           last_event_no = NEW.event_no,
           venue_order_id = coalesce(NEW.venue_order_id, s.venue_order_id),
           cancel_requested = s.cancel_requested OR NEW.kind = 'cancel_requested',
           updated_ts = NEW.ts
     WHERE s.client_order_id = NEW.client_order_id;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION trading.tg_order_event__apply() IS 'Order state machine: applies each order event to trading.order_state; PD005 illegal transition, PD006 overfill, PD013 time going backwards.';
