-- api.roll_back_session(p_session, p_reason) -> text (rolled_back)
-- Operator. Abandons a session (PD021 when it is already completed or rolled back): a scheduled one is cancelled
-- before it ran; a running or suspended one ends and its account is halted (scope account, audited as a halt,
-- unless one is in force): flattening its positions is the operator's next decision (api.kill_switch with
-- flatten, or the strategy's exits). Its allocation returns to the lane's budget. Audited (roll_back_session).
CREATE OR REPLACE FUNCTION api.roll_back_session(p_session bigint, p_reason text)
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
    PERFORM ops._require_session_move(v_s.status, 'rolled_back', v_s.session_id);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_s.book_id, 'roll_back_session', 'SES-' || v_s.session_id, '{}', p_reason);  -- PD012
    END IF;
    PERFORM ops._lock_book(v_s.book_id);
    PERFORM ops._session_move(v_s.session_id, 'rolled_back', 'operator', 'operator', p_reason);
    PERFORM ops._audit(v_s.book_id, 'roll_back_session', 'SES-' || v_s.session_id,
                       jsonb_build_object('lane', v_s.lane, 'allocation', v_s.allocation, 'from', v_s.status), p_reason);
    IF v_s.status <> 'scheduled' THEN
        PERFORM ops._session_halt(v_s.book_id, format('session SES-%s rolled back: %s', v_s.session_id, p_reason),
                                  'operator', NULL, NULL, v_s.session_id);
    END IF;
    RETURN 'rolled_back';
END
$$;

COMMENT ON FUNCTION api.roll_back_session(bigint, text) IS 'Operator: abandons a scheduled, running or suspended session (PD021 when final); one that ran leaves its account halted. Audited.';
