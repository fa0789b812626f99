-- api.set_limit(p_profile, p_limit, p_mode, p_value, p_reason, p_scope) -> integer (revision)
-- Operator. Sets one limit of a risk profile (a new revision; history is kept). p_mode must be one of
-- the limit's allowed modes (risk.limit_kind); p_value NULL disables the limit; p_scope '*' or a
-- cluster / quote currency / symbol key. Raises PD011 unknown profile or limit, PD012 bad mode/value.
-- Issue 9: NaN or ±Infinity in a numeric argument: PD012 (first thing).
CREATE OR REPLACE FUNCTION api.set_limit(
    p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text DEFAULT '*')
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_kind risk.limit_kind;
    v_rev  integer;
BEGIN
    PERFORM ops._require_finite('api.set_limit', ARRAY['p_value'], ARRAY[p_value]);
    SELECT * INTO v_kind FROM risk.limit_kind k WHERE k.limit_name = p_limit;
    IF NOT FOUND OR NOT EXISTS (SELECT FROM risk.profile p WHERE p.profile = p_profile) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown risk profile %L or limit %L', p_profile, p_limit),
            HINT = 'See risk.profile and risk.limit_kind.';
    END IF;
    IF NOT (p_mode = ANY (v_kind.allowed_modes)) OR p_value < 0 OR (p_mode = 'pct' AND p_value > 100) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('limit %s refused: mode %L value %s', p_limit, p_mode, p_value),
            DETAIL = format('allowed_modes=%s', v_kind.allowed_modes),
            HINT = 'pct is 0..100 percent, abs an amount in the account base currency, values are non-negative.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev
      FROM risk.limit_setting s WHERE s.profile = p_profile AND s.limit_name = p_limit AND s.scope = p_scope;
    INSERT INTO risk.limit_setting (profile, limit_name, scope, revision, mode, value, reason, actor)
    VALUES (p_profile, p_limit, p_scope, v_rev, p_mode, p_value, p_reason, ops.actor());
    PERFORM ops._audit(0, 'set_limit', p_profile || '/' || p_limit || '/' || p_scope,
                       jsonb_build_object('mode', p_mode, 'value', p_value, 'revision', v_rev), p_reason);
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION api.set_limit(text, text, text, numeric, text, text) IS 'Operator: sets a risk limit (new revision; NULL value disables); audited. PD011 unknown profile/limit, PD012 invalid mode or value.';
