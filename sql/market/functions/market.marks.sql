-- market.marks(p_venue, p_symbols, p_at) -> (symbol, ts, close, bar_close)
-- market.last_bar for several symbols in one query: per symbol, the latest effective 1h bar closed by
-- p_at within 7 days. Symbols without such a bar have no row.
CREATE OR REPLACE FUNCTION market.marks(p_venue text, p_symbols text[], p_at timestamptz)
RETURNS TABLE (symbol text, ts timestamptz, close numeric, bar_close timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    -- One backward index probe per symbol (not a scan of the week's bars).
    RETURN QUERY
    SELECT s.sym, b.ts, b.close, b.ts + interval '1 hour'
      FROM unnest(p_symbols) s(sym)
     CROSS JOIN LATERAL (
           SELECT c.ts, c.close
             FROM market.candle c
            WHERE c.venue = p_venue AND c.symbol = s.sym AND c.interval = '1h'
              AND c.ts <= p_at - interval '1 hour'
              AND c.ts > p_at - interval '7 days'
            ORDER BY c.ts DESC, c.revision DESC
            LIMIT 1) b;
END
$$;

COMMENT ON FUNCTION market.marks(text, text[], timestamptz) IS 'Marks of several symbols at p_at: per symbol the latest effective 1h bar closed by p_at (within 7 days).';
