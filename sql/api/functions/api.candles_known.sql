-- api.candles_known(p_venue, p_symbol, p_interval, p_from, p_to, p_load_id)
--   -> (ts, open, high, low, close, volume, revision)
-- Worker, auditor. The effective bars of one feed with open time in [p_from, p_to) as they were known once
-- the loads up to p_load_id had committed: per bar, the highest revision written by a load <= p_load_id
-- (p_load_id NULL: nothing was known, no rows). With the load id api.record_hour_knowledge returned for an
-- hour, these are the bars the hour decided on. ts = open time UTC, prices in quote, volume in base.
-- PD012 for an unknown interval or an infinite or NULL bound.
-- Tables read: market.candle.
CREATE OR REPLACE FUNCTION api.candles_known(p_venue text, p_symbol text, p_interval text, p_from timestamptz,
                                             p_to timestamptz, p_load_id bigint)
RETURNS TABLE (ts timestamptz, open numeric, high numeric, low numeric, close numeric, volume numeric,
               revision smallint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    IF p_interval IS NULL OR market.interval_seconds(p_interval) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('candles_known refused: unknown interval %L', p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    IF p_from IS NULL OR p_to IS NULL OR NOT isfinite(p_from) OR NOT isfinite(p_to) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'candles_known refused: the bounds must be finite times',
            DETAIL = format('from=%s to=%s', p_from, p_to),
            HINT = 'Pass the first open time and the open time after the last bar wanted.';
    END IF;
    RETURN QUERY
    SELECT DISTINCT ON (c.ts) c.ts, c.open, c.high, c.low, c.close, c.volume, c.revision
      FROM market.candle c
     WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = p_interval
       AND c.ts >= p_from AND c.ts < p_to AND c.load_id <= p_load_id
     ORDER BY c.ts, c.revision DESC;
END
$$;

COMMENT ON FUNCTION api.candles_known(text, text, text, timestamptz, timestamptz, bigint) IS 'Worker, auditor: effective bars of a feed in [p_from, p_to) as known once the loads up to p_load_id had committed (the bars an hour of a sync-fed run decided on). PD012.';
