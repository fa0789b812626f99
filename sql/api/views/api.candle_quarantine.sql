-- api.candle_quarantine — input rows refused by the candle gates, with their reason codes.
CREATE VIEW api.candle_quarantine AS
SELECT q.load_id, l.source, q.line_no, q.venue, q.symbol, q.interval, q.ts, q.reasons, q.raw, q.raw_length, q.recorded_at
  FROM market.candle_quarantine q
  LEFT JOIN market.candle_load l ON l.load_id = q.load_id;
COMMENT ON VIEW api.candle_quarantine IS 'Rows refused by the candle gates: load and source, file line number, feed, open time when it parsed, reason codes (docs/market_data.md), the raw line (first 1,000 characters) and its full length.';
