-- api.lots — FIFO lots.
CREATE VIEW api.lots AS
SELECT a.name AS account, l.symbol, l.lot_no, l.venue_trade_id, l.quantity, l.price, l.fee_quote, l.remaining, l.ts
  FROM trading.lot l JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.lots IS 'FIFO lots: quantity and remaining (base), price and fee (quote).';
