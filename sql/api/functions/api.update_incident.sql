-- api.update_incident(p_incident, p_action, p_reason) -> text (status after)
-- Operator. Acknowledges, resolves or comments on an incident (INC-<book>-<seq>), with who (the acting
-- role) and why. A resolved incident stays resolved. PD011 unknown incident, PD012 bad action or no reason.
CREATE OR REPLACE FUNCTION api.update_incident(p_incident text, p_action text, p_reason text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    RETURN ops._update_incident(p_incident, p_action, p_reason);
END
$$;

COMMENT ON FUNCTION api.update_incident(text, text, text) IS 'Operator: acknowledges, resolves or comments on an incident with a reason; audited. PD011 unknown, PD012 invalid or already resolved.';
