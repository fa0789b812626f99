-- risk.strategy_figures(p_book_id, p_strategy, p_ts)
--   -> (pool, position_value, open_buy_notional, realized_pnl, unrealized_pnl, pnl, day_start_pnl, daily_pnl,
--       peak_pnl, drawdown)
-- One strategy's own figures (issue 13 item 2) at business time p_ts: risk.strategies_figures (the one computation,
-- which defines every figure) for that strategy alone. Admission (its allocation, loss limits and reduce tier) and
-- gate 17 read it; the hour close reads the strategies' figures all at once from risk.strategies_figures.
CREATE OR REPLACE FUNCTION risk.strategy_figures(p_book_id integer, p_strategy text, p_ts timestamptz)
RETURNS TABLE (pool text, position_value numeric, open_buy_notional numeric, realized_pnl numeric,
               unrealized_pnl numeric, pnl numeric, day_start_pnl numeric, daily_pnl numeric, peak_pnl numeric,
               drawdown numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    SELECT f.pool, f.position_value, f.open_buy_notional, f.realized_pnl, f.unrealized_pnl, f.pnl, f.day_start_pnl,
           f.daily_pnl, f.peak_pnl, f.drawdown
      FROM risk.strategies_figures(p_book_id, p_ts, ARRAY[p_strategy]) f;
END
$$;

COMMENT ON FUNCTION risk.strategy_figures(integer, text, timestamptz) IS 'A strategy''s own figures at business time p_ts (risk.strategies_figures filtered to it: the one computation): pool, position value, open buy notional, realized and unrealized PnL, PnL, day-start PnL, daily PnL, peak PnL and drawdown (amount), in the reporting currency. Used by admission and gate 17.';
