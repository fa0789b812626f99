-- risk._net_arbitration(p_book_id, p_strategy, p_symbol, p_ts, p_side, p_qty, p_price, p_against) -> jsonb
-- The net arbitration rule (issue 13 item 2; docs/risk.md "Arbitration"), for a signal (quantity p_qty at unit
-- price p_price: its limit, else the decision price) that disagrees with orders of other strategies on the other
-- side of the same symbol in the same hour (p_against, from risk._check_arbitration). Every order keeps exactly one
-- owning strategy:
--   * only the opposing orders still new and never sent are offset (nettable); an order already at the venue (or
--     final) stands and is left out (recorded nettable false);
--   * this side's notional N = p_qty × p_price, the other side's M = Σ remaining × (limit or decision price);
--   * N > M and p_qty > Q (Q = Σ nettable remaining): this signal is admitted for the residual p_qty − Q (returned as
--     "residual"; api.submit_signal trades that quantity, risk._arbitrated_quantity) and every nettable order is
--     cancelled (reason arbitration_netted, offset = its whole remaining quantity);
--   * otherwise this signal is refused arbitration_netted (offset min(p_qty, Q)); the offset is taken from the
--     nettable orders in the order they were admitted: each order touched is cancelled and, when part of it is
--     left, replaced by a residual order of its own strategy (origin arbitration_net, same side, type, prices,
--     reduce-only flag and expiry, decision time p_ts); orders the offset does not reach stand;
--   * a residual below the instrument's min_qty or min_notional is not traded (residual_dropped): the whole
--     quantity is offset.
-- Returns {"reasons": [...], "arbitration": {rule net, quantity, price, notional, other_quantity, other_notional,
-- offset, residual (admitted quantity, when admitted), residual_dropped, against, cancelled: [ids],
-- residuals: [{client_order_id, strategy, replaces, quantity, offset}]}}; {"reasons": []} when nothing is nettable.
CREATE OR REPLACE FUNCTION risk._net_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamptz,
                                                 p_side text, p_qty numeric, p_price numeric, p_against jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct      trading.account;
    v_inst      market.instrument;
    v_q         numeric;
    v_m         numeric;
    v_n         numeric := p_qty * p_price;
    v_left      numeric;
    v_take      numeric;
    v_rest      numeric;
    v_admit     numeric;
    v_dropped   boolean := false;
    v_o         record;
    v_coid      text;
    v_cancelled text[] := '{}';
    v_residuals jsonb := '[]'::jsonb;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_inst FROM market.instrument i WHERE i.venue = v_acct.venue AND i.symbol = p_symbol;
    SELECT coalesce(sum(s.quantity - s.filled_qty), 0),
           coalesce(sum((s.quantity - s.filled_qty) * coalesce(r.limit_price, r.decision_price)), 0)
      INTO v_q, v_m
      FROM trading.order_state s JOIN trading.order_request r ON r.client_order_id = s.client_order_id
     WHERE s.client_order_id IN (SELECT x ->> 'client_order_id' FROM jsonb_array_elements(p_against) x)
       AND s.status = 'new' AND s.venue_order_id IS NULL;
    IF v_q = 0 THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    IF v_n > v_m AND p_qty > v_q THEN
        v_admit := p_qty - v_q;
        IF v_admit < v_inst.min_qty OR v_admit * p_price < v_inst.min_notional THEN
            v_admit := NULL;
            v_dropped := true;
        END IF;
    END IF;
    -- The offset: everything nettable when this signal is admitted for its residual (or its residual was dropped
    -- as it is the larger side), else this signal's quantity.
    v_left := CASE WHEN v_admit IS NOT NULL OR v_dropped THEN v_q ELSE least(p_qty, v_q) END;
    FOR v_o IN
        SELECT r.client_order_id, r.strategy, r.side, r.order_type, r.limit_price, r.decision_price, r.reduce_only, r.expiry,
               s.quantity - s.filled_qty AS remaining, s.filled_qty, s.updated_ts
          FROM trading.order_state s JOIN trading.order_request r ON r.client_order_id = s.client_order_id
         WHERE s.client_order_id IN (SELECT x ->> 'client_order_id' FROM jsonb_array_elements(p_against) x)
           AND s.status = 'new' AND s.venue_order_id IS NULL
         ORDER BY r.seq
    LOOP
        EXIT WHEN v_left <= 0;
        v_take := least(v_o.remaining, v_left);
        v_left := v_left - v_take;
        v_rest := v_o.remaining - v_take;
        INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
        VALUES (p_book_id, v_o.client_order_id, 'canceled', 'canceled', v_o.filled_qty,
                format('arbitration_netted: %s offset against %s %s of %s (net)', v_take, p_side, p_qty, p_strategy),
                greatest(p_ts, v_o.updated_ts));
        v_cancelled := v_cancelled || v_o.client_order_id;
        IF v_rest > 0 AND v_rest >= v_inst.min_qty AND v_rest * coalesce(v_o.limit_price, v_o.decision_price) >= v_inst.min_notional THEN
            v_coid := trading.client_order_id(v_acct.name, v_o.strategy, p_symbol, p_ts, 'net:' || v_o.client_order_id);
            INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type,
                                               quantity, limit_price, decision_price, reduce_only, origin, ts, expiry)
            VALUES (p_book_id, v_coid, NULL, v_o.strategy, p_symbol, v_o.side, v_o.order_type, v_rest, v_o.limit_price,
                    v_o.decision_price, v_o.reduce_only, 'arbitration_net', greatest(p_ts, v_o.updated_ts), v_o.expiry);
            INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
            VALUES (p_book_id, v_coid, 'created', 'new', 0,
                    format('arbitration_netted: residual %s of %s after %s offset against %s (net)', v_rest,
                           v_o.client_order_id, v_take, p_strategy),
                    greatest(p_ts, v_o.updated_ts));
            v_residuals := v_residuals || jsonb_build_object('client_order_id', v_coid, 'strategy', v_o.strategy,
                                                             'replaces', v_o.client_order_id, 'quantity', v_rest, 'offset', v_take);
        ELSIF v_rest > 0 THEN
            v_dropped := true;
        END IF;
    END LOOP;
    RETURN jsonb_build_object(
        'reasons', CASE WHEN v_admit IS NULL THEN '["arbitration_netted"]'::jsonb ELSE '[]'::jsonb END,
        'arbitration', jsonb_build_object(
            'rule', 'net', 'quantity', p_qty, 'price', p_price, 'notional', v_n, 'other_quantity', v_q, 'other_notional', v_m,
            'offset', CASE WHEN v_admit IS NOT NULL OR v_dropped THEN v_q ELSE least(p_qty, v_q) END,
            'residual', v_admit, 'residual_dropped', v_dropped,
            'against', (SELECT jsonb_agg(x.e || jsonb_build_object('nettable', (s.status = 'new' AND s.venue_order_id IS NULL)
                                                                                OR x.e ->> 'client_order_id' = ANY (v_cancelled))
                                         ORDER BY x.n)
                          FROM jsonb_array_elements(p_against) WITH ORDINALITY x(e, n)
                          JOIN trading.order_state s ON s.client_order_id = x.e ->> 'client_order_id'),
            'cancelled', to_jsonb(v_cancelled), 'residuals', v_residuals));
END
$$;

COMMENT ON FUNCTION risk._net_arbitration(integer, text, text, timestamptz, text, numeric, numeric, jsonb) IS 'Internal: the net arbitration rule: opposing never-sent orders of other strategies offset this signal; the larger side''s residual trades, owned by one strategy (this signal reduced, or a residual order of origin arbitration_net replacing the cancelled one); the smaller side is refused or cancelled arbitration_netted, offsets recorded.';
