-- api.candle_corrections — every revised bar with its evidence: old and new values, source, load, time.
CREATE VIEW api.candle_corrections AS
SELECT k.venue, k.symbol, k.interval, k.ts, k.from_revision, k.to_revision, k.old_values, k.new_values, k.load_id,
       k.source, k.recorded_at
  FROM market.candle_correction k;
COMMENT ON VIEW api.candle_corrections IS 'Revised bars (never overwritten): open time, revision from and to, old and new OHLCV, the load and source that revised it, wall time recorded.';
