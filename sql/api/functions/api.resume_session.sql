-- api.resume_session(p_session, p_reason) -> text (running)
-- Operator. Resumes a suspended session (nothing resumes one by itself): refused (PD021) unless suspended; refused
-- (PD022, each reason code) when the account left the session's lane, another halt covers it (global, lane,
-- strategy), the book's reconciliation is dirty or a severity-1 incident of the book or a global one is open.
-- Then it lifts the account's halt if one is in force (audited as a resume of the account) and the session runs.
-- Its allocation was held while suspended, so the budget is not checked again. Audited (resume_session).
CREATE OR REPLACE FUNCTION api.resume_session(p_session bigint, p_reason text)
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
    PERFORM ops._require_session_move(v_s.status, 'running', v_s.session_id);
    IF v_s.status <> 'suspended' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD021',
            MESSAGE = format('session SES-%s is %s: only a suspended session is resumed', v_s.session_id, v_s.status),
            HINT = 'Start a scheduled session with api.start_session.';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_s.book_id, 'resume_session', 'SES-' || v_s.session_id, '{}', p_reason);  -- PD012
    END IF;
    PERFORM ops._lock_book(v_s.book_id);
    PERFORM ops._session_may_run(v_s, format('resume of SES-%s', v_s.session_id), false);
    PERFORM ops._session_lift(v_s.book_id, format('resume of session SES-%s: %s', v_s.session_id, p_reason), v_s.session_id);
    PERFORM ops._session_move(v_s.session_id, 'running', 'operator', 'operator', p_reason);
    PERFORM ops._audit(v_s.book_id, 'resume_session', 'SES-' || v_s.session_id,
                       jsonb_build_object('lane', v_s.lane, 'allocation', v_s.allocation), p_reason);
    RETURN 'running';
END
$$;

COMMENT ON FUNCTION api.resume_session(bigint, text) IS 'Operator: resumes a suspended session, lifting its account''s halt; PD021 unless suspended, PD022 naming each failed rule (lane_changed, halts, dirty reconciliation, open severity-1 incident). Audited.';
