-- api.candles — effective candles: the highest revision of every (venue, symbol, interval, ts).
CREATE VIEW api.candles AS
SELECT DISTINCT ON (c.venue, c.symbol, c.interval, c.ts)
       c.venue, c.symbol, c.interval, c.ts, c.open, c.high, c.low, c.close, c.volume, c.revision
  FROM market.candle c
 ORDER BY c.venue, c.symbol, c.interval, c.ts, c.revision DESC;
COMMENT ON VIEW api.candles IS 'Effective OHLCV bars (highest revision): ts = open time UTC, prices in quote, volume in base.';
