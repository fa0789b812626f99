-- api.start_session(p_session, p_reason) -> text (running)
-- Operator. Starts a scheduled session: refused (PD021) unless scheduled; refused (PD022, each reason code) when
-- the account left the session's lane, runs another session, the lane's running and suspended allocations plus
-- this one would exceed its capital budget (or its currency changed), another halt covers it (global, lane,
-- strategy), the book's reconciliation is dirty or a severity-1 incident of the book or a global one is open.
-- Then it lifts the account's halt if one is in force (a stopped session left its account halted: audited as a
-- resume of the account) and the session runs. Audited (start_session).
CREATE OR REPLACE FUNCTION api.start_session(p_session bigint, p_reason text)
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
    IF v_s.status <> 'scheduled' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD021',
            MESSAGE = format('session SES-%s is %s: only a scheduled session is started', v_s.session_id, v_s.status),
            HINT = 'Resume a suspended session with api.resume_session.';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_s.book_id, 'start_session', 'SES-' || v_s.session_id, '{}', p_reason);  -- PD012
    END IF;
    PERFORM ops._lock_book(v_s.book_id);
    PERFORM ops._session_may_run(v_s, format('start of SES-%s', v_s.session_id), true);
    PERFORM ops._session_lift(v_s.book_id, format('start of session SES-%s: %s', v_s.session_id, p_reason), v_s.session_id);
    PERFORM ops._session_move(v_s.session_id, 'running', 'operator', 'operator', p_reason);
    PERFORM ops._audit(v_s.book_id, 'start_session', 'SES-' || v_s.session_id,
        jsonb_build_object('lane', v_s.lane, 'allocation', v_s.allocation, 'currency', v_s.currency,
                           'allocated', risk._lane_allocated(v_s.lane, NULL),
                           'capital_budget', (risk.lane_in_force(v_s.lane)).capital_budget), p_reason);
    RETURN 'running';
END
$$;

COMMENT ON FUNCTION api.start_session(bigint, text) IS 'Operator: starts a scheduled session within its lane''s capital budget, lifting its account''s halt; PD021 unless scheduled, PD022 naming each failed rule (lane_budget, lane_changed, account_has_active_session, halts, dirty reconciliation, open severity-1 incident). Audited.';
