-- risk.arbitration_rule(p_profile) -> text
-- The arbitration rule of a risk profile: the latest risk.arbitration_setting revision, refuse_both without one.
CREATE OR REPLACE FUNCTION risk.arbitration_rule(p_profile text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN coalesce((SELECT s.rule FROM risk.arbitration_setting s WHERE s.profile = p_profile
                      ORDER BY s.revision DESC LIMIT 1), 'refuse_both');
END
$$;

COMMENT ON FUNCTION risk.arbitration_rule(text) IS 'The arbitration rule in force for a risk profile: refuse_both (default), priority or net.';
