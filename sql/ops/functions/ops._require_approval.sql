-- ops._require_approval(p_action, p_target, p_params, p_what) -> bigint (the request consumed; NULL when the
--   two-person rule is off)
-- Internal: the one check of the two-person rule. While ops.two_person_rule() holds, consumes (ops.approval_use)
-- the oldest request of this login (ops.operator_login()) for exactly this action, target and parameters that a
-- second operator approved, that was not used and has not expired; without one raises PD017 naming
-- api.request_approval and api.approve (DETAIL: this login's requests for it still awaiting an approval).
-- Called by api.resume (a global halt), risk._set_limit (above the policy ceiling), api.set_limit_policy,
-- api.set_setting (two_person_rule to 0), api.set_lane (a live budget raised), api.promote_session and
-- api.demote_session. The caller's transaction consumes it: a refusal later rolls it back.
CREATE OR REPLACE FUNCTION ops._require_approval(p_action text, p_target text, p_params jsonb, p_what text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_request bigint;
    v_pending text;
BEGIN
    IF NOT ops.two_person_rule() THEN
        RETURN NULL;
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -36);
    SELECT r.request_id INTO v_request
      FROM ops.approval_request r JOIN ops.approval a ON a.request_id = r.request_id
     WHERE r.action = p_action AND r.target = p_target AND r.params = coalesce(p_params, '{}'::jsonb)
       AND r.requested_by = ops.operator_login()
       AND r.valid_until > clock_timestamp()
       AND NOT EXISTS (SELECT FROM ops.approval_use u WHERE u.request_id = r.request_id)
     ORDER BY r.request_id
     LIMIT 1;
    IF v_request IS NULL THEN
        SELECT string_agg(r.request_id::text, ', ' ORDER BY r.request_id) INTO v_pending
          FROM ops.approval_request r
         WHERE r.action = p_action AND r.target = p_target AND r.params = coalesce(p_params, '{}'::jsonb)
           AND r.requested_by = ops.operator_login() AND r.valid_until > clock_timestamp()
           AND NOT EXISTS (SELECT FROM ops.approval a WHERE a.request_id = r.request_id);
        RAISE EXCEPTION USING ERRCODE = 'PD017',
            MESSAGE = format('%s refused: it needs a second operator''s approval (two-person rule)', p_what),
            DETAIL = format('action=%s target=%s params=%s login=%s awaiting_approval=%s',
                            p_action, p_target, coalesce(p_params, '{}'::jsonb), ops.operator_login(), coalesce(v_pending, 'none')),
            HINT = format('Ask with SELECT api.request_approval(%L, %L, ''<reason>''%s) (predator approval request); '
                          'another operator login approves it with SELECT api.approve(<request>, ''<reason>'') '
                          '(predator approval approve); then repeat this call from your login.',
                          p_action, p_target,
                          CASE WHEN p_params ? 'mode' THEN format(', %L, %s', p_params ->> 'mode', coalesce(p_params ->> 'value', 'NULL'))
                               WHEN p_params ? 'value' THEN format(', NULL, %s', p_params ->> 'value') ELSE '' END);
    END IF;
    INSERT INTO ops.approval_use (request_id, used_by) VALUES (v_request, ops.operator_login());
    RETURN v_request;
END
$$;

COMMENT ON FUNCTION ops._require_approval(text, text, jsonb, text) IS 'Internal: the two-person rule. While it holds, consumes this login''s approved, unused, unexpired request for exactly this action, target and parameters; PD017 without one (HINT: api.request_approval, api.approve). NULL when the rule is off.';
