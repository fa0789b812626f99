-- api.fills — executions.
CREATE VIEW api.fills AS
SELECT a.name AS account, f.client_order_id, f.symbol, f.side, f.venue_trade_id, f.quantity, f.price, f.fee,
       f.fee_currency, f.liquidity, f.ts, r.decision_price, r.strategy, r.origin, f.seq,
       EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                  AND v.venue_trade_id = f.venue_trade_id) AS voided,
       CASE f.side WHEN 'buy' THEN (f.price / nullif(r.decision_price, 0) - 1) * 10000
                   ELSE (1 - f.price / nullif(r.decision_price, 0)) * 10000 END AS slippage_bps
  FROM trading.fill f
  JOIN trading.order_request r USING (client_order_id)
  JOIN trading.account a ON a.book_id = f.book_id;
COMMENT ON VIEW api.fills IS 'Executions: base quantity, price (quote), fee and its currency, maker/taker, venue time; with the order''s decision price for slippage; voided: an operator voided it as a fill the venue never made (api.fill_voids); slippage_bps: the price against the decision price in basis points, positive = adverse (a buy above it, a sell below it; NULL without a decision price), the one definition of slippage (api.execution_quality, the report, the metrics).';
