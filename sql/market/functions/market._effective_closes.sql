-- market._effective_closes(p_venue, p_symbol, p_after, p_until) -> (ts, close), by ts
-- The effective (highest revision) close of each 1h bar of a symbol with open time in (p_after, p_until]: the bars
-- risk.realized_volatility and its screen risk._volatility_screen read. A SQL function without SET clauses, so that
-- the planner inlines it into each caller's query (the same plan as the query written out there).
CREATE OR REPLACE FUNCTION market._effective_closes(p_venue text, p_symbol text, p_after timestamptz, p_until timestamptz)
RETURNS TABLE (ts timestamptz, close numeric)
LANGUAGE sql STABLE
AS $$
    SELECT DISTINCT ON (c.ts) c.ts, c.close
      FROM market.candle c
     WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = '1h'
       AND c.ts <= p_until AND c.ts > p_after
     ORDER BY c.ts, c.revision DESC
$$;

COMMENT ON FUNCTION market._effective_closes(text, text, timestamptz, timestamptz) IS 'Internal: the effective (highest revision) close of each 1h bar of a symbol with open time in (p_after, p_until], by open time; inlined into its callers (risk.realized_volatility, risk._volatility_screen).';
