-- api.orders — order requests with their current state.
CREATE VIEW api.orders AS
SELECT a.name AS account, r.client_order_id, r.strategy, r.symbol, r.side, r.order_type, r.quantity, r.limit_price,
       r.decision_price, r.reduce_only, r.origin, r.ts, r.expiry, s.status, s.filled_qty, s.filled_notional,
       s.fees_quote, s.venue_order_id, s.cancel_requested, s.updated_ts, r.seq
  FROM trading.order_request r
  JOIN trading.order_state s USING (client_order_id)
  JOIN trading.account a ON a.book_id = r.book_id;
COMMENT ON VIEW api.orders IS 'Orders: the request (base quantity, limit and decision price in quote, business time ts) and current status, filled quantity, notional and fees (quote).';
