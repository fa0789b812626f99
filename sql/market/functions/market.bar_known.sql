-- market.bar_known(p_venue, p_symbol, p_at, p_load_id, p_within) -> (ts, close, bar_close)
-- The bar known at p_at of one symbol: market.bars_known (the one rule for "the bar known at T": the latest
-- effective 1h bar closed by p_at, highest revision, among the revisions loaded up to p_load_id when given, opened
-- after p_at - p_within when given) for that symbol alone. No row when there is no such bar. bar_close = ts + 1h.
-- Gates 11 and 20 recompute marks and rates with it, symbol by symbol.
CREATE OR REPLACE FUNCTION market.bar_known(p_venue text, p_symbol text, p_at timestamptz, p_load_id bigint DEFAULT NULL,
                                            p_within interval DEFAULT NULL)
RETURNS TABLE (ts timestamptz, close numeric, bar_close timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY SELECT b.ts, b.close, b.bar_close FROM market.bars_known(p_venue, ARRAY[p_symbol], p_at, p_load_id, p_within) b;
END
$$;

COMMENT ON FUNCTION market.bar_known(text, text, timestamptz, bigint, interval) IS 'The bar known at p_at of one symbol (market.bars_known, the one rule): the latest effective 1h bar closed by p_at (highest revision), among the revisions loaded up to p_load_id when given, opened within p_within when given. Used by gates 11 and 20.';
