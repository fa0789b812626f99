-- ops.setting_value(p_name, p_at) -> numeric
-- The value of operator setting p_name (ops.setting) in force at wall time p_at (default: now): the highest
-- revision recorded by then, NULL when none. The one lookup behind ops.clock_skew() and
-- ops.reconcile_tolerance(), which supply the shipped default when it is NULL.
-- PL/pgSQL, not SQL: a SQL function with a SET clause is neither inlined nor cached, so its query was parsed and
-- planned again at every call (0.09-0.14 ms); the same query, the same result.
CREATE OR REPLACE FUNCTION ops.setting_value(p_name text, p_at timestamptz DEFAULT NULL)
RETURNS numeric
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (
        SELECT s.value FROM ops.setting s
         WHERE s.name = p_name AND (p_at IS NULL OR s.recorded_at <= p_at)
         ORDER BY s.revision DESC LIMIT 1
    );
END
$$;

COMMENT ON FUNCTION ops.setting_value(text, timestamptz) IS 'The operator setting p_name in force at wall time p_at (default now): its highest revision recorded by then; NULL when none.';
