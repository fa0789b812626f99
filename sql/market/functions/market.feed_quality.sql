-- market.feed_quality(p_venue, p_symbols, p_at) -> (symbol, bar_ts, flat_run, wick_pct)
-- The data-quality figures of the breakers flat_feed_hours and bar_outlier_pct (docs/risk.md, docs/market_data.md),
-- per symbol over its effective 1h bars closed by p_at (looking back 24 bars):
--   flat_run: how many of the latest bars in a row repeat the bar before them flat: open = high = low = close =
--             the previous bar's close, with volume 0 or the previous bar's volume (a frozen feed). One such bar
--             is an exchange halt hour (api.candle_anomalies, zero_volume_flat); the shipped Binance 1h data has
--             runs of at most 2;
--   wick_pct: for the bar that closed at p_at only (NULL when it is missing: the stale-data breaker's case), its
--             largest wick beyond its body in percent of the body's edge: 100 x max((min(o, c) - low) / min(o, c),
--             (high - max(o, c)) / max(o, c)) — a print far outside where the bar traded (a single-venue print).
-- Symbols without a bar closed by p_at within 24 hours have no row. Reads what is stored at the caller's snapshot:
-- in a sync-fed hour, exactly what the hour knew (api.record_hour_knowledge holds new loads back).
CREATE OR REPLACE FUNCTION market.feed_quality(p_venue text, p_symbols text[], p_at timestamptz)
RETURNS TABLE (symbol text, bar_ts timestamptz, flat_run integer, wick_pct numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    -- Two reads (issue 18): the latest two effective bars of the window first (an index probe); only when the latest
    -- repeats the one before it flat is the window's run counted over its 24 bars. Most hours end at the first read:
    -- the figures are the same as counting over the 24 bars every time (tests/sql/31_feed_quality.sql).
    RETURN QUERY
    SELECT s.sym, q.bar_ts,
           CASE WHEN NOT q.repeat THEN 0 ELSE (
               SELECT coalesce(min(b.n) FILTER (WHERE NOT b.repeat), count(*) + 1)::integer - 1
                 FROM market._latest_bars(p_venue, s.sym, p_at, NULL) b) END,
           q.wick_pct
      FROM unnest(p_symbols) s(sym)
     CROSS JOIN LATERAL (
           -- The latest bar of the window (n = 1) and the one before it (n = 2): bar_ts, whether the latest repeats
           -- the one before flat (a frozen feed's bar), and its wick when it closed at p_at.
           SELECT max(b.ts) AS bar_ts,
                  bool_or(b.n = 1 AND b.repeat) AS repeat,
                  max(CASE WHEN b.n = 1 AND b.ts = p_at - interval '1 hour' AND least(b.open, b.close) > 0 THEN
                          100 * greatest((least(b.open, b.close) - b.low) / least(b.open, b.close),
                                         (b.high - greatest(b.open, b.close)) / greatest(b.open, b.close)) END)
                      AS wick_pct
             FROM market._latest_bars(p_venue, s.sym, p_at, 2) b
           HAVING count(*) > 0) q;
END
$$;

COMMENT ON FUNCTION market.feed_quality(text, text[], timestamptz) IS 'Data-quality figures per symbol at p_at: flat_run (latest bars in a row repeating the previous close flat, volume 0 or repeated: a frozen feed) and wick_pct (the bar closed at p_at: largest wick beyond its body, percent: a single-venue print). Read by api.close_hour for the flat_feed_hours and bar_outlier_pct breakers.';
