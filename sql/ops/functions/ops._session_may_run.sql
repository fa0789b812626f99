-- ops._session_may_run(p_session, p_what, p_with_budget) -> void
-- Internal: the rules a session must meet to run (api.start_session; api.resume_session without the budget,
-- which a suspended session still holds), every failed one named by its reason code (PD022, ops._session_refused):
--   lane_changed                 the account is no longer in the session's lane (it was promoted or demoted)
--   account_has_active_session   another session of the account is running or suspended
--   lane_currency, lane_budget   (p_with_budget) the lane's currency, and its running and suspended allocations
--                                plus this one against its capital budget (under the sessions lock, taken here)
--   halted_global, halted_lane, halted_strategy, reconciliation_dirty, open_severity1_incident
--                                ops._session_blockers (what api.resume of the account would wait for)
CREATE OR REPLACE FUNCTION ops._session_may_run(p_session ops.session, p_what text, p_with_budget boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct      trading.account;
    v_lane      risk.lane_setting;
    v_allocated numeric;
    v_codes     text[] := '{}';
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_session.book_id;
    IF v_acct.lane <> p_session.lane THEN
        v_codes := v_codes || 'lane_changed'::text;
    END IF;
    IF EXISTS (SELECT FROM ops.session s WHERE s.book_id = p_session.book_id AND s.status IN ('running', 'suspended')
                                          AND s.session_id <> p_session.session_id) THEN
        v_codes := v_codes || 'account_has_active_session'::text;
    END IF;
    IF p_with_budget THEN
        PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -39);
        v_lane := risk.lane_in_force(p_session.lane);
        v_allocated := risk._lane_allocated(p_session.lane, p_session.session_id);
        IF v_lane.currency IS DISTINCT FROM p_session.currency THEN
            v_codes := v_codes || 'lane_currency'::text;
        END IF;
        IF v_allocated + p_session.allocation > coalesce(v_lane.capital_budget, 0) THEN
            v_codes := v_codes || 'lane_budget'::text;
        END IF;
    END IF;
    v_codes := v_codes || ops._session_blockers(p_session.book_id, p_session.strategy);
    PERFORM ops._session_refused('PD022', p_what, v_codes,
        jsonb_build_object('lane', p_session.lane, 'account_lane', v_acct.lane, 'allocation', p_session.allocation,
                           'allocated', v_allocated, 'capital_budget', v_lane.capital_budget, 'currency', v_lane.currency));
END
$$;

COMMENT ON FUNCTION ops._session_may_run(ops.session, text, boolean) IS 'Internal: PD022 naming each failed rule of a session that would run: lane_changed, account_has_active_session, lane_currency, lane_budget (with p_with_budget), halted_global, halted_lane, halted_strategy, reconciliation_dirty, open_severity1_incident.';
