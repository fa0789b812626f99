-- api.strategy_positions — each strategy's own position per symbol, from its own fills (issue 13 item 2).
-- The quantity is api.own_positions' (risk._fill_totals, the one definition, from the fill checkpoints); a
-- filter on account reaches the account scan, so one account's read computes that account alone.
CREATE VIEW api.strategy_positions AS
SELECT a.name AS account, p.strategy, p.symbol, p.quantity
  FROM trading.account a
 CROSS JOIN LATERAL api.own_positions(a.name) p;
COMMENT ON VIEW api.strategy_positions IS 'Each strategy''s own position per symbol (base units) as admission reads it (api.own_positions): its buys less its sells and the fees paid in the base over the fills of its own orders, voided fills left out, never more than the book''s free position plus its own open sells (risk._position_bound; kill-switch and flatten exits belong to no strategy, so after one a strategy no longer holds what it sold).';
