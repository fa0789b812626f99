-- api.revert_safe_mode(p_profile, p_reason) -> bigint (the application reverted)
-- Operator. Reverts the safe mode in force on a risk profile (api.apply_safe_mode) in one audited call: every
-- limit it replaced is written back (risk._set_limit, origin safe_mode_revert:<template>) as it was, a limit
-- that did not exist written off (NULL, what a missing limit means). Writing back a value above the policy
-- ceiling consumes a second operator's approval like api.set_limit (PD017 without one). Limits changed by hand
-- since the safe mode was applied are overwritten too. PD011 unknown profile, PD012 no reason, PD014 no safe
-- mode in force on the profile.
CREATE OR REPLACE FUNCTION api.revert_safe_mode(p_profile text, p_reason text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_app ops.safe_mode_application;
    v_row jsonb;
BEGIN
    IF NOT EXISTS (SELECT FROM risk.profile p WHERE p.profile = p_profile) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown risk profile %L', p_profile),
            HINT = 'See risk.profile.';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('%s refused: an operator action needs a reason', 'revert_safe_mode'),
            HINT = 'Pass a non-empty reason; it is kept in the audit log.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);
    SELECT * INTO v_app FROM ops.safe_mode_application a
     WHERE a.profile = p_profile AND NOT EXISTS (SELECT FROM ops.safe_mode_revert r WHERE r.application_id = a.application_id)
     ORDER BY a.application_id DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014', MESSAGE = format('revert refused: no safe mode is in force on profile %s', p_profile),
            HINT = 'See api.safe_modes.';
    END IF;
    FOR v_row IN SELECT e FROM jsonb_array_elements(v_app.replaced) e LOOP
        PERFORM risk._set_limit(p_profile, v_row ->> 'limit', v_row ->> 'mode', (v_row ->> 'value')::numeric, p_reason,
                                v_row ->> 'scope', 'safe_mode_revert:' || v_app.template);
    END LOOP;
    INSERT INTO ops.safe_mode_revert (application_id, reason, actor) VALUES (v_app.application_id, p_reason, ops.actor());
    PERFORM ops._audit(0, 'revert_safe_mode', p_profile || '/' || v_app.template,
                       jsonb_build_object('application', v_app.application_id, 'restored', v_app.replaced), p_reason);
    RETURN v_app.application_id;
END
$$;

COMMENT ON FUNCTION api.revert_safe_mode(text, text) IS 'Operator: reverts the safe mode in force on a risk profile in one audited call: the limits it replaced written back through risk._set_limit (above policy: PD017 without an approval). PD011 unknown profile, PD012 no reason, PD014 no safe mode in force.';
