-- api.request_approval(p_action, p_target, p_reason, p_mode, p_value, p_valid_until) -> bigint (request id)
-- Operator. Asks a second operator to approve a high-risk action (the two-person rule, docs/operator.md):
--   resume            'global'                              a resume of the global halt
--   set_limit         'profile/limit[/scope]', mode, value  a limit above its policy ceiling (value NULL: disabled)
--   set_limit_policy  'profile/limit', mode, ceiling        a ceiling raised or lifted (NULL)
--   set_setting       'two_person_rule', value 0            the rule turned off
--   set_lane          '<live lane>/<currency>', value       a live lane's capital budget raised (or re-currencied)
--   promote_session   'SES-<n>', value                      a canary session promoted with that allocation
--   demote_session    'SES-<n>'                             a promoted session demoted back to live_canary
-- The request belongs to this login (ops.operator_login()); another operator login approves it (api.approve);
-- the action, repeated by this login with exactly these arguments before p_valid_until (default one hour, at
-- most 24 hours ahead, wall clock), consumes it once. Audited (request_approval).
-- PD012: no reason, not a high-risk action (ops._approval_target), NaN or ±Infinity in p_value, a p_valid_until
-- that is infinite, not in the future or more than 24 hours ahead. PD011 unknown profile or limit.
CREATE OR REPLACE FUNCTION api.request_approval(
    p_action text, p_target text, p_reason text, p_mode text DEFAULT NULL, p_value numeric DEFAULT NULL,
    p_valid_until timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_now   timestamptz := clock_timestamp();
    v_until timestamptz := coalesce(p_valid_until, clock_timestamp() + interval '1 hour');
    v_canon jsonb;
    v_id    bigint;
BEGIN
    PERFORM ops._require_finite('api.request_approval', ARRAY['p_value'], ARRAY[p_value]);
    IF NOT isfinite(v_until) OR v_until <= v_now OR v_until > v_now + interval '24 hours' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('approval request refused: valid until %s is not within the next 24 hours', v_until),
            DETAIL = format('argument=p_valid_until value=%s now=%s', v_until, v_now),
            HINT = 'Omit p_valid_until (one hour) or give a wall-clock time after now and at most 24 hours ahead.';
    END IF;
    v_canon := ops._approval_target(p_action, p_target, p_mode, p_value);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(0, 'request_approval', p_action || ':' || (v_canon ->> 'target'), '{}', p_reason);  -- PD012
    END IF;
    INSERT INTO ops.approval_request (action, target, params, reason, requested_by, requested_at, valid_until)
    VALUES (p_action, v_canon ->> 'target', v_canon -> 'params', p_reason, ops.operator_login(), v_now, v_until)
    RETURNING request_id INTO v_id;
    PERFORM ops._audit(0, 'request_approval', p_action || ':' || (v_canon ->> 'target'),
                       jsonb_build_object('request', v_id, 'params', v_canon -> 'params', 'valid_until', v_until), p_reason);
    RETURN v_id;
END
$$;

COMMENT ON FUNCTION api.request_approval(text, text, text, text, numeric, timestamptz) IS 'Operator: asks a second operator to approve a high-risk action (resume global; set_limit or set_limit_policy above the policy ceiling; set_setting two_person_rule 0; set_lane raising a live lane''s budget; promote_session; demote_session), valid until p_valid_until (default 1 hour, at most 24 hours); audited. PD011 unknown profile/limit/currency/session, PD012 not a high-risk action, no reason, a non-finite value or a validity outside the next 24 hours.';
