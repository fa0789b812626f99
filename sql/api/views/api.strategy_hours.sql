-- api.strategy_hours — each strategy's own figures at each hour close (portfolio.strategy_hour).
CREATE VIEW api.strategy_hours AS
SELECT a.name AS account, h.strategy, h.hour, h.pool, h.position_value, h.open_buy_notional, h.realized_pnl,
       h.unrealized_pnl, h.pnl, h.day_start_pnl, h.pnl - h.day_start_pnl AS daily_pnl, h.peak_pnl,
       h.peak_pnl - h.pnl AS drawdown, h.actions
  FROM portfolio.strategy_hour h JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.strategy_hours IS 'Each strategy''s own figures at each hour close, in the base currency: positions at mark, open buys, realized and unrealized PnL of its own fills, daily PnL, peak and drawdown (amounts), and what its limits did (strategy_killed with the reason codes).';
