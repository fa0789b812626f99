-- risk._drawdown_hold(p_book_id, p_ts, p_reason) -> boolean (acted now)
-- The drawdown halt tier (drawdown_halt_tier, reached at an hour's close or intra-hour after a fill), by lane
-- (issue 13 item 7, docs/risk.md):
--   paper                        the book moves to reducing, held (cause drawdown_halt_tier, no until): exits
--                                and reductions admitted, entries refused risk_reducing; a drawdown does not
--                                clear by itself, so the book stays reducing until an operator releases it
--                                (api.resume_reducing, a recorded move cause operator_resume). No halt.
--   live_canary, live_promoted   a global system halt (severity-1 incident) that only an operator lifts; the
--                                book moves to halted.
-- Does nothing and returns false when the hold (or the global halt) is already in force or the book is halted.
CREATE OR REPLACE FUNCTION risk._drawdown_hold(p_book_id integer, p_ts timestamptz, p_reason text)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct trading.account;
    v_cur  risk.state_current;
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
    IF v_cur.state = 'halted' OR (v_cur.state = 'reducing' AND v_cur.hold IS NOT NULL) THEN
        RETURN false;
    END IF;
    PERFORM risk._transition(p_book_id, 'reducing', 'drawdown_halt_tier',
        p_reason || '; entries refused until an operator releases the book (api.resume_reducing)', p_ts);
    RETURN true;
END
$$;

COMMENT ON FUNCTION risk._drawdown_hold(integer, timestamptz, text) IS 'Internal: the drawdown halt tier: a paper book reduces (exits admitted) until an operator releases it; a live lane halts globally until an operator resumes. False when already in force.';
