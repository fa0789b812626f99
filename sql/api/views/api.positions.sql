-- api.positions — current long positions.
CREATE VIEW api.positions AS
SELECT a.name AS account, p.symbol, p.quantity, p.cost_basis, p.trip_no, p.trip_opened_at, p.updated_ts
  FROM trading.position p JOIN trading.account a USING (book_id)
 WHERE p.quantity > 0;
COMMENT ON VIEW api.positions IS 'Open long positions: base quantity and cost basis (quote, buy fees included).';
