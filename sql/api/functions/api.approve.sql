-- api.approve(p_request, p_reason) -> bigint (the request id)
-- Operator. A second operator approves a request of api.request_approval. Refused (PD018) when this login
-- (ops.operator_login(), the session's login role) asked for it itself, is not a member of predator_operator,
-- or when the request is already approved (an approval is given once and used once) or has expired. PD011 for
-- an unknown request, PD012 without a reason. Audited (approve).
CREATE OR REPLACE FUNCTION api.approve(p_request bigint, p_reason text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_req ops.approval_request;
    v_me  text := ops.operator_login();
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -36);
    SELECT * INTO v_req FROM ops.approval_request r WHERE r.request_id = p_request;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown approval request %s', p_request),
            HINT = 'See api.approval_requests (predator approval list).';
    END IF;
    IF v_me = v_req.requested_by THEN
        RAISE EXCEPTION USING ERRCODE = 'PD018',
            MESSAGE = format('approval of request %s refused: %s asked for it and cannot approve it', p_request, v_me),
            DETAIL = format('request=%s requested_by=%s approver=%s', p_request, v_req.requested_by, v_me),
            HINT = 'A second, distinct operator approves: another login that is a member of predator_operator (predator approval approve --as approver).';
    END IF;
    IF NOT pg_catalog.pg_has_role(session_user, 'predator_operator', 'USAGE') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD018',
            MESSAGE = format('approval of request %s refused: %s is not an operator', p_request, v_me),
            HINT = 'Only a login that is a member of predator_operator approves.';
    END IF;
    IF EXISTS (SELECT FROM ops.approval a WHERE a.request_id = p_request) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD018',
            MESSAGE = format('approval of request %s refused: it is already approved', p_request),
            HINT = 'An approval is given once and used once; ask again with api.request_approval for another action.';
    END IF;
    IF v_req.valid_until <= clock_timestamp() THEN
        RAISE EXCEPTION USING ERRCODE = 'PD018',
            MESSAGE = format('approval of request %s refused: it expired at %s', p_request, v_req.valid_until),
            HINT = 'The requester asks again with api.request_approval.';
    END IF;
    PERFORM ops._audit(0, 'approve', v_req.action || ':' || v_req.target,
                       jsonb_build_object('request', p_request, 'requested_by', v_req.requested_by, 'params', v_req.params),
                       p_reason);
    INSERT INTO ops.approval (request_id, approved_by, reason) VALUES (p_request, v_me, p_reason);
    RETURN p_request;
END
$$;

COMMENT ON FUNCTION api.approve(bigint, text) IS 'Operator: a second operator (another login of predator_operator) approves a request of api.request_approval; audited. PD011 unknown request, PD012 no reason, PD018 own request, not an operator, already approved or expired.';
