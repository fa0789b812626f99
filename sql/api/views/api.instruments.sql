-- api.instruments — instruments per venue with cluster and venue rules.
CREATE VIEW api.instruments AS
SELECT i.venue, i.symbol, i.base, i.quote, a.cluster, i.tick_size, i.step_size, i.min_qty, i.min_notional, i.source, i.updated_at
  FROM market.instrument i JOIN market.asset a ON a.asset = i.base;
COMMENT ON VIEW api.instruments IS 'Instruments per venue: base, quote, cluster, tick size (quote), step size and minimum quantity (base), minimum notional (quote).';
