-- api.set_limit_policy(p_profile, p_limit, p_mode, p_ceiling, p_reason) -> integer (revision)
-- Operator. Sets the policy ceiling of a limit of a risk profile (risk.limit_policy, a new revision, audited):
-- api.set_limit above it (in another mode, or disabled) then needs a second operator's approval. Lowering a
-- ceiling, or setting one where there was none, is free; raising one, changing its mode or lifting it (NULL)
-- consumes an approval (action set_limit_policy, target 'profile/limit') while the two-person rule holds
-- (PD017 without one). PD011 unknown profile or limit, PD012 mode not allowed, negative, pct above 100, not
-- finite, no reason.
CREATE OR REPLACE FUNCTION api.set_limit_policy(
    p_profile text, p_limit text, p_mode text, p_ceiling numeric, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_canon   jsonb;
    v_old     record;
    v_rev     integer;
    v_request bigint;
BEGIN
    PERFORM ops._require_finite('api.set_limit_policy', ARRAY['p_ceiling'], ARRAY[p_ceiling]);
    v_canon := ops._approval_target('set_limit_policy', p_profile || '/' || p_limit, p_mode, p_ceiling);
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);
    SELECT lp.mode, lp.ceiling, lp.revision INTO v_old FROM risk.limit_policy lp
     WHERE lp.profile = p_profile AND lp.limit_name = p_limit ORDER BY lp.revision DESC LIMIT 1;
    IF FOUND AND v_old.ceiling IS NOT NULL
       AND (p_ceiling IS NULL OR p_mode <> v_old.mode OR p_ceiling > v_old.ceiling) THEN
        v_request := ops._require_approval('set_limit_policy', v_canon ->> 'target', v_canon -> 'params',
                                           format('set_limit_policy %s raising the ceiling %s %s to %s %s', v_canon ->> 'target',
                                                  v_old.mode, v_old.ceiling, p_mode, coalesce(p_ceiling::text, 'none')));
    END IF;
    v_rev := coalesce(v_old.revision, 0) + 1;
    PERFORM ops._audit(0, 'set_limit_policy', v_canon ->> 'target',
                       jsonb_build_object('mode', p_mode, 'ceiling', p_ceiling, 'revision', v_rev, 'approval', v_request), p_reason);
    INSERT INTO risk.limit_policy (profile, limit_name, revision, mode, ceiling, reason, actor)
    VALUES (p_profile, p_limit, v_rev, p_mode, p_ceiling, p_reason, ops.actor());
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION api.set_limit_policy(text, text, text, numeric, text) IS 'Operator: sets the policy ceiling of a profile''s limit (new revision; NULL lifts it); audited. Lowering is free; raising, changing mode or lifting needs a second operator''s approval (PD017). PD011 unknown profile/limit, PD012 invalid mode or ceiling.';
