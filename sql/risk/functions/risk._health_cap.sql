-- risk._health_cap(p_book_id, p_strategy, p_limits, p_order_cap, p_equity, p_notional) -> (reasons, caps)
-- The allocation cut of a demoted strategy (api.submit_signal; docs/risk.md "Strategy health"): while the
-- strategy's latest health state (risk.strategy_health) is demoted, an entry's notional may be at most
-- health_demoted_size (pct, scope strategy or *, 50 when not set) of the order cap in force (of the equity
-- when no order cap is set). Reason health_demoted above it; caps: health_demoted_cap. Any other state:
-- no reason, no figures.
CREATE OR REPLACE FUNCTION risk._health_cap(p_book_id integer, p_strategy text, p_limits jsonb, p_order_cap numeric,
                                            p_equity numeric, p_notional numeric)
RETURNS TABLE (reasons text[], caps jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_state text;
    v_cap   numeric;
BEGIN
    SELECT h.state INTO v_state FROM risk.strategy_health h
     WHERE h.book_id = p_book_id AND h.strategy = p_strategy ORDER BY h.hour DESC LIMIT 1;
    IF v_state IS DISTINCT FROM 'demoted' THEN
        RETURN QUERY SELECT '{}'::text[], '{}'::jsonb;
        RETURN;
    END IF;
    v_cap := coalesce(p_order_cap, p_equity) * coalesce(risk.cap(p_limits, 'health_demoted_size', p_strategy, 1), 0.5);
    RETURN QUERY SELECT CASE WHEN p_notional > v_cap THEN ARRAY['health_demoted']::text[] ELSE '{}'::text[] END,
                        jsonb_build_object('health_demoted_cap', v_cap);
END
$$;

COMMENT ON FUNCTION risk._health_cap(integer, text, jsonb, numeric, numeric, numeric) IS 'Internal (admission): a demoted strategy''s entries are limited to health_demoted_size of the order cap (of equity without one); reason health_demoted above it.';
