-- api.record_order_event(p_client_order_id, p_kind, p_ts, p_venue_order_id, p_reason) -> text (status after)
-- Worker. Relays a venue acknowledgement, reject, cancel or expiry, or records a cancel request:
--   acknowledged     new -> open (p_venue_order_id: the venue's order id)
--   rejected         new -> rejected (p_reason: the venue's message)
--   canceled         new|open|partially_filled -> canceled
--   expired          new|open|partially_filled -> expired
--   cancel_requested status unchanged; marks the order for cancellation
-- Idempotent: relaying the event that produced the current terminal status again returns it unchanged.
-- A reject feeds the reject-rate circuit breaker (rejects / orders over its window).
-- PD005 illegal transition, PD011 unknown order, PD012 unknown kind, PD013 time going backwards.
-- Issue 9: a business time that is infinite or later than the wall clock plus max_clock_skew_seconds: PD015.
CREATE OR REPLACE FUNCTION api.record_order_event(
    p_client_order_id text, p_kind text, p_ts timestamptz,
    p_venue_order_id text DEFAULT NULL, p_reason text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_book   integer;
    v_state  trading.order_state;
    v_after  text;
    v_rejects bigint;
    v_orders  bigint;
    v_since   timestamptz;
BEGIN
    PERFORM ops._require_business_time('api.record_order_event', ARRAY['p_ts'], ARRAY[p_ts]);
    v_book := trading._order_book(p_client_order_id);
    v_after := CASE p_kind WHEN 'acknowledged' THEN 'open' WHEN 'rejected' THEN 'rejected'
                           WHEN 'canceled' THEN 'canceled' WHEN 'expired' THEN 'expired' END;
    IF v_after IS NULL AND p_kind IS DISTINCT FROM 'cancel_requested' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('unknown order event kind %L', p_kind),
            HINT = 'Kinds: acknowledged, rejected, canceled, expired, cancel_requested; fills go through api.record_fill.';
    END IF;
    SELECT * INTO v_state FROM trading.order_state s WHERE s.client_order_id = p_client_order_id;
    -- Idempotent re-delivery of the same venue event.
    IF (p_kind = 'acknowledged' AND v_state.status IN ('open', 'partially_filled', 'filled')
            AND v_state.venue_order_id IS NOT DISTINCT FROM coalesce(p_venue_order_id, v_state.venue_order_id))
       OR (p_kind <> 'acknowledged' AND v_state.status = v_after)
       OR (p_kind = 'cancel_requested' AND (v_state.cancel_requested OR v_state.status IN ('filled', 'canceled', 'rejected', 'expired'))) THEN
        RETURN v_state.status;
    END IF;
    INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, venue_order_id, reason, ts)
    VALUES (v_book, p_client_order_id, p_kind, coalesce(v_after, v_state.status), p_venue_order_id, p_reason, p_ts);
    IF p_kind = 'rejected' THEN
        -- Reject-rate breaker: venue rejects / orders created in the breaker's window.
        v_since := p_ts - risk._window_hours(v_book, 'reject_rate');
        SELECT count(*) FILTER (WHERE s.status = 'rejected'), count(*) INTO v_rejects, v_orders
          FROM trading.order_request r JOIN trading.order_state s USING (client_order_id)
         WHERE r.book_id = v_book AND r.ts > v_since AND r.ts <= p_ts;
        PERFORM risk._check_breaker(v_book, 'reject_rate', p_ts, v_rejects::numeric / greatest(v_orders, 1), v_orders,
                                    jsonb_build_object('rejects', v_rejects, 'orders', v_orders, 'last_reason', p_reason));
    END IF;
    RETURN coalesce(v_after, v_state.status);
END
$$;

COMMENT ON FUNCTION api.record_order_event(text, text, timestamptz, text, text) IS 'Worker: relays an acknowledgement, reject, cancel, expiry or cancel request for an order through the state machine; idempotent on re-delivery. PD005 illegal transition, PD011 unknown order, PD012 unknown kind, PD013 time going backwards.';
