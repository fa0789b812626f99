-- market._latest_bars(p_venue, p_symbol, p_at, p_limit) -> (ts, open, high, low, close, n, repeat), latest first
-- The effective (highest revision) 1h bars of a symbol closed by p_at within 24 hours (open time in
-- (p_at - 25 h, p_at - 1 h]), the latest p_limit of them (NULL: all), numbered n = 1 for the latest; repeat: the bar
-- repeats the one before it flat (open = high = low = close = the previous bar's close, volume 0 or the previous
-- bar's volume), the frozen-feed test of market.feed_quality, which reads the latest two and, only when the latest
-- repeats, all of them. A SQL function without SET clauses, so that the planner inlines it into the caller's query.
CREATE OR REPLACE FUNCTION market._latest_bars(p_venue text, p_symbol text, p_at timestamptz, p_limit integer)
RETURNS TABLE (ts timestamptz, open numeric, high numeric, low numeric, close numeric, n bigint, repeat boolean)
LANGUAGE sql STABLE
AS $$
    SELECT e.ts, e.open, e.high, e.low, e.close,
           row_number() OVER w,
           coalesce(e.open = e.high AND e.high = e.low AND e.low = e.close
                    AND e.open = lead(e.close) OVER w
                    AND (e.volume = 0 OR e.volume = lead(e.volume) OVER w), false)
      FROM (SELECT DISTINCT ON (c.ts) c.ts, c.open, c.high, c.low, c.close, c.volume
              FROM market.candle c
             WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = '1h'
               AND c.ts <= p_at - interval '1 hour' AND c.ts > p_at - interval '25 hours'
             ORDER BY c.ts DESC, c.revision DESC
             LIMIT p_limit) e
    WINDOW w AS (ORDER BY e.ts DESC)
$$;

COMMENT ON FUNCTION market._latest_bars(text, text, timestamptz, integer) IS 'Internal: the latest p_limit (NULL: all) effective 1h bars of a symbol closed by p_at within 24 hours, latest first (n = 1), each with repeat (a flat repeat of the bar before it); inlined into market.feed_quality.';
