-- risk._advance_strategy_state(p_book_id, p_strategy, p_hour, p_limits, p_day_start, p_peak, p_figures)
--   -> text (the state after)
-- At an hour close (risk._evaluate_strategies, after the kill tier): mirrors the strategy's own halt
-- (risk._sync_strategy_halt), applies its reduce tier (risk._strategy_reduce), then lifts what has cleared,
-- each by a recorded move:
--   reducing -> normal  a daily stop (paper lane) when the close reaches its until (the next 00:00 UTC):
--                       cause next_utc_day; a held reducing state (a drawdown, a live lane's daily stop) waits
--                       for an operator (api.resume_strategy);
--   cooldown -> normal  when the strategy's cooldown_hours have passed: cause cooldown_elapsed.
-- p_figures: the strategy's row of risk.strategies_figures at p_hour (jsonb), for the reduce tier.
CREATE OR REPLACE FUNCTION risk._advance_strategy_state(p_book_id integer, p_strategy text, p_hour timestamptz,
                                                        p_limits jsonb, p_day_start numeric, p_peak numeric,
                                                        p_figures jsonb DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cur risk.state_current;
BEGIN
    PERFORM risk._sync_strategy_halt(p_book_id, p_strategy, p_hour);
    PERFORM risk._strategy_reduce(p_book_id, p_strategy, p_hour, p_limits, p_day_start, p_peak, p_figures);
    SELECT * INTO v_cur FROM risk.state_current c
     WHERE c.book_id = p_book_id AND c.scope_kind = 'strategy' AND c.scope_key = p_strategy;
    IF NOT FOUND THEN
        RETURN 'normal';
    ELSIF v_cur.state = 'reducing' AND v_cur.hold IS NULL AND p_hour >= v_cur.until_ts THEN
        RETURN risk._strategy_transition(p_book_id, p_strategy, 'normal', 'next_utc_day',
            format('strategy daily stop lifted: a new UTC day began at %s', to_char(v_cur.until_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')),
            p_hour);
    ELSIF v_cur.state = 'cooldown' AND p_hour >= v_cur.until_ts THEN
        RETURN risk._strategy_transition(p_book_id, p_strategy, 'normal', 'cooldown_elapsed',
            format('cooldown ended at %s', to_char(v_cur.until_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')), p_hour);
    END IF;
    RETURN v_cur.state;
END
$$;

COMMENT ON FUNCTION risk._advance_strategy_state(integer, text, timestamptz, jsonb, numeric, numeric, jsonb) IS 'Internal: at an hour close, mirrors a strategy''s halt, applies its reduce tier and lifts its paper daily stop on the next UTC day and its cooldown when it ends, each by a recorded move; a held reducing state waits for an operator.';
