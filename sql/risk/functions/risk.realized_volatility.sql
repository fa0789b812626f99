-- risk.realized_volatility(p_venue, p_symbol, p_at, p_hours) -> (sigma, returns)
-- Realized volatility of a symbol at business time p_at: the sample standard deviation of the hourly log
-- returns ln(close_t / close_t-1) between consecutive effective (highest revision) 1h bars that closed by
-- p_at, over the last p_hours hours (bars with open time in (p_at - (p_hours + 2) h, p_at - 1 h]; a return
-- across a missing bar is skipped). sigma is per hour, not annualised (× sqrt(8760) for a year of 24/7
-- trading), rounded to 12 places; NULL with fewer than 2 returns. Uses only bars closed by p_at, like
-- market.last_bar, so a decision never sees a later bar. docs/risk.md "Volatility cap".
CREATE OR REPLACE FUNCTION risk.realized_volatility(p_venue text, p_symbol text, p_at timestamptz, p_hours integer)
RETURNS TABLE (sigma numeric, returns integer)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY
    SELECT round(stddev_samp(r.lr), 12), count(r.lr)::integer
      FROM (SELECT ln(b.close / lag(b.close) OVER w) AS lr, b.ts - lag(b.ts) OVER w AS gap
              FROM market._effective_closes(p_venue, p_symbol, p_at - (p_hours + 2) * interval '1 hour',
                                            p_at - interval '1 hour') b
            WINDOW w AS (ORDER BY b.ts)) r
     WHERE r.gap = interval '1 hour';
END
$$;

COMMENT ON FUNCTION risk.realized_volatility(text, text, timestamptz, integer) IS 'Sample standard deviation of hourly log returns of the 1h bars closed by p_at over the last p_hours hours (per hour, 12 places) and the number of returns; sigma NULL below 2 returns.';
