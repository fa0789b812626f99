-- ops.is_finite(p_value numeric) -> boolean
-- True for an ordinary number, false for NaN, Infinity and -Infinity, NULL for NULL. PostgreSQL's numeric
-- orders NaN above Infinity, so -Infinity < p_value < Infinity is exactly "finite". The same predicate is
-- the CHECK <table>_<column>_is_finite on every numeric column of the governed schemas (migration 0007).
CREATE OR REPLACE FUNCTION ops.is_finite(p_value numeric)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN p_value > '-Infinity'::numeric AND p_value < 'Infinity'::numeric;

COMMENT ON FUNCTION ops.is_finite(numeric) IS 'True for an ordinary number, false for NaN and ±Infinity (NULL for NULL): the finiteness predicate of every api boundary and every numeric CHECK.';
