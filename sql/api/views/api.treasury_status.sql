-- api.treasury_status — the self-financing status per UTC day and rolling window (docs/treasury.md).
CREATE VIEW api.treasury_status AS
SELECT a.name AS account, s.day, s.window_days, s.period_from, s.period_to, s.complete, s.currency, s.realized_pnl,
       s.trading_fees, s.operating_costs, s.reserve_accrual, s.surplus, s.equity, s.principal, s.principal_protected,
       s.policy_action, s.policy_amount, s.budget_scale, s.seq
  FROM portfolio.treasury_status s JOIN trading.account a ON a.book_id = s.book_id;
COMMENT ON VIEW api.treasury_status IS 'Self-financing status per account, UTC day (window_days 1) and rolling window: realized PnL, trading fees, operating costs, reserve accrual, net operating surplus, equity, principal, principal protected, what the treasury policy did, and the risk budget scale in force after the close (budget_scale; NULL: the cut policy is off).';
