-- api.schedule_session(p_account, p_allocation, p_reason, p_strategy, p_planned_end) -> bigint (session id)
-- Operator. Registers a session (ops.session, status scheduled): account p_account (optionally only its strategy
-- p_strategy) in the account's current lane with a capital allocation of p_allocation in the lane's currency,
-- and a planned review or end (wall time, optional). Nothing runs yet: api.start_session checks the lane's
-- budget and starts it. Audited (schedule_session).
-- PD012: NaN or ±Infinity, an allocation that is not positive, a planned end that is infinite or not in the
-- future, a lane whose currency (api.lanes) is not the account's reporting currency, no reason. PD011: an unknown
-- account or a strategy the account has not registered.
CREATE OR REPLACE FUNCTION api.schedule_session(p_account text, p_allocation numeric, p_reason text,
                                                p_strategy text DEFAULT NULL, p_planned_end timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct trading.account;
    v_lane risk.lane_setting;
    v_id   bigint;
BEGIN
    PERFORM ops._require_finite('api.schedule_session', ARRAY['p_allocation'], ARRAY[p_allocation]);
    SELECT * INTO v_acct FROM trading.account a WHERE a.name = p_account;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown account %L', p_account),
            HINT = 'Pass the account name (api.accounts).';
    END IF;
    IF p_strategy IS NOT NULL AND NOT EXISTS (SELECT FROM trading.strategy s WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown strategy %L of account %L', p_strategy, p_account),
            HINT = 'Register the strategy first (api.register_strategy), or omit it for a session of the whole account.';
    END IF;
    IF p_allocation IS NULL OR p_allocation <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('schedule_session refused: allocation %s is not positive', p_allocation),
            DETAIL = format('argument=p_allocation value=%s', p_allocation),
            HINT = 'Allocate a positive amount of the lane''s currency.';
    END IF;
    IF p_planned_end IS NOT NULL AND (NOT isfinite(p_planned_end) OR p_planned_end <= clock_timestamp()) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('schedule_session refused: planned end %s is not a future time', p_planned_end),
            DETAIL = format('argument=p_planned_end value=%s now=%s', p_planned_end, clock_timestamp()),
            HINT = 'Omit the planned end or give a finite wall-clock time after now.';
    END IF;
    v_lane := risk.lane_in_force(v_acct.lane);
    IF v_lane.currency IS DISTINCT FROM v_acct.base_currency THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('schedule_session refused: lane %s budgets in %s, account %s reports in %s',
                             v_acct.lane, v_lane.currency, p_account, v_acct.base_currency),
            DETAIL = format('lane=%s lane_currency=%s account_currency=%s', v_acct.lane, v_lane.currency, v_acct.base_currency),
            HINT = 'A session''s allocation is in its lane''s currency, which must be the account''s reporting currency: set the lane''s currency with api.set_lane.';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_acct.book_id, 'schedule_session', p_account, '{}', p_reason);  -- PD012
    END IF;
    INSERT INTO ops.session (book_id, strategy, lane, allocation, currency, planned_end, reason, actor)
    VALUES (v_acct.book_id, p_strategy, v_acct.lane, p_allocation, v_lane.currency, p_planned_end, p_reason, ops.actor())
    RETURNING session_id INTO v_id;
    PERFORM ops._session_move(v_id, 'scheduled', 'operator', 'operator', p_reason);
    PERFORM ops._audit(v_acct.book_id, 'schedule_session', 'SES-' || v_id,
        jsonb_build_object('account', p_account, 'strategy', p_strategy, 'lane', v_acct.lane, 'allocation', p_allocation,
                           'currency', v_lane.currency, 'planned_end', p_planned_end), p_reason);
    RETURN v_id;
END
$$;

COMMENT ON FUNCTION api.schedule_session(text, numeric, text, text, timestamptz) IS 'Operator: registers a scheduled session of an account (optionally one strategy) in its lane with a capital allocation in the lane''s currency and an optional planned end; audited. PD011 unknown account or strategy, PD012 a bad allocation, planned end, currency or no reason.';
