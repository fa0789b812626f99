-- risk._loss_stop(p_book_id, p_ts, p_reason) -> boolean (acted now)
-- The daily-loss stop (limit daily_loss_halt, reached at an hour's close or intra-hour after a fill), by
-- lane (docs/risk.md):
--   paper                        the book moves to reducing until the next 00:00 UTC (exits and reductions
--                                admitted, entries refused risk_reducing); the next hour close on or after
--                                it moves the book back to normal (risk._advance_state). No halt.
--   live_canary, live_promoted   a global system halt (severity-1 incident), which only an operator lifts
--                                (api.resume after resolving the incident); the book moves to halted.
-- Does nothing and returns false when the stop is already in force (or the book is already halted).
CREATE OR REPLACE FUNCTION risk._loss_stop(p_book_id integer, p_ts timestamptz, p_reason text)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct  trading.account;
    v_cur   risk.state_current;
    v_until timestamptz := date_trunc('day', p_ts - interval '1 second', 'UTC') + interval '1 day';
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    IF v_acct.lane <> 'paper' THEN
        IF coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.scope_key = '*'), false) THEN
            RETURN false;
        END IF;
        PERFORM risk._set_halt('global', '*', 0, 'halt',
            format('%s (account %s, lane %s: a live lane escalates to a global halt)', p_reason, v_acct.name, v_acct.lane),
            'system', p_ts);
        PERFORM risk._sync_halt(p_book_id, p_ts);
        RETURN true;
    END IF;
    SELECT * INTO v_cur FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
    IF v_cur.state = 'halted' OR (v_cur.state = 'reducing' AND v_cur.until_ts >= v_until) THEN
        RETURN false;
    END IF;
    PERFORM risk._transition(p_book_id, 'reducing', 'daily_loss_halt',
        format('%s; entries refused until %s', p_reason, to_char(v_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')),
        p_ts, v_until);
    RETURN true;
END
$$;

COMMENT ON FUNCTION risk._loss_stop(integer, timestamptz, text) IS 'Internal: the daily-loss stop: a paper book reduces until the next 00:00 UTC; a live lane halts globally until an operator resumes. False when already in force.';
