-- api.feed_status(p_clock, p_venue, p_interval)
--   -> (venue, symbol, interval, expected_ts, last_ts, last_close, missing_bars, staleness, status,
--       expected_quarantined, last_quarantined_ts, last_load_id, last_loaded_at)
-- Worker, auditor. Per feed (venue, symbol, interval) that was ever loaded, plus every instrument of the
-- venue when p_venue and p_interval are both given: how current its data is at p_clock.
--   expected_ts   open time of the bar that closed at the last interval boundary <= p_clock (the bar a
--                 decision at that boundary needs: for 1h and a clock on the hour, the hour just ended);
--   last_ts       open time of the latest stored bar that had closed by p_clock (NULL: none);
--   last_close    last_ts + interval; staleness = p_clock - last_close;
--   missing_bars  bars between last_ts and expected_ts (0 when current);
--   status        ok (the expected bar is stored) | quarantined (it is missing and a row for it was
--                 quarantined) | stale (it is missing) | no_data (no bar closed by p_clock);
--   expected_quarantined, last_quarantined_ts: quarantine evidence for the expected bar / the feed;
--   last_load_id, last_loaded_at: the feed's latest load (loaded_at is wall time).
-- The same rule refuses admission: api.submit_signal gives data_stale when the bar that closed at the
-- decision time is missing, whether it never came (stale) or was refused (quarantined).
-- PD012 for a NULL or infinite clock or an unknown interval.
-- Tables read: market.candle_load, market.candle, market.candle_quarantine, market.instrument.
CREATE OR REPLACE FUNCTION api.feed_status(p_clock timestamptz, p_venue text DEFAULT NULL, p_interval text DEFAULT NULL)
RETURNS TABLE (venue text, symbol text, "interval" text, expected_ts timestamptz, last_ts timestamptz,
               last_close timestamptz, missing_bars bigint, staleness interval, status text,
               expected_quarantined boolean, last_quarantined_ts timestamptz, last_load_id bigint,
               last_loaded_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    IF p_clock IS NULL OR NOT isfinite(p_clock) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'feed status refused: the clock must be a finite time',
            DETAIL = format('clock=%s venue=%s interval=%s', p_clock, p_venue, p_interval),
            HINT = 'Pass the business time to judge the feeds at (now() in live).';
    END IF;
    IF p_interval IS NOT NULL AND market.interval_seconds(p_interval) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('feed status refused: unknown interval %L', p_interval),
            DETAIL = format('clock=%s venue=%s interval=%s', p_clock, p_venue, p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    RETURN QUERY
    WITH RECURSIVE loaded AS (  -- distinct feeds of market.candle_load, one index probe each (a skip scan)
        (SELECT l.venue, l.symbol, l.interval FROM market.candle_load l
          ORDER BY l.venue, l.symbol, l.interval LIMIT 1)
        UNION ALL
        SELECT n.venue, n.symbol, n.interval
          FROM loaded f
         CROSS JOIN LATERAL (SELECT l.venue, l.symbol, l.interval FROM market.candle_load l
                              WHERE (l.venue, l.symbol, l.interval) > (f.venue, f.symbol, f.interval)
                              ORDER BY l.venue, l.symbol, l.interval LIMIT 1) n),
    feeds AS (
        SELECT f.venue, f.symbol, f.interval FROM loaded f
         WHERE (p_venue IS NULL OR f.venue = p_venue) AND (p_interval IS NULL OR f.interval = p_interval)
        UNION
        SELECT i.venue, i.symbol, p_interval FROM market.instrument i
         WHERE p_venue IS NOT NULL AND p_interval IS NOT NULL AND i.venue = p_venue),
    k AS (
        SELECT f.venue, f.symbol, f.interval, make_interval(secs => market.interval_seconds(f.interval)) AS step
          FROM feeds f WHERE market.interval_seconds(f.interval) IS NOT NULL),
    e AS (
        SELECT k.*, date_bin(k.step, p_clock, timestamptz '1970-01-01 00:00:00+00') - k.step AS expected FROM k)
    SELECT e.venue, e.symbol, e.interval, e.expected, b.ts, b.ts + e.step,
           CASE WHEN b.ts IS NOT NULL THEN (extract(epoch FROM e.expected - b.ts) / extract(epoch FROM e.step))::bigint END,
           p_clock - (b.ts + e.step),
           CASE WHEN b.ts IS NULL THEN 'no_data'
                WHEN b.ts = e.expected THEN 'ok'
                WHEN qe.hit THEN 'quarantined'
                ELSE 'stale' END,
           coalesce(qe.hit, false), ql.ts, ld.load_id, ld.recorded_at
      FROM e
      LEFT JOIN LATERAL (SELECT c.ts FROM market.candle c
                          WHERE c.venue = e.venue AND c.symbol = e.symbol AND c.interval = e.interval
                            AND c.ts <= e.expected
                          ORDER BY c.ts DESC LIMIT 1) b ON true
      LEFT JOIN LATERAL (SELECT true AS hit FROM market.candle_quarantine q
                          WHERE q.venue = e.venue AND q.symbol = e.symbol AND q.interval = e.interval
                            AND q.ts = e.expected LIMIT 1) qe ON true
      LEFT JOIN LATERAL (SELECT q.ts FROM market.candle_quarantine q
                          WHERE q.venue = e.venue AND q.symbol = e.symbol AND q.interval = e.interval
                            AND q.ts IS NOT NULL AND q.ts <= e.expected
                          ORDER BY q.ts DESC LIMIT 1) ql ON true
      LEFT JOIN LATERAL (SELECT l.load_id, l.recorded_at FROM market.candle_load l
                          WHERE l.venue = e.venue AND l.symbol = e.symbol AND l.interval = e.interval
                          ORDER BY l.load_id DESC LIMIT 1) ld ON true
     ORDER BY e.venue, e.symbol, e.interval;
END
$$;

COMMENT ON FUNCTION api.feed_status(timestamptz, text, text) IS
'Worker, auditor: per feed (venue, symbol, interval) at p_clock: the bar expected by the last interval boundary, the last stored bar closed by then, missing bars, staleness, status ok | quarantined | stale | no_data, quarantine evidence and the last load. Lists every instrument of the venue when venue and interval are given. PD012 bad clock or interval.';
