-- market.marks(p_venue, p_symbols, p_at) -> (symbol, ts, close, bar_close)
-- market.last_bar for several symbols in one query: per symbol (in the order given), the latest effective 1h bar
-- closed by p_at within 7 days (market.bars_known, the one rule for the bar known at T). Symbols without such a bar
-- have no row.
CREATE OR REPLACE FUNCTION market.marks(p_venue text, p_symbols text[], p_at timestamptz)
RETURNS TABLE (symbol text, ts timestamptz, close numeric, bar_close timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    -- One backward index probe per symbol (not a scan of the week's bars), in one query; the rule is
    -- market.bars_known's.
    RETURN QUERY SELECT b.symbol, b.ts, b.close, b.bar_close FROM market.bars_known(p_venue, p_symbols, p_at, NULL, interval '7 days') b;
END
$$;

COMMENT ON FUNCTION market.marks(text, text[], timestamptz) IS 'Marks of several symbols at p_at: per symbol the latest effective 1h bar closed by p_at (within 7 days).';
