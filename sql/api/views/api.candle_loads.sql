-- api.candle_loads — every gated candle load and its accounting (loaded + duplicate + corrected + quarantined = read).
CREATE VIEW api.candle_loads AS
SELECT l.load_id, l.venue, l.symbol, l.interval, l.source, l.clock, l.read, l.loaded, l.duplicate, l.corrected,
       l.quarantined, l.first_ts, l.last_ts, l.recorded_at
  FROM market.candle_load l;
COMMENT ON VIEW api.candle_loads IS 'Gated candle loads: feed, source, clock (business time), accounting (loaded + duplicate + corrected + quarantined = read), time span of the accepted rows, wall time recorded.';
