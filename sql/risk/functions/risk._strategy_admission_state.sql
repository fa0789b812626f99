-- risk._strategy_admission_state(p_book_id, p_strategy, p_side, p_ts, p_day_start, p_peak) -> text[] (reason codes)
-- The strategy's risk state's part of the admission gate (api.submit_signal; issue 13 item 3), at decision time
-- p_ts: mirrors the halt at the strategy's scope (risk._sync_strategy_halt), applies the strategy's reduce tier
-- (risk._strategy_reduce), then refuses an entry (a buy) with strategy_reducing while the strategy is reducing
-- and strategy_cooldown during its cooldown. Exits and reductions pass; a halted strategy's orders are refused
-- halted_strategy by risk._active_halts. The book's other strategies are not affected.
CREATE OR REPLACE FUNCTION risk._strategy_admission_state(p_book_id integer, p_strategy text, p_side text,
                                                          p_ts timestamptz, p_day_start numeric, p_peak numeric)
RETURNS text[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_state text;
BEGIN
    PERFORM risk._sync_strategy_halt(p_book_id, p_strategy, p_ts);
    v_state := risk._strategy_reduce(p_book_id, p_strategy, p_ts,
        risk.current_limits((SELECT a.risk_profile FROM trading.account a WHERE a.book_id = p_book_id)), p_day_start, p_peak);
    IF p_side = 'buy' AND v_state = 'reducing' THEN
        RETURN ARRAY['strategy_reducing'];
    ELSIF p_side = 'buy' AND v_state = 'cooldown' THEN
        RETURN ARRAY['strategy_cooldown'];
    END IF;
    RETURN '{}';
END
$$;

COMMENT ON FUNCTION risk._strategy_admission_state(integer, text, text, timestamptz, numeric, numeric) IS 'Internal: a strategy''s risk state at admission: strategy_reducing or strategy_cooldown for its entries while it reduces or cools down (after mirroring its halt and applying its reduce tier).';
