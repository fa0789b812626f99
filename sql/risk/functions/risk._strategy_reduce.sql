-- risk._strategy_reduce(p_book_id, p_strategy, p_ts, p_limits, p_day_start, p_peak, p_figures) -> text (the state after)
-- The reduce tier of a strategy's own loss (issue 13 items 3 and 7), from its own fills (risk.strategy_figures),
-- below the kill tier (strategy_max_daily_loss / strategy_max_drawdown, risk._evaluate_strategies):
--   strategy_reduce_daily_loss  daily_pnl ≤ −limit (pct of the book's day-start equity p_day_start, or an
--                               amount): the strategy moves to reducing, cause strategy_daily_loss; in a paper
--                               lane until the next 00:00 UTC (risk._advance_strategy_state lifts it then), in a
--                               live lane held until an operator resumes it;
--   strategy_reduce_drawdown    drawdown ≥ limit (pct of the book's peak equity p_peak, or an amount): reducing,
--                               cause strategy_drawdown, held until an operator resumes it (a drawdown does not
--                               clear by itself).
-- Only from normal or cooldown, or while reducing when the cause adds to it (a drawdown hold over a daily stop,
-- a daily stop that moves on to a later day); never from halted. One daily stop per UTC day (the day of p_ts, a
-- close at 00:00 belonging to the day it ends): once lifted at 00:00 or released by an operator it is not redone
-- for the same day's loss. Limits not set: nothing computed. p_figures: the strategy's row of risk.strategies_figures
-- at p_ts as jsonb when the caller has it (the hour close); NULL: read here from risk.strategy_figures.
CREATE OR REPLACE FUNCTION risk._strategy_reduce(p_book_id integer, p_strategy text, p_ts timestamptz, p_limits jsonb,
                                                 p_day_start numeric, p_peak numeric, p_figures jsonb DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_lane  text;
    v_cur   risk.state_current;
    v_state text := risk._strategy_state(p_book_id, p_strategy);
    v_loss  numeric := risk.cap(p_limits, 'strategy_reduce_daily_loss', p_strategy, p_day_start);
    v_dd    numeric := risk.cap(p_limits, 'strategy_reduce_drawdown', p_strategy, p_peak);
    v_until timestamptz := date_trunc('day', p_ts - interval '1 second', 'UTC') + interval '1 day';
    v_daily    numeric;  -- the strategy's daily PnL, drawdown and peak PnL at p_ts (risk.strategies_figures)
    v_drawdown numeric;
    v_peak_pnl numeric;
BEGIN
    IF (v_loss IS NULL AND v_dd IS NULL) OR v_state = 'halted' THEN
        RETURN v_state;
    END IF;
    SELECT a.lane INTO v_lane FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_cur FROM risk.state_current c
     WHERE c.book_id = p_book_id AND c.scope_kind = 'strategy' AND c.scope_key = p_strategy;
    IF p_figures IS NULL THEN
        SELECT f.daily_pnl, f.drawdown, f.peak_pnl INTO v_daily, v_drawdown, v_peak_pnl
          FROM risk.strategy_figures(p_book_id, p_strategy, p_ts) f;
    ELSE
        v_daily := (p_figures ->> 'daily_pnl')::numeric;
        v_drawdown := (p_figures ->> 'drawdown')::numeric;
        v_peak_pnl := (p_figures ->> 'peak_pnl')::numeric;
    END IF;
    IF v_dd IS NOT NULL AND v_drawdown > 0 AND v_drawdown >= v_dd
       AND NOT (v_state = 'reducing' AND v_cur.hold IS NOT NULL) THEN
        v_state := risk._strategy_transition(p_book_id, p_strategy, 'reducing', 'strategy_drawdown',
            format('strategy_reduce_drawdown: drawdown %s of the strategy''s peak pnl %s (limit %s); entries refused until an operator resumes it',
                   round(v_drawdown, 8), round(v_peak_pnl, 8), v_dd), p_ts);
        SELECT * INTO v_cur FROM risk.state_current c
         WHERE c.book_id = p_book_id AND c.scope_kind = 'strategy' AND c.scope_key = p_strategy;
    END IF;
    IF v_loss IS NOT NULL AND v_daily < 0 AND -v_daily >= v_loss
       AND NOT (v_state = 'reducing' AND (v_cur.hold IS NOT NULL OR v_cur.until_ts >= v_until))
       AND NOT EXISTS (SELECT FROM risk.state_event e  -- one daily stop per UTC day: a lifted or released one is not redone
                        WHERE e.book_id = p_book_id AND e.scope_kind = 'strategy' AND e.scope_key = p_strategy
                          AND e.cause = 'strategy_daily_loss' AND e.ts > v_until - interval '1 day') THEN
        v_state := risk._strategy_transition(p_book_id, p_strategy, 'reducing', 'strategy_daily_loss',
            format('strategy_reduce_daily_loss: daily pnl %s (limit %s); entries refused %s', round(v_daily, 8), v_loss,
                   CASE WHEN v_lane = 'paper' THEN 'until ' || to_char(v_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')
                        ELSE 'until an operator resumes it (live lane)' END),
            p_ts, CASE WHEN v_lane = 'paper' THEN v_until END);
    END IF;
    RETURN v_state;
END
$$;

COMMENT ON FUNCTION risk._strategy_reduce(integer, text, timestamptz, jsonb, numeric, numeric, jsonb) IS 'Internal: the reduce tier of a strategy''s own loss: strategy_reduce_daily_loss (paper: until the next UTC day; live: held) and strategy_reduce_drawdown (held until an operator) move the strategy to reducing by a recorded move.';
