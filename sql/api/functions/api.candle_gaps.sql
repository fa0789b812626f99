-- api.candle_gaps(p_venue, p_interval, p_symbol, p_from, p_to)
--   -> (venue, symbol, interval, after_ts, next_ts, missing)
-- Worker, auditor. Missing bars between stored bars: for each feed of the venue and interval (one symbol,
-- or all when p_symbol is NULL), every pair of consecutive stored open times more than one interval apart,
-- with open times in [p_from, p_to) (NULL: unbounded). after_ts is the last bar before the gap, next_ts the
-- first after it, missing the number of absent bars. Gaps are reported, never filled: a genuine exchange
-- outage stays a gap. Bars after the last stored one are staleness (api.feed_status), not gaps.
-- PD012 unknown interval.
-- Tables read: market.candle.
CREATE OR REPLACE FUNCTION api.candle_gaps(
    p_venue text, p_interval text, p_symbol text DEFAULT NULL,
    p_from timestamptz DEFAULT NULL, p_to timestamptz DEFAULT NULL)
RETURNS TABLE (venue text, symbol text, "interval" text, after_ts timestamptz, next_ts timestamptz, missing bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_secs integer := market.interval_seconds(p_interval);
    v_step interval;
BEGIN
    IF v_secs IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('gap listing refused: unknown interval %L', p_interval),
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    v_step := make_interval(secs => v_secs);
    -- Revisions repeat an open time; consecutive equal times are no gap, so no DISTINCT is needed.
    RETURN QUERY
    SELECT g.venue, g.symbol, g.interval, g.ts, g.next_ts,
           (extract(epoch FROM g.next_ts - g.ts)::bigint / v_secs) - 1
      FROM (SELECT c.venue, c.symbol, c.interval, c.ts,
                   lead(c.ts) OVER (PARTITION BY c.venue, c.symbol, c.interval ORDER BY c.ts) AS next_ts
              FROM market.candle c
             WHERE c.venue = p_venue AND c.interval = p_interval
               AND (p_symbol IS NULL OR c.symbol = p_symbol)
               AND (p_from IS NULL OR c.ts >= p_from) AND (p_to IS NULL OR c.ts < p_to)) g
     WHERE g.next_ts > g.ts + v_step
     ORDER BY g.venue, g.symbol, g.ts;
END
$$;

COMMENT ON FUNCTION api.candle_gaps(text, text, text, timestamptz, timestamptz) IS
'Worker, auditor: missing bars between consecutive stored bars of a venue and interval (one symbol or all), open times in [p_from, p_to): last bar before, first bar after, number missing. Gaps are listed, never filled. PD012 unknown interval.';
