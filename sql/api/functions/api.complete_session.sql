-- api.complete_session(p_session, p_reason) -> text (completed)
-- Operator. Ends a running or suspended session normally (PD021 otherwise): its allocation returns to the lane's
-- budget and its account is halted (scope account, audited as a halt, unless one is in force), so the account
-- trades again only under a new session (api.schedule_session, api.start_session). Audited (complete_session).
CREATE OR REPLACE FUNCTION api.complete_session(p_session bigint, p_reason text)
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
    PERFORM ops._require_session_move(v_s.status, 'completed', v_s.session_id);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_s.book_id, 'complete_session', 'SES-' || v_s.session_id, '{}', p_reason);  -- PD012
    END IF;
    PERFORM ops._lock_book(v_s.book_id);
    PERFORM ops._session_move(v_s.session_id, 'completed', 'operator', 'operator', p_reason);
    PERFORM ops._audit(v_s.book_id, 'complete_session', 'SES-' || v_s.session_id,
                       jsonb_build_object('lane', v_s.lane, 'allocation', v_s.allocation, 'from', v_s.status), p_reason);
    PERFORM ops._session_halt(v_s.book_id, format('session SES-%s completed: %s', v_s.session_id, p_reason), 'operator',
                              NULL, NULL, v_s.session_id);
    RETURN 'completed';
END
$$;

COMMENT ON FUNCTION api.complete_session(bigint, text) IS 'Operator: ends a running or suspended session (PD021 otherwise), returning its allocation to the lane and halting its account. Audited.';
