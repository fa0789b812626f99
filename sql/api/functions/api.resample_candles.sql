-- api.resample_candles(p_venue, p_symbol, p_from_interval, p_to_interval, p_from, p_to)
--   -> (ts, open, high, low, close, volume, bars, complete)
-- Worker, auditor. Aggregates the effective bars of one feed into a coarser interval, in SQL: per bucket
-- (open time date_bin(p_to_interval) from the Unix epoch, open times in [p_from, p_to)) the first open,
-- the highest high, the lowest low, the last close and the summed volume, with the number of source bars
-- and complete = every source bar of the bucket is present (60 for 1m -> 1h). Nothing is stored: to keep
-- the result, load the complete buckets through api.load_candles (predator data resample --load does),
-- where a bucket equal to a stored bar is a duplicate.
-- PD012 unknown intervals, a target interval that is not a multiple of the source, or a bad time range.
-- Tables read: market.candle.
CREATE OR REPLACE FUNCTION api.resample_candles(
    p_venue text, p_symbol text, p_from_interval text, p_to_interval text,
    p_from timestamptz DEFAULT NULL, p_to timestamptz DEFAULT NULL)
RETURNS TABLE (ts timestamptz, open numeric, high numeric, low numeric, close numeric, volume numeric,
               bars integer, complete boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_src integer := market.interval_seconds(p_from_interval);
    v_dst integer := market.interval_seconds(p_to_interval);
BEGIN
    IF v_src IS NULL OR v_dst IS NULL OR v_dst <= v_src OR v_dst % v_src <> 0
       OR (p_from IS NOT NULL AND p_to IS NOT NULL AND p_from >= p_to) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('resampling refused: %s -> %s', p_from_interval, p_to_interval),
            DETAIL = format('venue=%s symbol=%s from_interval=%s to_interval=%s from=%s to=%s',
                            p_venue, p_symbol, p_from_interval, p_to_interval, p_from, p_to),
            HINT = 'Resample to a longer interval that is a whole multiple of the source (1m -> 1h), over from < to.';
    END IF;
    RETURN QUERY
    SELECT b.bucket, (array_agg(b.open ORDER BY b.ts))[1], max(b.high), min(b.low),
           (array_agg(b.close ORDER BY b.ts DESC))[1], sum(b.volume), count(*)::integer, count(*) = v_dst / v_src
      FROM (SELECT DISTINCT ON (c.ts) c.ts, c.open, c.high, c.low, c.close, c.volume,
                   date_bin(make_interval(secs => v_dst), c.ts, timestamptz '1970-01-01 00:00:00+00') AS bucket
              FROM market.candle c
             WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = p_from_interval
               AND (p_from IS NULL OR c.ts >= p_from) AND (p_to IS NULL OR c.ts < p_to)
             ORDER BY c.ts, c.revision DESC) b
     GROUP BY b.bucket
     ORDER BY b.bucket;
END
$$;

COMMENT ON FUNCTION api.resample_candles(text, text, text, text, timestamptz, timestamptz) IS
'Worker, auditor: aggregates the effective bars of a feed into a coarser interval (first open, max high, min low, last close, summed volume per bucket, with source bar count and completeness); stores nothing. PD012 incompatible intervals or bad range.';
