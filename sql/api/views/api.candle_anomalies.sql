-- api.candle_anomalies — stored bars that are valid but unusual: flagged for attention, never rejected.
--   zero_volume_flat  volume 0 and open = high = low = close (an exchange halt hour, e.g. Binance
--                     2023-03-24T12 or BTC 2019-06-07T21);
--   zero_volume       volume 0 with a price range (no trade, yet prices moved: worth a look);
--   range_spike       high >= 2 x low within one bar (listing hours such as APT 2022-10-19T01, 1 -> 100;
--                     flash-crash wicks such as LINK 2020-03-12T10, low 0.0001);
--   open_jump         open differs from the previous bar's close by 50 % or more (a gap between bars).
-- Effective bars only (highest revision); prev_close is the close of the previous stored bar of the feed.
-- Filter by venue, symbol and interval: the conditions reach the scan of market.candle.
CREATE VIEW api.candle_anomalies AS
SELECT a.venue, a.symbol, a.interval, a.ts, a.open, a.high, a.low, a.close, a.volume, a.prev_close, a.flags
  FROM (SELECT e.*,
               array_remove(ARRAY[
                   CASE WHEN e.volume = 0 AND e.open = e.high AND e.high = e.low AND e.low = e.close THEN 'zero_volume_flat' END,
                   CASE WHEN e.volume = 0 AND NOT (e.open = e.high AND e.high = e.low AND e.low = e.close) THEN 'zero_volume' END,
                   CASE WHEN e.high >= 2 * e.low THEN 'range_spike' END,
                   CASE WHEN e.open >= 1.5 * e.prev_close OR 1.5 * e.open <= e.prev_close THEN 'open_jump' END
               ], NULL) AS flags
          FROM (SELECT d.*, lag(d.close) OVER (PARTITION BY d.venue, d.symbol, d.interval ORDER BY d.ts) AS prev_close
                  FROM (SELECT DISTINCT ON (c.venue, c.symbol, c.interval, c.ts)
                               c.venue, c.symbol, c.interval, c.ts, c.open, c.high, c.low, c.close, c.volume
                          FROM market.candle c
                         ORDER BY c.venue, c.symbol, c.interval, c.ts, c.revision DESC) d) e) a
 WHERE cardinality(a.flags) > 0;
COMMENT ON VIEW api.candle_anomalies IS 'Valid but unusual effective bars, flagged and kept: zero_volume_flat (exchange halt hours), zero_volume, range_spike (high >= 2 x low: listing hours, flash-crash wicks), open_jump (open 50 % or more away from the previous close).';
