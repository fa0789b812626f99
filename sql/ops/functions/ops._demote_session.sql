-- ops._demote_session(p_session, p_source, p_reason, p_figures, p_ts, p_incident) -> text (the account's lane after)
-- Internal: the one demotion (api.demote_session by an operator; an envelope breach of a live_promoted session at
-- an hour close by the system). In one transaction, under the book lock:
--   1. the session is rolled back (cause demotion);
--   2. its account goes back to live_canary (trading._set_account_lane, cause demotion), so the canary lane's
--      halts, breakers and pools judge its orders from now on;
--   3. the account is halted (scope account): a demotion is a rollback, and the account trades again only under
--      a new session an operator starts in the canary lane (api.schedule_session, api.start_session, within the
--      canary budget), never at the promoted allocation;
--   4. the change log: audit demote_session (the operator's login, or actor system).
-- Demotion reduces risk: it needs no second operator and is never refused for the canary lane's budget.
-- PD022 (not_promoted) for a session of another lane; PD021 for a session already completed or rolled back.
CREATE OR REPLACE FUNCTION ops._demote_session(p_session bigint, p_source text, p_reason text, p_figures jsonb,
                                               p_ts timestamptz, p_incident bigint)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_s    ops.session := ops._session(p_session);
    v_acct trading.account;
    v_args jsonb;
BEGIN
    PERFORM ops._require_session_move(v_s.status, 'rolled_back', v_s.session_id);
    IF v_s.lane <> 'live_promoted' THEN
        PERFORM ops._session_refused('PD022', format('demotion of SES-%s', v_s.session_id), ARRAY['not_promoted'],
                                     jsonb_build_object('lane', v_s.lane));
    END IF;
    PERFORM ops._lock_book(v_s.book_id);
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = v_s.book_id;
    PERFORM ops._session_move(v_s.session_id, 'rolled_back', 'demotion', p_source, p_reason,
                              jsonb_build_object('figures', coalesce(p_figures, '{}'::jsonb))
                              || CASE WHEN p_incident IS NULL THEN '{}'::jsonb
                                      ELSE jsonb_build_object('incident', format('INC-%s-%s', v_s.book_id, p_incident)) END);
    IF v_acct.lane = 'live_promoted' THEN
        PERFORM trading._set_account_lane(v_s.book_id, 'live_canary', 'demotion', v_s.session_id, NULL, p_reason, p_source);
    END IF;
    PERFORM ops._session_halt(v_s.book_id, format('session SES-%s demoted: %s', v_s.session_id, p_reason), p_source,
                              p_ts, p_incident, v_s.session_id);
    v_args := jsonb_build_object('session', 'SES-' || v_s.session_id, 'from_lane', v_acct.lane, 'to_lane', 'live_canary',
                                 'allocation', v_s.allocation, 'figures', coalesce(p_figures, '{}'::jsonb));
    IF p_source = 'system' THEN
        PERFORM ops._audit_system(v_s.book_id, 'demote_session', 'SES-' || v_s.session_id, v_args, p_reason);
    ELSE
        PERFORM ops._audit(v_s.book_id, 'demote_session', 'SES-' || v_s.session_id, v_args, p_reason);
    END IF;
    RETURN 'live_canary';
END
$$;

COMMENT ON FUNCTION ops._demote_session(bigint, text, text, jsonb, timestamptz, bigint) IS 'Internal: the one demotion of a live_promoted session: rolled back, its account back to live_canary and halted, audited (operator or system); PD022 not_promoted, PD021 a final session.';
