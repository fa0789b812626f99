-- ops.setting_value(p_name, p_at) -> numeric
-- The value of operator setting p_name (ops.setting) in force at wall time p_at (default: now): the highest
-- revision recorded by then, NULL when none. The one lookup behind ops.clock_skew() and
-- ops.reconcile_tolerance(), which supply the shipped default when it is NULL.
CREATE OR REPLACE FUNCTION ops.setting_value(p_name text, p_at timestamptz DEFAULT NULL)
RETURNS numeric
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.value FROM ops.setting s
     WHERE s.name = p_name AND (p_at IS NULL OR s.recorded_at <= p_at)
     ORDER BY s.revision DESC LIMIT 1
$$;

COMMENT ON FUNCTION ops.setting_value(text, timestamptz) IS 'The operator setting p_name in force at wall time p_at (default now): its highest revision recorded by then; NULL when none.';
