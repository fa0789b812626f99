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
    RETURN QUERY
    SELECT DISTINCT ON (c.symbol) c.symbol, c.ts, c.close, c.ts + interval '1 hour'
      FROM market.candle c
     WHERE c.venue = p_venue AND c.symbol = ANY (p_symbols) AND c.interval = '1h'
       AND c.ts <= p_at - interval '1 hour'
       AND c.ts > p_at - interval '7 days'
     ORDER BY c.symbol, c.ts DESC, c.revision DESC;
END
$$;

COMMENT ON FUNCTION market.marks(text, text[], timestamptz) IS 'Marks of several symbols at p_at: per symbol the latest effective 1h bar closed by p_at (within 7 days).';
