-- api.strategy_positions — each strategy's own position per symbol, from its own fills (issue 13 item 2).
CREATE VIEW api.strategy_positions AS
SELECT a.name AS account, r.strategy, f.symbol,
       sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
           - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END) AS quantity
  FROM trading.fill f
  JOIN trading.order_request r ON r.client_order_id = f.client_order_id
  JOIN trading.account a ON a.book_id = f.book_id
 WHERE r.strategy IS NOT NULL
   AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                      AND v.venue_trade_id = f.venue_trade_id)  -- voided: the venue never made it
 GROUP BY a.name, r.strategy, f.symbol;
COMMENT ON VIEW api.strategy_positions IS 'Each strategy''s own net position per symbol (base units): its buys less its sells and the fees paid in the base, over the fills of its own orders. What it may sell is also bounded by the book''s free position (risk._strategy_position); kill-switch and flatten exits belong to no strategy.';
