-- risk.current_limits(p_profile text) -> jsonb
-- The limits in force for a profile: {"<limit_name>": {"<scope>": {"mode": .., "value": ..}}}, the
-- highest revision of every (limit, scope). value null = limit disabled.
CREATE OR REPLACE FUNCTION risk.current_limits(p_profile text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_object_agg(x.limit_name, x.scopes), '{}'::jsonb)
      FROM (SELECT l.limit_name, jsonb_object_agg(l.scope, jsonb_build_object('mode', l.mode, 'value', l.value)) AS scopes
              FROM (SELECT DISTINCT ON (s.limit_name, s.scope) s.limit_name, s.scope, s.mode, s.value
                      FROM risk.limit_setting s
                     WHERE s.profile = p_profile
                     ORDER BY s.limit_name, s.scope, s.revision DESC) l
             GROUP BY l.limit_name) x);
END
$$;

COMMENT ON FUNCTION risk.current_limits(text) IS 'Current limits of a risk profile as jsonb {limit: {scope: {mode, value}}}; the highest revision of each (limit, scope) wins.';
