-- market.interval_seconds(p_interval text) -> integer
-- Length of a candle interval in seconds (ccxt timeframe names); NULL for an unknown interval.
CREATE OR REPLACE FUNCTION market.interval_seconds(p_interval text)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE p_interval
    WHEN '1m' THEN 60 WHEN '5m' THEN 300 WHEN '15m' THEN 900 WHEN '30m' THEN 1800
    WHEN '1h' THEN 3600 WHEN '4h' THEN 14400 WHEN '1d' THEN 86400 END $$;

COMMENT ON FUNCTION market.interval_seconds(text) IS 'Seconds in a ccxt timeframe (1m 5m 15m 30m 1h 4h 1d); NULL when unknown.';
