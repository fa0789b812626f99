-- api.strategy_positions — each strategy's own position per symbol, from its own fills (issue 13 item 2).
-- The quantity is api.own_positions' (risk._fill_totals, the one definition, from the fill checkpoints); a
-- filter on account reaches the account scan, so one account's read computes that account alone.
CREATE VIEW api.strategy_positions AS
SELECT a.name AS account, p.strategy, p.symbol, p.quantity
  FROM trading.account a
 CROSS JOIN LATERAL api.own_positions(a.name) p;
COMMENT ON VIEW api.strategy_positions IS 'Each strategy''s own net position per symbol (base units): its buys less its sells and the fees paid in the base, over the fills of its own orders, voided fills left out (api.own_positions: risk._fill_totals, the one definition, from the fill checkpoints). What it may sell is also bounded by the book''s free position (risk._strategy_position); kill-switch and flatten exits belong to no strategy.';
