-- risk._evaluate_strategies(p_book_id, p_hour, p_day_start, p_peak, p_limits) -> integer (strategies killed)
-- At an hour close (api.close_hour, after the book's hourly state): records every strategy's own figures
-- (risk.strategies_figures: every strategy's at once, computed once for the close and used by each step below) in
-- portfolio.strategy_hour and applies its own loss limits
-- (risk._check_strategy_loss: strategy_max_daily_loss against the book's day-start equity, strategy_max_drawdown
-- against its peak equity). A strategy past either limit is killed alone (risk._kill_strategy); the row's
-- actions say so (strategy_killed plus the reason codes). Then the strategy's risk state advances
-- (risk._advance_strategy_state: its halt mirrored, its reduce tier, a paper daily stop lifted on the next UTC
-- day, a cooldown ended). Idempotent per hour (a row exists: nothing again). At 00:00 UTC it first writes the day's
-- fill checkpoint (risk._write_fill_checkpoint).
-- p_limits: the book's current limits (risk.current_limits) when the caller has them (api.close_hour reads them
-- once for the close); NULL: read here.
CREATE OR REPLACE FUNCTION risk._evaluate_strategies(p_book_id integer, p_hour timestamptz, p_day_start numeric,
                                                     p_peak numeric, p_limits jsonb DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct    trading.account;
    v_limits  jsonb;
    v_f       record;
    v_check   jsonb;
    v_actions text[];
    v_killed  integer := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := coalesce(p_limits, risk.current_limits(v_acct.risk_profile));
    -- At 00:00 UTC, the day's checkpoint of the strategies' own fill totals (risk._write_fill_checkpoint), before
    -- their figures are read: from here on their sums start from it (the cost of a close does not grow with the
    -- book's history; the figures are the same numbers).
    IF p_hour = date_trunc('day', p_hour, 'UTC') THEN
        PERFORM risk._write_fill_checkpoint(p_book_id, p_hour);
    END IF;
    -- Every strategy's figures in one pass. A strategy's figures depend only on its own fills and its own closed
    -- hours, which no step of this loop changes for another strategy (a kill cancels and sells only its own orders,
    -- unfilled here), so computing them all first gives what computing each in turn gave.
    FOR v_f IN SELECT f.*, to_jsonb(f) AS figures FROM risk.strategies_figures(p_book_id, p_hour) f
                ORDER BY f.strategy LOOP
        -- Already recorded for this hour: nothing again. A probe of the key per strategy (the same test as a NOT
        -- EXISTS in the query, whose generic plan joined the book's whole portfolio.strategy_hour by a hash).
        CONTINUE WHEN EXISTS (SELECT FROM portfolio.strategy_hour h
                               WHERE h.book_id = p_book_id AND h.strategy = v_f.strategy AND h.hour = p_hour);
        v_check := risk._check_strategy_loss(p_book_id, v_f.strategy, p_hour, NULL, v_limits, p_day_start, p_peak,
                                             v_f.figures);
        v_actions := ARRAY(SELECT jsonb_array_elements_text(v_check -> 'reasons'));
        IF cardinality(v_actions) > 0 THEN
            IF NOT coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'strategy'
                              AND h.scope_key = v_acct.name || '/' || v_f.strategy), false) THEN
                PERFORM risk._kill_strategy(p_book_id, v_f.strategy, p_hour,
                    format('%s: daily pnl %s (limit %s), drawdown %s (limit %s)', array_to_string(v_actions, ','),
                           round(v_f.daily_pnl, 8), v_check ->> 'strategy_max_daily_loss',
                           round(v_f.drawdown, 8), v_check ->> 'strategy_max_drawdown'));
                v_actions := 'strategy_killed'::text || v_actions;
                v_killed := v_killed + 1;
            END IF;
        END IF;
        PERFORM risk._advance_strategy_state(p_book_id, v_f.strategy, p_hour, v_limits, p_day_start, p_peak, v_f.figures);
        INSERT INTO portfolio.strategy_hour (book_id, strategy, hour, pool, position_value, open_buy_notional,
                                             realized_pnl, unrealized_pnl, pnl, day_start_pnl, peak_pnl, actions)
        VALUES (p_book_id, v_f.strategy, p_hour, v_f.pool, v_f.position_value, v_f.open_buy_notional,
                v_f.realized_pnl, v_f.unrealized_pnl, v_f.pnl, v_f.day_start_pnl, v_f.peak_pnl, v_actions);
    END LOOP;
    RETURN v_killed;
END
$$;

COMMENT ON FUNCTION risk._evaluate_strategies(integer, timestamptz, numeric, numeric, jsonb) IS 'Internal: at an hour close, records each strategy''s own figures (portfolio.strategy_hour) and kills alone a strategy past its own daily-loss or drawdown limit (risk._kill_strategy). Returns the number killed.';
