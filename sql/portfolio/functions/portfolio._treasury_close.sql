-- portfolio._treasury_close(p_book_id, p_hour, p_equity) -> void
-- Called by api.close_hour. At 00:00 UTC it stores the self-financing status of the UTC day that ended
-- (window_days 1) and of the rolling window ending there (treasury_window_days, 30 when unset), from the
-- postings (portfolio.treasury_figures), with principal protection = p_equity >= principal; then the policy
-- acts on the rolling surplus of a complete window (docs/treasury.md):
--   * surplus > treasury_transfer_threshold: the undistributed surplus above the threshold, never more than the
--     equity above principal + reserve + operations bucket, goes to the operations bucket: posted now with an
--     audit row when treasury_auto_transfer is 1, else proposed (ledger.treasury_transfer) for an operator's
--     approval (api.approve_treasury_transfer), one pending proposal at a time;
--   * surplus < -treasury_deficit_tolerance: with treasury_deficit_halt 1 the book moves to reducing (cause
--     treasury_deficit, held until api.resume_reducing: entries refused risk_reducing, exits admitted) with an
--     incident; with treasury_deficit_cut_pct set (besides or instead) the risk budget scale (budget_scale,
--     read by the admission: risk._treasury_budget) is cut by that step, floored at treasury_budget_floor_pct,
--     at most once per rolling window (no cut while the last cut is less than window days old), with an audit
--     row and an incident (severity 3, reason treasury_deficit);
--   * a complete rolling surplus >= 0 restores a cut budget to 1 (audited).
-- budget_scale is NULL when treasury_deficit_cut_pct is unset (the policy is off: scale 1).
-- The policy never posts to principal. Both rows record known_tx_seq, the book's newest journal transaction before
-- the figures were computed (a fill relayed after its day's status was stored is not in that row: gate 21).
CREATE OR REPLACE FUNCTION portfolio._treasury_close(p_book_id integer, p_hour timestamptz, p_equity numeric)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct      trading.account;
    v_limits    jsonb;
    v_window    integer;
    v_first     timestamptz;
    v_day       record;
    v_roll      record;
    v_from      timestamptz;
    v_complete  boolean;
    v_action    text := 'none';
    v_amount    numeric;
    v_threshold numeric;
    v_tolerance numeric;
    v_undist    numeric;
    v_headroom  numeric;
    v_tx        bigint;
    v_no        integer;
    v_state     risk.state_current;
    v_cut_pct   numeric;   -- the step, a fraction of the full budget
    v_floor     numeric;   -- the floor, a fraction
    v_scale     numeric;   -- budget scale after this close (NULL: the cut policy is off)
    v_last_cut  date;
    v_halted    boolean := false;
    v_cut       boolean := false;
    v_known     bigint;    -- the book's newest journal transaction: what the figures are computed from
BEGIN
    IF p_hour <> date_trunc('day', p_hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' THEN
        RETURN;
    END IF;
    SELECT min(p.ts) INTO v_first FROM ledger.posting p WHERE p.book_id = p_book_id AND p.account_code = 'principal';
    IF v_first IS NULL OR v_first >= p_hour THEN
        RETURN;  -- nothing deposited yet: no status
    END IF;
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := risk.current_limits(v_acct.risk_profile);
    v_window := coalesce(risk.cap(v_limits, 'treasury_window_days', '*', NULL), 30)::integer;

    SELECT max(t.seq) INTO v_known FROM ledger.transaction t WHERE t.book_id = p_book_id;
    SELECT * INTO v_day FROM portfolio.treasury_figures(p_book_id, p_hour - interval '1 day', p_hour);
    INSERT INTO portfolio.treasury_status (book_id, day, window_days, period_from, period_to, complete, currency,
        realized_pnl, trading_fees, operating_costs, reserve_accrual, surplus, equity, principal, principal_protected,
        known_tx_seq)
    VALUES (p_book_id, (p_hour - interval '1 day') AT TIME ZONE 'UTC', 1, p_hour - interval '1 day', p_hour,
            v_first <= p_hour - interval '1 day', v_day.currency, v_day.realized_pnl, v_day.trading_fees,
            v_day.operating_costs, v_day.reserve_accrual, v_day.surplus, p_equity, v_day.principal,
            p_equity >= v_day.principal, v_known);
    IF v_window = 1 THEN
        RETURN;
    END IF;

    v_from := p_hour - make_interval(days => v_window);
    v_complete := v_first <= v_from;
    SELECT * INTO v_roll FROM portfolio.treasury_figures(p_book_id, v_from, p_hour);
    v_threshold := risk.cap(v_limits, 'treasury_transfer_threshold', '*', NULL);
    v_tolerance := risk.cap(v_limits, 'treasury_deficit_tolerance', '*', NULL);

    IF v_complete AND v_threshold IS NOT NULL AND v_roll.surplus > v_threshold THEN
        -- Undistributed surplus: the treasury balance less the principal (= cumulative surplus less transfers).
        SELECT coalesce(sum(b.balance) FILTER (WHERE b.account_code = 'treasury'), 0) - v_roll.principal,
               p_equity - v_roll.principal - coalesce(sum(b.balance) FILTER (WHERE b.account_code IN ('reserve', 'operations')), 0)
          INTO v_undist, v_headroom
          FROM ledger.balance b
         WHERE b.book_id = p_book_id AND b.currency = v_acct.base_currency
           AND b.account_code IN ('treasury', 'reserve', 'operations');
        v_amount := trunc(least(v_undist - v_threshold, v_headroom), 2);
        IF v_amount > 0 THEN
            SELECT coalesce(max(t.proposal_no), 0) + 1 INTO v_no FROM ledger.treasury_transfer t WHERE t.book_id = p_book_id;
            IF coalesce(risk.cap(v_limits, 'treasury_auto_transfer', '*', NULL), 0) = 1 THEN
                v_tx := ledger._post(p_book_id, 'transfer', 'operations:' || v_no, p_hour,
                    ARRAY['operations', 'treasury'], ARRAY[v_acct.base_currency, v_acct.base_currency], ARRAY[v_amount, -v_amount]);
                INSERT INTO ledger.treasury_transfer (book_id, proposal_no, action, amount, currency, day, tx_seq, reason, actor, ts)
                VALUES (p_book_id, v_no, 'automatic', v_amount, v_acct.base_currency, (p_hour - interval '1 day') AT TIME ZONE 'UTC',
                        v_tx, format('rolling %s-day surplus %s above threshold %s', v_window, round(v_roll.surplus, 2), v_threshold),
                        'system', p_hour);
                PERFORM ops._audit(p_book_id, 'treasury_transfer', v_acct.name,
                    jsonb_build_object('proposal_no', v_no, 'amount', v_amount, 'currency', v_acct.base_currency,
                                       'tx_seq', v_tx, 'ts', p_hour, 'mode', 'automatic'),
                    'automatic transfer of surplus to the operations bucket (treasury_auto_transfer)');
                v_action := 'transfer_automatic';
            ELSIF NOT EXISTS (SELECT FROM ledger.treasury_transfer t
                               WHERE t.book_id = p_book_id AND t.action = 'proposed'
                                 AND NOT EXISTS (SELECT FROM ledger.treasury_transfer u
                                                  WHERE u.book_id = t.book_id AND u.proposal_no = t.proposal_no AND u.action <> 'proposed')) THEN
                INSERT INTO ledger.treasury_transfer (book_id, proposal_no, action, amount, currency, day, reason, actor, ts)
                VALUES (p_book_id, v_no, 'proposed', v_amount, v_acct.base_currency, (p_hour - interval '1 day') AT TIME ZONE 'UTC',
                        format('rolling %s-day surplus %s above threshold %s', v_window, round(v_roll.surplus, 2), v_threshold),
                        'system', p_hour);
                v_action := 'transfer_proposed';
            END IF;
        END IF;
    ELSIF v_complete AND v_tolerance IS NOT NULL AND v_roll.surplus < -v_tolerance THEN
        IF coalesce(risk.cap(v_limits, 'treasury_deficit_halt', '*', NULL), 0) = 1 THEN
            SELECT * INTO v_state FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
            IF coalesce(v_state.state, 'normal') IN ('normal', 'reducing') AND NOT coalesce(v_state.state = 'reducing' AND v_state.hold IS NOT NULL, false) THEN
                PERFORM risk._transition(p_book_id, 'reducing', 'treasury_deficit',
                    format('treasury_deficit: rolling %s-day surplus %s below -%s; entries refused until an operator releases the book (api.resume_reducing)',
                           v_window, round(v_roll.surplus, 2), v_tolerance), p_hour);
                PERFORM ops._open_incident(p_book_id, 2, 'risk', 'account:' || v_acct.name,
                    format('treasury deficit: new entries halted on %s', v_acct.name),
                    format('reason treasury_deficit: the rolling %s-day net operating surplus %s is below -%s (treasury_deficit_tolerance)',
                           v_window, round(v_roll.surplus, 2), v_tolerance),
                    jsonb_build_object('hours', jsonb_build_array(p_hour)), p_hour, 'system');
                v_halted := true;
            END IF;
        END IF;
        -- The risk-budget cut: one step per rolling window at most, never below the floor.
        v_cut_pct := risk.cap(v_limits, 'treasury_deficit_cut_pct', '*', 1);
        IF v_cut_pct > 0 THEN
            v_floor := least(greatest(coalesce(risk.cap(v_limits, 'treasury_budget_floor_pct', '*', 1), 0), 0), 1);
            SELECT coalesce(s.budget_scale, 1) INTO v_scale FROM portfolio.treasury_status s
             WHERE s.book_id = p_book_id AND s.window_days > 1 ORDER BY s.seq DESC LIMIT 1;
            v_scale := coalesce(v_scale, 1);
            SELECT max(s.day) INTO v_last_cut FROM portfolio.treasury_status s
             WHERE s.book_id = p_book_id AND s.window_days > 1 AND s.policy_action IN ('budget_cut', 'entries_halted_budget_cut')
               AND NOT EXISTS (SELECT FROM portfolio.treasury_status r
                                WHERE r.book_id = s.book_id AND r.window_days > 1 AND r.seq > s.seq AND r.policy_action = 'budget_restored');
            IF v_scale > v_floor AND (v_last_cut IS NULL OR v_last_cut <= ((p_hour - interval '1 day') AT TIME ZONE 'UTC')::date - v_window) THEN
                v_scale := greatest(v_floor, v_scale - v_cut_pct);
                PERFORM ops._audit(p_book_id, 'treasury_budget_cut', v_acct.name,
                    jsonb_build_object('budget_scale', v_scale, 'step', v_cut_pct, 'floor', v_floor, 'surplus', v_roll.surplus,
                                       'tolerance', v_tolerance, 'window_days', v_window, 'ts', p_hour),
                    format('treasury_deficit: rolling %s-day surplus %s below -%s; risk budget cut to %s %%',
                           v_window, round(v_roll.surplus, 2), v_tolerance, round(v_scale * 100, 4)));
                PERFORM ops._open_incident(p_book_id, 3, 'risk', 'account:' || v_acct.name,
                    format('treasury deficit: risk budget of %s cut to %s %%', v_acct.name, round(v_scale * 100, 4)),
                    format('reason treasury_deficit: the rolling %s-day net operating surplus %s is below -%s (treasury_deficit_tolerance); the entry caps are scaled to %s %% (treasury_deficit_cut_pct %s %%, floor %s %%) until the rolling surplus is no longer negative',
                           v_window, round(v_roll.surplus, 2), v_tolerance, round(v_scale * 100, 4), round(v_cut_pct * 100, 4), round(v_floor * 100, 4)),
                    jsonb_build_object('hours', jsonb_build_array(p_hour)), p_hour, 'system');
                v_cut := true;
            END IF;
        END IF;
        v_action := CASE WHEN v_halted AND v_cut THEN 'entries_halted_budget_cut' WHEN v_halted THEN 'entries_halted'
                         WHEN v_cut THEN 'budget_cut' ELSE 'none' END;
        v_amount := v_roll.surplus;
    END IF;

    -- The budget scale after this close: NULL when the cut policy is off; restored to 1 by a surplus >= 0.
    IF NOT v_cut THEN
        v_cut_pct := risk.cap(v_limits, 'treasury_deficit_cut_pct', '*', 1);
        IF v_cut_pct IS NOT NULL THEN
            SELECT coalesce(s.budget_scale, 1) INTO v_scale FROM portfolio.treasury_status s
             WHERE s.book_id = p_book_id AND s.window_days > 1 ORDER BY s.seq DESC LIMIT 1;
            v_scale := coalesce(v_scale, 1);
            IF v_scale < 1 AND v_complete AND v_roll.surplus >= 0 THEN
                v_scale := 1;
                PERFORM ops._audit(p_book_id, 'treasury_budget_restore', v_acct.name,
                    jsonb_build_object('budget_scale', 1, 'surplus', v_roll.surplus, 'window_days', v_window, 'ts', p_hour),
                    format('rolling %s-day surplus %s is no longer negative: risk budget restored to 100 %%', v_window, round(v_roll.surplus, 2)));
                IF v_action = 'none' THEN
                    v_action := 'budget_restored';
                    v_amount := v_roll.surplus;
                END IF;
            END IF;
        END IF;
    END IF;

    INSERT INTO portfolio.treasury_status (book_id, day, window_days, period_from, period_to, complete, currency,
        realized_pnl, trading_fees, operating_costs, reserve_accrual, surplus, equity, principal, principal_protected,
        policy_action, policy_amount, budget_scale, known_tx_seq)
    VALUES (p_book_id, (p_hour - interval '1 day') AT TIME ZONE 'UTC', v_window, v_from, p_hour, v_complete, v_roll.currency,
            v_roll.realized_pnl, v_roll.trading_fees, v_roll.operating_costs, v_roll.reserve_accrual, v_roll.surplus,
            p_equity, v_roll.principal, p_equity >= v_roll.principal, v_action,
            CASE WHEN v_action <> 'none' THEN v_amount END, v_scale, v_known);
END
$$;

COMMENT ON FUNCTION portfolio._treasury_close(integer, timestamptz, numeric) IS 'Internal: at 00:00 UTC stores the self-financing status of the day and of the rolling window from the treasury postings, then applies the treasury policy (transfer of surplus to the operations bucket, automatic or proposed; deficit: entries halted and/or the risk budget cut by treasury_deficit_cut_pct, with an incident; a cut budget restored when the rolling surplus is no longer negative). Never posts to principal.';
