-- api.suspend_session(p_session, p_reason) -> text (suspended)
-- Operator. Suspends a running session (PD021 otherwise) and halts its account (scope account, audited as a halt
-- of the account, unless one is in force): a suspended session trades nothing until api.resume_session. Its
-- allocation stays held in the lane's budget. Audited (suspend_session).
CREATE OR REPLACE FUNCTION api.suspend_session(p_session bigint, p_reason text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_s ops.session := ops._session(p_session);
BEGIN
    PERFORM ops._require_session_move(v_s.status, 'suspended', v_s.session_id);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_s.book_id, 'suspend_session', 'SES-' || v_s.session_id, '{}', p_reason);  -- PD012
    END IF;
    PERFORM ops._lock_book(v_s.book_id);
    PERFORM ops._session_move(v_s.session_id, 'suspended', 'operator', 'operator', p_reason);
    PERFORM ops._audit(v_s.book_id, 'suspend_session', 'SES-' || v_s.session_id, jsonb_build_object('lane', v_s.lane), p_reason);
    PERFORM ops._session_halt(v_s.book_id, format('session SES-%s suspended: %s', v_s.session_id, p_reason), 'operator',
                              NULL, NULL, v_s.session_id);
    RETURN 'suspended';
END
$$;

COMMENT ON FUNCTION api.suspend_session(bigint, text) IS 'Operator: suspends a running session and halts its account (PD021 unless running). Audited.';
