-- api.venues — the trading venues and their spot fee tier (market.venue): the one source of fees, read by
-- the admission gate (api.submit_signal) and by the paper engine (predator.db.reads.fee_tier).
CREATE VIEW api.venues AS
SELECT v.venue, v.name, v.maker_fee_bps, v.taker_fee_bps
  FROM market.venue v;
COMMENT ON VIEW api.venues IS 'Trading venues (ccxt ids) and their spot fee tier in basis points (maker, taker): the one source of fees for admission and the paper engine.';
