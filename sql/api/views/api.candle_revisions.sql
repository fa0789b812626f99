-- api.candle_revisions — every stored revision of every bar with the load that wrote it (api.candles keeps the
-- highest revision only). A replay of a sync-fed run reads it to load the same revisions in the same order.
CREATE VIEW api.candle_revisions AS
SELECT c.venue, c.symbol, c.interval, c.ts, c.revision, c.open, c.high, c.low, c.close, c.volume, c.load_id,
       l.source, l.clock
  FROM market.candle c
  JOIN market.candle_load l ON l.load_id = c.load_id;
COMMENT ON VIEW api.candle_revisions IS 'Every stored revision of every bar (ts = open time UTC, prices in quote, volume in base), with the load that wrote it (load_id in commit order per feed, its source and business clock).';
