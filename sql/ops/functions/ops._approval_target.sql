-- ops._approval_target(p_action, p_target, p_mode, p_value) -> jsonb {target, params, what}
-- Internal: the canonical form of a high-risk action, shared by api.request_approval (what is asked) and the
-- actions that consume the approval (what is done), so that both name it alike:
--   resume            target 'global'                               params {}
--   set_limit         target '<profile>/<limit>/<scope>' (scope *)  params {mode, value} (value null: disabled)
--   set_limit_policy  target '<profile>/<limit>'                    params {mode, value} (value: the ceiling, null: none)
--   set_setting       target 'two_person_rule'                      params {value: 0}
--                     target 'reconcile_tolerance' | 'max_clock_skew_seconds' | 'live_burn_in_days' | a model
--                     promotion gate threshold 'ml_*' (api.evaluate_promotion), ml_min_slippage_bps or a
--                     drift setting ml_drift_* (the retraining job)
--                                                                   params {value} (the threshold loosened to)
--   set_lane          target '<live lane>/<currency>'               params {value: the capital budget}
--   promote_session   target 'SES-<n>' (or '<n>')                   params {value: the promoted allocation}
--   demote_session    target 'SES-<n>' (or '<n>')                   params {}
-- PD012 for an unknown action or a target or parameters that are not one of these; PD011 for an unknown
-- profile or limit, currency or session.
CREATE OR REPLACE FUNCTION ops._approval_target(p_action text, p_target text, p_mode text, p_value numeric)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_parts text[];
    v_modes text[];
    v_arity integer;
    v_id    bigint;
BEGIN
    IF p_action = 'resume' AND p_target IN ('global', 'global:*', '*') AND p_mode IS NULL AND p_value IS NULL THEN
        RETURN jsonb_build_object('target', 'global', 'params', '{}'::jsonb, 'what', 'resume of global *');
    ELSIF p_action = 'set_setting' AND p_target = 'two_person_rule' AND p_mode IS NULL AND p_value = 0 THEN
        RETURN jsonb_build_object('target', 'two_person_rule', 'params', jsonb_build_object('value', 0),
                                  'what', 'set_setting two_person_rule 0');
    ELSIF p_action = 'set_setting' AND p_target IN ('reconcile_tolerance', 'max_clock_skew_seconds', 'live_burn_in_days',
                                                   'ml_min_confidence', 'ml_pbo_max', 'ml_paper_max_drawdown',
                                                   'ml_paper_max_turnover', 'ml_live_canary_max_drawdown',
                                                   'ml_live_canary_max_turnover', 'ml_min_slippage_bps',
                                                   'ml_drift_psi_threshold', 'ml_drift_ks_alpha', 'ml_drift_hit_rate_alpha')
          AND p_mode IS NULL AND p_value >= 0 THEN
        RETURN jsonb_build_object('target', p_target, 'params', jsonb_build_object('value', p_value),
                                  'what', format('set_setting %s %s', p_target, p_value));
    ELSIF p_action = 'set_lane' AND p_target ~ '^(live_canary|live_promoted)/[^/]+$' AND p_mode IS NULL AND p_value >= 0 THEN
        IF NOT EXISTS (SELECT FROM market.asset s WHERE s.asset = split_part(p_target, '/', 2)) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown currency %L', split_part(p_target, '/', 2)),
                HINT = 'See api.assets for the known currencies.';
        END IF;
        RETURN jsonb_build_object('target', p_target, 'params', jsonb_build_object('value', p_value),
                                  'what', format('set_lane %s budget %s', p_target, p_value));
    ELSIF p_action IN ('promote_session', 'demote_session') AND p_target ~ '^(SES-)?[0-9]{1,18}$' AND p_mode IS NULL
          AND ((p_action = 'promote_session' AND p_value > 0) OR (p_action = 'demote_session' AND p_value IS NULL)) THEN
        v_id := regexp_replace(p_target, '^SES-', '')::bigint;
        IF NOT EXISTS (SELECT FROM ops.session s WHERE s.session_id = v_id) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown session SES-%s', v_id),
                HINT = 'See api.sessions (predator sessions list).';
        END IF;
        IF p_action = 'demote_session' THEN
            RETURN jsonb_build_object('target', 'SES-' || v_id, 'params', '{}'::jsonb,
                                      'what', format('demote_session SES-%s', v_id));
        END IF;
        RETURN jsonb_build_object('target', 'SES-' || v_id, 'params', jsonb_build_object('value', p_value),
                                  'what', format('promote_session SES-%s allocation %s', v_id, p_value));
    ELSIF p_action IN ('set_limit', 'set_limit_policy') AND p_target IS NOT NULL THEN
        v_parts := string_to_array(p_target, '/');
        IF p_action = 'set_limit' AND cardinality(v_parts) = 2 THEN
            v_parts := v_parts || '*'::text;
        END IF;
        v_arity := CASE p_action WHEN 'set_limit' THEN 3 ELSE 2 END;
        IF cardinality(v_parts) = v_arity
           AND NOT EXISTS (SELECT FROM unnest(v_parts) p WHERE p IS NULL OR p = '') THEN
            SELECT k.allowed_modes INTO v_modes FROM risk.limit_kind k WHERE k.limit_name = v_parts[2];
            IF v_modes IS NULL OR NOT EXISTS (SELECT FROM risk.profile p WHERE p.profile = v_parts[1]) THEN
                RAISE EXCEPTION USING ERRCODE = 'PD011',
                    MESSAGE = format('unknown risk profile %L or limit %L', v_parts[1], v_parts[2]),
                    HINT = 'See risk.profile and risk.limit_kind (api.limits).';
            END IF;
            IF p_mode = ANY (v_modes) AND (p_value IS NULL OR (p_value >= 0 AND (p_mode <> 'pct' OR p_value <= 100))) THEN
                RETURN jsonb_build_object('target', array_to_string(v_parts, '/'),
                                          'params', jsonb_build_object('mode', p_mode, 'value', p_value),
                                          'what', format('%s %s', p_action, array_to_string(v_parts, '/')));
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'PD012',
        MESSAGE = format('approval request refused: %L on %L (mode %s, value %s) is not a high-risk action',
                         p_action, p_target, coalesce(p_mode, 'none'), coalesce(p_value::text, 'none')),
        DETAIL = format('action=%s target=%s mode=%s value=%s', p_action, p_target, p_mode, p_value),
        HINT = 'Actions: resume (target global), set_limit (target profile/limit[/scope], a mode the limit allows, '
               'a value >= 0 or NULL to disable), set_limit_policy (target profile/limit, mode, ceiling or NULL), '
               'set_setting (target two_person_rule, value 0; or reconcile_tolerance, max_clock_skew_seconds, live_burn_in_days or an '
               'ml_* promotion gate threshold with the new value), set_lane (target live_canary|live_promoted/<currency>, '
               'value: the budget), promote_session (target SES-<n>, value: the promoted allocation), '
               'demote_session (target SES-<n>, no mode or value).';
END
$$;

COMMENT ON FUNCTION ops._approval_target(text, text, text, numeric) IS 'Internal: the canonical target and parameters of a high-risk action (resume global; set_limit profile/limit/scope with mode and value; set_limit_policy profile/limit with mode and ceiling; set_setting two_person_rule 0, or reconcile_tolerance / max_clock_skew_seconds / live_burn_in_days / an ml_* gate threshold with the new value; set_lane live lane/currency with the budget; promote_session SES-n with the allocation; demote_session SES-n), shared by api.request_approval and the actions; PD011 unknown profile, limit, currency or session, PD012 anything else.';
