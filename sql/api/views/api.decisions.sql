-- api.decisions — signals with the admission gate's verdict.
CREATE VIEW api.decisions AS
SELECT a.name AS account, s.strategy, s.symbol, s.ts, s.direction, s.confidence, s.edge_bps, s.expiry, s.quantity,
       d.outcome, d.reasons, d.client_order_id, d.figures, s.seq AS signal_seq
  FROM trading.signal s
  JOIN risk.decision d ON d.book_id = s.book_id AND d.signal_seq = s.seq
  JOIN trading.account a ON a.book_id = s.book_id;
COMMENT ON VIEW api.decisions IS 'Every signal and its verdict: admitted (client order id), refused (reason codes) or hold, with the figures used.';
