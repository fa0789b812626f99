-- risk._set_limit(p_profile, p_limit, p_mode, p_value, p_reason, p_scope, p_origin) -> integer (revision)
-- Internal: the one definition of setting a limit (api.set_limit, api.apply_safe_mode, api.revert_safe_mode).
-- Checks the limit (PD011 unknown profile or limit, PD012 mode or value not allowed), then the policy: when the
-- profile's limit has a ceiling (risk.limit_policy) and the new value is above it, in another mode, or NULL
-- (disabled), a second operator's approval is consumed (ops._require_approval, action set_limit; PD017 without
-- one while the two-person rule holds). Writes a new revision (history kept) and the audit row (action
-- set_limit; args mode, value, revision, origin, and above_policy with the approval request when it was).
CREATE OR REPLACE FUNCTION risk._set_limit(
    p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text, p_origin text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_kind    risk.limit_kind;
    v_rev     integer;
    v_policy  record;
    v_above   boolean := false;
    v_request bigint;
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
    SELECT lp.mode, lp.ceiling INTO v_policy FROM risk.limit_policy lp
     WHERE lp.profile = p_profile AND lp.limit_name = p_limit ORDER BY lp.revision DESC LIMIT 1;
    IF FOUND AND v_policy.ceiling IS NOT NULL
       AND (p_value IS NULL OR p_mode <> v_policy.mode OR p_value > v_policy.ceiling) THEN
        v_above := true;
        v_request := ops._require_approval('set_limit', p_profile || '/' || p_limit || '/' || p_scope,
                                           jsonb_build_object('mode', p_mode, 'value', p_value),
                                           format('set_limit %s/%s/%s %s %s above the policy ceiling %s %s',
                                                  p_profile, p_limit, p_scope, p_mode, coalesce(p_value::text, 'off'),
                                                  v_policy.mode, v_policy.ceiling));
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev
      FROM risk.limit_setting s WHERE s.profile = p_profile AND s.limit_name = p_limit AND s.scope = p_scope;
    INSERT INTO risk.limit_setting (profile, limit_name, scope, revision, mode, value, reason, actor)
    VALUES (p_profile, p_limit, p_scope, v_rev, p_mode, p_value, p_reason, ops.actor());
    PERFORM ops._audit(0, 'set_limit', p_profile || '/' || p_limit || '/' || p_scope,
                       jsonb_build_object('mode', p_mode, 'value', p_value, 'revision', v_rev)
                       || CASE WHEN p_origin IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('origin', p_origin) END
                       || CASE WHEN v_above THEN jsonb_build_object('above_policy', true, 'approval', v_request) ELSE '{}'::jsonb END,
                       p_reason);
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION risk._set_limit(text, text, text, numeric, text, text, text) IS 'Internal: the one definition of setting a limit (api.set_limit, the safe-mode calls): PD011/PD012 as api.set_limit, the policy ceiling (a second operator''s approval above it, PD017 without one), a new revision and its audit row.';
