-- api.promote_session(p_session, p_allocation, p_reason) -> bigint (the new session in live_promoted)
-- Operator, high-risk. Promotes a running live_canary session (seed 003 §3.2, §9): rules in SQL, each failed one
-- named by its reason code (PD023, MESSAGE 'promotion of SES-n refused: code, ...', DETAIL the figures):
--   not_canary                the session is not in live_canary, or its account is not any more
--   session_not_running       it is not running (suspended, ended, not started)
--   no_closed_hours           no hour of the account closed while it ran: no evidence yet
--   min_days                  fewer days between its first and last closed hours than live_canary's min_days
--   drawdown_envelope         its maximum drawdown from its own peak over those hours beyond live_canary's
--                             max_drawdown_pct
--   daily_loss_envelope       the account's loss today beyond live_canary's max_daily_loss_pct
--   open_severity1_incident, reconciliation_dirty, halted_global, halted_lane, halted_strategy
--                             what a resume would wait for (ops._session_blockers)
--   lane_currency, lane_budget live_promoted's currency, and its running and suspended allocations plus
--                             p_allocation against its capital budget
-- Then, while the two-person rule holds, it consumes a second operator's approval of this login's request
-- (api.request_approval('promote_session', 'SES-<n>', reason, NULL, p_allocation)); PD017 without one. In one
-- transaction, under the book lock: the canary session completes (cause promotion); the account's lane becomes
-- live_promoted (trading._set_account_lane with the approval: lane halts, breakers and pools of live_promoted judge
-- its orders from the next admission); a new session of the same account and strategy runs in live_promoted with
-- p_allocation (promoted_from the canary one). Audited (promote_session: the lanes, both sessions, the approval,
-- the figures). PD012 a non-positive allocation or no reason; PD011 an unknown session.
CREATE OR REPLACE FUNCTION api.promote_session(p_session bigint, p_allocation numeric, p_reason text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_s         ops.session;
    v_acct      trading.account;
    v_fig       record;
    v_canary    risk.lane_setting;
    v_promoted  risk.lane_setting;
    v_allocated numeric;
    v_codes     text[] := '{}';
    v_figures   jsonb;
    v_request   bigint;
    v_new       bigint;
BEGIN
    PERFORM ops._require_finite('api.promote_session', ARRAY['p_allocation'], ARRAY[p_allocation]);
    v_s := ops._session(p_session);
    IF p_allocation IS NULL OR p_allocation <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('promotion of SES-%s refused: allocation %s is not positive', v_s.session_id, p_allocation),
            DETAIL = format('argument=p_allocation value=%s', p_allocation),
            HINT = 'Give the promoted session''s allocation, a positive amount of live_promoted''s currency.';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_s.book_id, 'promote_session', 'SES-' || v_s.session_id, '{}', p_reason);  -- PD012
    END IF;
    PERFORM ops._lock_book(v_s.book_id);
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -39);
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = v_s.book_id;
    SELECT * INTO v_fig FROM api.sessions x WHERE x.session_id = v_s.session_id;
    v_canary := risk.lane_in_force('live_canary');
    v_promoted := risk.lane_in_force('live_promoted');
    v_allocated := risk._lane_allocated('live_promoted', NULL);

    IF v_s.lane <> 'live_canary' OR v_acct.lane <> 'live_canary' THEN
        v_codes := v_codes || 'not_canary'::text;
    END IF;
    IF v_s.status <> 'running' THEN
        v_codes := v_codes || 'session_not_running'::text;
    END IF;
    IF coalesce(v_fig.hours, 0) = 0 THEN
        v_codes := v_codes || 'no_closed_hours'::text;
    END IF;
    IF coalesce(v_fig.days, 0) < v_canary.min_days THEN
        v_codes := v_codes || 'min_days'::text;
    END IF;
    IF coalesce(v_fig.max_drawdown, 0) * 100 > v_canary.max_drawdown_pct THEN
        v_codes := v_codes || 'drawdown_envelope'::text;
    END IF;
    IF coalesce(v_fig.daily_loss, 0) * 100 > v_canary.max_daily_loss_pct THEN
        v_codes := v_codes || 'daily_loss_envelope'::text;
    END IF;
    v_codes := v_codes || ops._session_blockers(v_s.book_id, v_s.strategy);
    IF v_promoted.currency IS DISTINCT FROM v_s.currency THEN
        v_codes := v_codes || 'lane_currency'::text;
    END IF;
    IF v_allocated + p_allocation > coalesce(v_promoted.capital_budget, 0) THEN
        v_codes := v_codes || 'lane_budget'::text;
    END IF;
    v_figures := jsonb_build_object(
        'hours', v_fig.hours, 'days', v_fig.days, 'min_days', v_canary.min_days,
        'max_drawdown', v_fig.max_drawdown, 'max_drawdown_pct', v_canary.max_drawdown_pct,
        'daily_loss', v_fig.daily_loss, 'max_daily_loss_pct', v_canary.max_daily_loss_pct,
        'allocation', p_allocation, 'allocated', v_allocated, 'capital_budget', v_promoted.capital_budget,
        'currency', v_promoted.currency);
    PERFORM ops._session_refused('PD023', format('promotion of SES-%s', v_s.session_id), v_codes, v_figures);

    v_request := ops._require_approval('promote_session', 'SES-' || v_s.session_id,
                                       jsonb_build_object('value', p_allocation),
                                       format('promotion of SES-%s to live_promoted', v_s.session_id));
    PERFORM ops._session_move(v_s.session_id, 'completed', 'promotion', 'operator', p_reason,
                              jsonb_build_object('figures', v_figures, 'approval', v_request));
    PERFORM trading._set_account_lane(v_s.book_id, 'live_promoted', 'promotion', v_s.session_id, v_request, p_reason);
    INSERT INTO ops.session (book_id, strategy, lane, allocation, currency, planned_end, promoted_from, reason, actor)
    VALUES (v_s.book_id, v_s.strategy, 'live_promoted', p_allocation, v_promoted.currency, NULL, v_s.session_id,
            p_reason, ops.actor())
    RETURNING session_id INTO v_new;
    PERFORM ops._session_move(v_new, 'scheduled', 'promotion', 'operator', p_reason,
                              jsonb_build_object('promoted_from', 'SES-' || v_s.session_id));
    PERFORM ops._session_move(v_new, 'running', 'promotion', 'operator', p_reason,
                              jsonb_build_object('promoted_from', 'SES-' || v_s.session_id, 'approval', v_request));
    PERFORM ops._audit(v_s.book_id, 'promote_session', 'SES-' || v_s.session_id,
        jsonb_build_object('from_lane', 'live_canary', 'to_lane', 'live_promoted', 'session', 'SES-' || v_new,
                           'allocation', p_allocation, 'figures', v_figures)
        || CASE WHEN v_request IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('approval', v_request) END,
        p_reason);
    RETURN v_new;
END
$$;

COMMENT ON FUNCTION api.promote_session(bigint, numeric, text) IS 'Operator, high-risk: promotes a running live_canary session to live_promoted when its rules hold (PD023 naming each failed one: not_canary, session_not_running, no_closed_hours, min_days, drawdown_envelope, daily_loss_envelope, open_severity1_incident, reconciliation_dirty, halts, lane_currency, lane_budget) and a second operator approved it (PD017); completes it, moves the account to live_promoted and runs a new session with the allocation. Audited.';
