-- risk._after_fill(p_book_id, p_client_order_id, p_price, p_ts) -> void
-- Safety checks after every fill: the abnormal-slippage breaker (adverse slippage of the fill price
-- against the order's decision price, in basis points: buy (price / decision − 1) × 10⁴, sell
-- (1 − price / decision) × 10⁴) and the intra-hour loss limits (risk._evaluate_intrahour). Orders created
-- by the kill switch or a risk flatten are exits at any price and do not feed the slippage breaker.
CREATE OR REPLACE FUNCTION risk._after_fill(p_book_id integer, p_client_order_id text, p_price numeric, p_ts timestamptz)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_req trading.order_request;
    v_bps numeric;
BEGIN
    SELECT * INTO v_req FROM trading.order_request r WHERE r.client_order_id = p_client_order_id;
    IF v_req.origin = 'signal' THEN
        v_bps := CASE v_req.side WHEN 'buy' THEN (p_price / v_req.decision_price - 1) * 10000
                                 ELSE (1 - p_price / v_req.decision_price) * 10000 END;
        IF v_bps > 0 THEN
            PERFORM risk._check_breaker(p_book_id, 'slippage_bps', p_ts, v_bps, 1,
                jsonb_build_object('client_order_id', p_client_order_id, 'price', p_price,
                                   'decision_price', v_req.decision_price, 'side', v_req.side));
        END IF;
    END IF;
    PERFORM risk._evaluate_intrahour(p_book_id, p_ts);
END
$$;

COMMENT ON FUNCTION risk._after_fill(integer, text, numeric, timestamptz) IS 'Internal: abnormal-slippage breaker and intra-hour loss limits after a fill.';
