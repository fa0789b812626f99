-- risk._check_strategy_allocation(p_book_id, p_strategy, p_ts, p_side, p_notional, p_limits, p_equity) -> jsonb
-- A strategy's capital allocation (issue 13 item 2), for api.submit_signal: an entry (buy) is refused
-- strategy_allocation when the strategy's own positions at mark + its open buys + this order exceed the limit
-- strategy_allocation (scope = the strategy's name, else *; pct of equity or an amount in the base currency).
-- Returns {"reasons": [...], "strategy_after": amount, "strategy_allocation": amount or null}.
CREATE OR REPLACE FUNCTION risk._check_strategy_allocation(p_book_id integer, p_strategy text, p_ts timestamptz,
                                                           p_side text, p_notional numeric, p_limits jsonb,
                                                           p_equity numeric)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_after numeric;
    v_cap   numeric;
BEGIN
    IF p_side <> 'buy' THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    v_cap := risk.cap(p_limits, 'strategy_allocation', p_strategy, p_equity);
    IF v_cap IS NULL THEN  -- no allocation: nothing to compute
        RETURN jsonb_build_object('reasons', '[]'::jsonb, 'strategy_allocation', NULL);
    END IF;
    SELECT f.position_value + f.open_buy_notional + p_notional INTO v_after
      FROM risk.strategy_figures(p_book_id, p_strategy, p_ts) f;
    RETURN jsonb_build_object(
        'reasons', CASE WHEN v_cap IS NOT NULL AND v_after > v_cap THEN '["strategy_allocation"]'::jsonb ELSE '[]'::jsonb END,
        'strategy_after', v_after, 'strategy_allocation', v_cap);
END
$$;

COMMENT ON FUNCTION risk._check_strategy_allocation(integer, text, timestamptz, text, numeric, jsonb, numeric) IS 'Internal: refuses an entry past the strategy''s capital allocation (strategy_allocation), as jsonb {reasons, strategy_after, strategy_allocation}.';
