-- risk.normal_cdf(p_x numeric) -> numeric
-- The standard normal distribution function Φ(x) in numeric arithmetic (deterministic, no floating point),
-- by Abramowitz & Stegun 26.2.17 (Zelen & Severo 1964): absolute error below 7.5e-8. Rounded to 9 places.
-- PostgreSQL 15 has no erf(); the strategy health score (docs/risk.md) turns test statistics into
-- probabilities with it. NULL in, NULL out.
-- PL/pgSQL, not SQL: a SQL function with a SET clause is neither inlined nor cached, so its query was parsed and
-- planned again at every call (0.27 ms a call); the same numeric expressions, the same digits.
CREATE OR REPLACE FUNCTION risk.normal_cdf(p_x numeric)
RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    x numeric := abs(p_x);
    t numeric := 1 / (1 + 0.2316419 * abs(p_x));
    q numeric;
BEGIN
    q := exp(-least(x * x, 1400) / 2) / 2.506628274631000502 * t
         * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
    RETURN round(CASE WHEN p_x >= 0 THEN 1 - q ELSE q END, 9);
END
$$;

COMMENT ON FUNCTION risk.normal_cdf(numeric) IS 'Standard normal distribution function Φ(x) in numeric (Abramowitz & Stegun 26.2.17, error < 7.5e-8), rounded to 9 places.';
