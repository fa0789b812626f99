-- risk._check_arbitration(p_book_id, p_strategy, p_symbol, p_ts, p_side, p_blocked, p_qty, p_price) -> jsonb
-- Arbitration between strategies of one book (issue 13 item 2, docs/risk.md): two strategies disagree when, for
-- the same symbol and the same hour (decision times within the hour ending at p_ts), one's order was admitted
-- on the other side of this signal (a buy against a sell, reduce or exit). The risk profile's rule
-- (risk.arbitration_rule) decides:
--   refuse_both  this signal is refused arbitration_refused and the other strategy's order is cancelled;
--   priority     the higher trading.strategy.priority wins: a lower one is refused arbitration_lost; a higher
--                one goes on to the other checks and the other's order is cancelled (reason arbitration_lost);
--                equal priorities refuse both (arbitration_refused);
--   net          opposing quantities offset (risk._net_arbitration, with this signal's quantity p_qty and unit price
--                p_price): the larger side's residual trades, owned by one strategy; the other is refused or
--                cancelled arbitration_netted.
-- p_blocked: the signal is refused for another reason already; then nothing is arbitrated (an order that
-- would not exist cancels nobody's).
-- Cancelling: an order still new and never sent is cancelled at once (a canceled event); one already at the
-- venue gets a cancel request. Every such event names the rule and the winning strategy.
-- Returns {"reasons": [...], "arbitration": {rule, against: [{strategy, client_order_id, side, priority}],
-- cancelled: [client order ids]}} ({"reasons": []} when nothing disagrees).
CREATE OR REPLACE FUNCTION risk._check_arbitration(p_book_id integer, p_strategy text, p_symbol text,
                                                   p_ts timestamptz, p_side text, p_blocked boolean,
                                                   p_qty numeric DEFAULT NULL, p_price numeric DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_profile  text;
    v_rule     text;
    v_prio     integer;
    v_against  jsonb;
    v_max      integer;
    v_reason   text;
    v_cancel   boolean;
    v_o        record;
    v_done     text[] := '{}';
BEGIN
    IF p_blocked THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    SELECT coalesce(jsonb_agg(jsonb_build_object('strategy', r.strategy, 'client_order_id', r.client_order_id,
                                                 'side', r.side, 'priority', st.priority) ORDER BY r.seq), '[]'::jsonb),
           max(st.priority)
      INTO v_against, v_max
      FROM trading.order_request r
      JOIN trading.strategy st ON st.book_id = r.book_id AND st.strategy = r.strategy
     WHERE r.book_id = p_book_id AND r.symbol = p_symbol AND r.origin IN ('signal', 'arbitration_net')
       AND r.strategy IS NOT NULL AND r.strategy <> p_strategy AND r.side <> p_side
       AND r.ts > p_ts - interval '1 hour' AND r.ts <= p_ts;
    IF jsonb_array_length(v_against) = 0 THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    SELECT a.risk_profile INTO v_profile FROM trading.account a WHERE a.book_id = p_book_id;
    v_rule := risk.arbitration_rule(v_profile);
    IF v_rule = 'net' THEN
        RETURN risk._net_arbitration(p_book_id, p_strategy, p_symbol, p_ts, p_side, p_qty, p_price, v_against);
    END IF;
    SELECT s.priority INTO v_prio FROM trading.strategy s WHERE s.book_id = p_book_id AND s.strategy = p_strategy;
    IF v_rule = 'priority' AND v_prio < v_max THEN
        v_reason := 'arbitration_lost';
        v_cancel := false;
    ELSIF v_rule = 'priority' AND v_prio > v_max THEN
        v_reason := NULL;
        v_cancel := true;
    ELSE
        v_reason := 'arbitration_refused';
        v_cancel := true;
    END IF;
    IF v_cancel THEN
        FOR v_o IN
            SELECT s.client_order_id, s.status, s.venue_order_id, s.filled_qty, s.updated_ts, s.cancel_requested
              FROM trading.order_state s
             WHERE s.client_order_id IN (SELECT x ->> 'client_order_id' FROM jsonb_array_elements(v_against) x)
               AND s.status IN ('new', 'open', 'partially_filled')
             ORDER BY s.client_order_id
        LOOP
            IF v_o.status = 'new' AND v_o.venue_order_id IS NULL THEN
                INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
                VALUES (p_book_id, v_o.client_order_id, 'canceled', 'canceled', v_o.filled_qty,
                        format('%s: %s disagrees (%s)', coalesce(v_reason, 'arbitration_lost'), p_strategy, v_rule),
                        greatest(p_ts, v_o.updated_ts));
            ELSIF NOT v_o.cancel_requested THEN
                INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, reason, ts)
                VALUES (p_book_id, v_o.client_order_id, 'cancel_requested', v_o.status,
                        format('%s: %s disagrees (%s)', coalesce(v_reason, 'arbitration_lost'), p_strategy, v_rule),
                        greatest(p_ts, v_o.updated_ts));
            END IF;
            v_done := v_done || v_o.client_order_id;
        END LOOP;
    END IF;
    RETURN jsonb_build_object(
        'reasons', CASE WHEN v_reason IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(v_reason) END,
        'arbitration', jsonb_build_object('rule', v_rule, 'priority', v_prio, 'against', v_against,
                                          'cancelled', to_jsonb(v_done)));
END
$$;

COMMENT ON FUNCTION risk._check_arbitration(integer, text, text, timestamptz, text, boolean, numeric, numeric) IS 'Internal: arbitration (unless the signal is refused already) when another strategy of the book had an order admitted on the other side of the same symbol in the same hour: refuse_both (arbitration_refused, the other''s order cancelled) or priority (the lower is refused arbitration_lost, the higher wins and the other''s order is cancelled) or net (risk._net_arbitration: offsets, arbitration_netted); jsonb {reasons, arbitration}.';
