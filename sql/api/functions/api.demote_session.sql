-- api.demote_session(p_session, p_reason) -> text (the account's lane after: live_canary)
-- Operator, high-risk. Demotes a live_promoted session (running, or suspended: an envelope breach at an hour
-- close suspends it and halts its account, the lane change is this human decision): a lane change, so while the
-- two-person rule holds it consumes a second operator's approval of this login's request
-- (api.request_approval('demote_session', 'SES-<n>', reason)), exactly as a promotion does; PD017 without one.
-- In one transaction, under the book lock:
--   1. the session is rolled back (cause demotion, with the approval and the session's figures);
--   2. its account goes back to live_canary (trading._set_account_lane with the approval: the canary lane's halts,
--      breakers and pools judge its orders from the next admission on);
--   3. the account is halted (scope account, audited as a halt): it trades again only under a new session an
--      operator starts in the canary lane (api.schedule_session, api.start_session, within the canary budget),
--      never at the promoted allocation;
--   4. the change log: demote_session with the lanes, the allocation, the figures and the approval.
-- PD012 no reason; PD011 an unknown session; PD021 a session already completed or rolled back; PD022
-- (not_promoted) a session of another lane; PD017 no approval while the two-person rule holds.
CREATE OR REPLACE FUNCTION api.demote_session(p_session bigint, p_reason text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_s       ops.session := ops._session(p_session);
    v_acct    trading.account;
    v_fig     record;
    v_figures jsonb;
    v_request bigint;
BEGIN
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_s.book_id, 'demote_session', 'SES-' || v_s.session_id, '{}', p_reason);  -- PD012
    END IF;
    PERFORM ops._lock_book(v_s.book_id);
    v_s := ops._session(p_session);
    PERFORM ops._require_session_move(v_s.status, 'rolled_back', v_s.session_id);
    IF v_s.lane <> 'live_promoted' THEN
        PERFORM ops._session_refused('PD022', format('demotion of SES-%s', v_s.session_id), ARRAY['not_promoted'],
                                     jsonb_build_object('lane', v_s.lane));
    END IF;
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = v_s.book_id;
    SELECT * INTO v_fig FROM api.sessions x WHERE x.session_id = v_s.session_id;
    v_figures := jsonb_build_object(
        'status', v_fig.status, 'hours', v_fig.hours, 'days', v_fig.days, 'equity', v_fig.equity,
        'drawdown', v_fig.drawdown, 'max_drawdown', v_fig.max_drawdown, 'max_drawdown_pct', v_fig.max_drawdown_pct,
        'daily_loss', v_fig.daily_loss, 'max_daily_loss_pct', v_fig.max_daily_loss_pct,
        'envelope_breached', v_fig.envelope_breached);

    v_request := ops._require_approval('demote_session', 'SES-' || v_s.session_id, '{}'::jsonb,
                                       format('demotion of SES-%s to live_canary', v_s.session_id));
    PERFORM ops._session_move(v_s.session_id, 'rolled_back', 'demotion', 'operator', p_reason,
                              jsonb_build_object('figures', v_figures, 'approval', v_request));
    IF v_acct.lane = 'live_promoted' THEN
        PERFORM trading._set_account_lane(v_s.book_id, 'live_canary', 'demotion', v_s.session_id, v_request, p_reason);
    END IF;
    PERFORM ops._session_halt(v_s.book_id, format('session SES-%s demoted: %s', v_s.session_id, p_reason), 'operator',
                              NULL, NULL, v_s.session_id);
    PERFORM ops._audit(v_s.book_id, 'demote_session', 'SES-' || v_s.session_id,
        jsonb_build_object('session', 'SES-' || v_s.session_id, 'from_lane', v_acct.lane, 'to_lane', 'live_canary',
                           'allocation', v_s.allocation, 'figures', v_figures)
        || CASE WHEN v_request IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('approval', v_request) END,
        p_reason);
    RETURN 'live_canary';
END
$$;

COMMENT ON FUNCTION api.demote_session(bigint, text) IS 'Operator, high-risk: demotes a live_promoted session (running or suspended) with a second operator''s approval while the two-person rule holds (PD017; api.request_approval(''demote_session'', ''SES-<n>'', reason)): rolled back, its account back to live_canary (trading.account_lane with the approval) and halted. PD022 not_promoted, PD021 final, PD012 no reason. Audited with the approval.';
