-- 0014_reference_data_calls.up.sql — venues, assets and instruments from the command line (issue 12 item 4).
--
-- Until now a venue or an asset could only come with a migration (0002): a new venue (Binance.US) or a coin
-- the seed did not list (DOGE) could not be traded. The operator now adds them by governed, audited calls,
-- defined with the other routines under sql/ (re-applied on every migrate):
--   api.add_venue(venue, name, maker_fee_bps, taker_fee_bps, reason)   -- sql/api/functions/api.add_venue.sql
--   api.add_asset(asset, kind, cluster, reason)                        -- sql/api/functions/api.add_asset.sql
--   api.assets (view)                                                   -- sql/api/views/api.assets.sql
-- Both add and never change (PD010 for other values), and keep every insert in ops.audit_log; instruments
-- keep going through api.upsert_instruments (worker, audited). No table changes.
SET LOCAL ROLE predator_owner;

COMMENT ON TABLE market.venue IS 'Trading venues (ccxt exchange ids) and their default spot fee tier in basis points; added by migrations or api.add_venue (audited), never changed by a call.';
COMMENT ON TABLE market.asset IS 'Currencies: crypto assets (each in one cluster), stablecoins and fiat used as quote or base currency; added by migrations or api.add_asset (audited), never changed by a call.';
