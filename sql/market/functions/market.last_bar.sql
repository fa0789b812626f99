-- market.last_bar(p_venue, p_symbol, p_at) -> (ts, close, bar_close)
-- The latest effective (highest revision) 1h bar of a symbol that had closed by p_at (open time
-- ts <= p_at - 1h), looking back at most 7 days; no row when there is none. bar_close = ts + 1h.
-- Used for marks and decision prices: a decision at p_at may only see bars that closed by p_at. The rule itself is
-- market.bars_known's (one definition).
-- PL/pgSQL with a forced generic plan: the plan is cached per session and partitions are pruned at
-- execution, instead of planning against every monthly partition on each call.
CREATE OR REPLACE FUNCTION market.last_bar(p_venue text, p_symbol text, p_at timestamptz)
RETURNS TABLE (ts timestamptz, close numeric, bar_close timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY SELECT b.ts, b.close, b.bar_close FROM market.bars_known(p_venue, ARRAY[p_symbol], p_at, NULL, interval '7 days') b;
END
$$;

COMMENT ON FUNCTION market.last_bar(text, text, timestamptz) IS 'Latest effective 1h bar closed by p_at (open time <= p_at - 1h, within 7 days): its open time, close (quote) and close time.';
