-- 0014_reference_data_calls.down.sql — the table comments of before 0014 again (the routines and the view live
-- under sql/ and are dropped with the api schema when an older revision's definitions are applied).
SET LOCAL ROLE predator_owner;

COMMENT ON TABLE market.venue IS 'Trading venues (ccxt exchange ids) and their default spot fee tier in basis points.';
COMMENT ON TABLE market.asset IS 'Currencies: crypto assets (each in one cluster), stablecoins and fiat used as quote or base currency.';
