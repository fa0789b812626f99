-- api.apply_safe_mode(p_profile, p_template, p_reason) -> bigint (application id)
-- Operator. Applies a safe-mode template (risk.safe_mode_limit: a predefined reduced-risk limit set, e.g.
-- reduced, minimal) to a risk profile in one audited call: each template limit is written (risk._set_limit,
-- the one definition behind api.set_limit; origin safe_mode:<template>) at scope * and at every other scope of
-- the profile where that limit is set, wherever the value in force is higher, off (NULL), in another mode or
-- missing; a value already at or below the template's is kept. The limits replaced are kept in
-- ops.safe_mode_application for api.revert_safe_mode. One safe mode at a time per profile.
-- PD011 unknown profile or template; PD012 no reason, or a safe mode already in force on the profile.
CREATE OR REPLACE FUNCTION api.apply_safe_mode(p_profile text, p_template text, p_reason text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_active   record;
    v_replaced jsonb := '[]'::jsonb;
    v_row      record;
    v_id       bigint;
BEGIN
    IF NOT EXISTS (SELECT FROM risk.profile p WHERE p.profile = p_profile)
       OR NOT EXISTS (SELECT FROM risk.safe_mode_template t WHERE t.template = p_template) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('unknown risk profile %L or safe-mode template %L', p_profile, p_template),
            HINT = 'See risk.profile and api.safe_mode_templates (shipped: reduced, minimal).';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('%s refused: an operator action needs a reason', 'apply_safe_mode'),
            HINT = 'Pass a non-empty reason; it is kept in the audit log.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);
    SELECT a.application_id, a.template INTO v_active FROM ops.safe_mode_application a
     WHERE a.profile = p_profile AND NOT EXISTS (SELECT FROM ops.safe_mode_revert r WHERE r.application_id = a.application_id)
     ORDER BY a.application_id DESC LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('safe mode %s refused: safe mode %s (application %s) is in force on profile %s',
                             p_template, v_active.template, v_active.application_id, p_profile),
            HINT = 'Revert it first with api.revert_safe_mode(profile, reason).';
    END IF;
    FOR v_row IN
        SELECT t.limit_name, sc.scope, t.mode, t.value, cur.mode AS cur_mode, cur.value AS cur_value, cur.limit_name IS NOT NULL AS existed
          FROM risk.safe_mode_limit t
          CROSS JOIN LATERAL (SELECT '*'::text AS scope
                              UNION SELECT DISTINCT s.scope FROM risk.limit_setting s
                               WHERE s.profile = p_profile AND s.limit_name = t.limit_name) sc
          LEFT JOIN LATERAL (SELECT s.limit_name, s.mode, s.value FROM risk.limit_setting s
                              WHERE s.profile = p_profile AND s.limit_name = t.limit_name AND s.scope = sc.scope
                              ORDER BY s.revision DESC LIMIT 1) cur ON true
         WHERE t.template = p_template
         ORDER BY t.limit_name, sc.scope
    LOOP
        CONTINUE WHEN v_row.existed AND v_row.cur_mode = v_row.mode AND v_row.cur_value IS NOT NULL
                      AND v_row.cur_value <= v_row.value;
        PERFORM risk._set_limit(p_profile, v_row.limit_name, v_row.mode, v_row.value, p_reason, v_row.scope,
                                'safe_mode:' || p_template);
        v_replaced := v_replaced || jsonb_build_object('limit', v_row.limit_name, 'scope', v_row.scope,
                                                       'mode', coalesce(v_row.cur_mode, v_row.mode), 'value', v_row.cur_value,
                                                       'existed', v_row.existed);
    END LOOP;
    INSERT INTO ops.safe_mode_application (profile, template, replaced, reason, actor)
    VALUES (p_profile, p_template, v_replaced, p_reason, ops.actor())
    RETURNING application_id INTO v_id;
    PERFORM ops._audit(0, 'apply_safe_mode', p_profile || '/' || p_template,
                       jsonb_build_object('application', v_id, 'replaced', v_replaced), p_reason);
    RETURN v_id;
END
$$;

COMMENT ON FUNCTION api.apply_safe_mode(text, text, text) IS 'Operator: applies a safe-mode template (reduced-risk limit set) to a risk profile in one audited call, through risk._set_limit; limits already tighter are kept; the replaced ones are kept for api.revert_safe_mode. PD011 unknown profile/template, PD012 no reason or a safe mode already in force.';
