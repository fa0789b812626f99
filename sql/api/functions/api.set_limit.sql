-- api.set_limit(p_profile, p_limit, p_mode, p_value, p_reason, p_scope) -> integer (revision)
-- Operator. Sets one limit of a risk profile (a new revision; history is kept). p_mode must be one of
-- the limit's allowed modes (risk.limit_kind); p_value NULL disables the limit; p_scope '*' or a
-- cluster / quote currency / symbol key. Raises PD011 unknown profile or limit, PD012 bad mode/value.
-- Issue 9: NaN or ±Infinity in a numeric argument: PD012 (first thing).
-- Issue 16: above the profile's policy ceiling for the limit (risk.limit_policy; in another mode, or disabled),
-- a second operator's approval (api.request_approval('set_limit', 'profile/limit/scope', reason, mode, value),
-- api.approve) is consumed; PD017 without one while the two-person rule holds. One definition: risk._set_limit.
CREATE OR REPLACE FUNCTION api.set_limit(
    p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text DEFAULT '*')
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    RETURN risk._set_limit(p_profile, p_limit, p_mode, p_value, p_reason, p_scope, NULL);
END
$$;

COMMENT ON FUNCTION api.set_limit(text, text, text, numeric, text, text) IS 'Operator: sets a risk limit (new revision; NULL value disables); audited. PD011 unknown profile/limit, PD012 invalid mode or value, PD017 above the policy ceiling without a second operator''s approval.';
