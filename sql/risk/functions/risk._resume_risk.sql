-- risk._resume_risk(p_book_id, p_strategy, p_reason) -> text (the state after)
-- An operator lifts what only an operator lifts in a risk state (api.resume_strategy, api.resume_reducing):
--   p_strategy given  the strategy's halt at its own scope (a kill) is lifted (risk._set_halt, source operator)
--                     and the strategy moves halted -> cooldown (risk._sync_strategy_halt); a held reducing
--                     state (strategy_drawdown, a live lane's strategy_daily_loss) moves to normal;
--   p_strategy NULL   the book's held reducing state (a paper drawdown_halt_tier) moves to normal.
-- Cause operator_resume, reason the operator's. Business time: the book's last closed hour (or the state's own
-- time when later), so a replay that re-applies the operator's action after the same closed hour records the
-- same move. Returns the state after (unchanged when nothing was held or halted).
CREATE OR REPLACE FUNCTION risk._resume_risk(p_book_id integer, p_strategy text, p_reason text)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct trading.account;
    v_cur  risk.state_current;
    v_ts   timestamptz;
BEGIN
    PERFORM ops._lock_book(p_book_id);
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_cur FROM risk.state_current c
     WHERE c.book_id = p_book_id AND c.scope_kind = CASE WHEN p_strategy IS NULL THEN 'book' ELSE 'strategy' END
       AND c.scope_key = coalesce(p_strategy, v_acct.name);
    v_ts := greatest((SELECT max(h.hour) FROM portfolio.hourly_state h WHERE h.book_id = p_book_id), v_cur.since_ts);
    IF p_strategy IS NOT NULL AND coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'strategy'
                                             AND h.scope_key = v_acct.name || '/' || p_strategy), false) THEN
        PERFORM risk._set_halt('strategy', v_acct.name || '/' || p_strategy, p_book_id, 'resume', p_reason, 'operator', NULL);
        RETURN risk._sync_strategy_halt(p_book_id, p_strategy, coalesce(v_ts, v_cur.since_ts));
    ELSIF v_cur.state = 'halted' AND p_strategy IS NOT NULL THEN
        RETURN risk._sync_strategy_halt(p_book_id, p_strategy, v_ts);
    ELSIF v_cur.state = 'reducing' AND v_cur.hold IS NOT NULL THEN
        IF p_strategy IS NULL THEN
            RETURN risk._transition(p_book_id, 'normal', 'operator_resume', format('%s released by an operator: %s', v_cur.hold, p_reason), v_ts);
        END IF;
        RETURN risk._strategy_transition(p_book_id, p_strategy, 'normal', 'operator_resume',
                                         format('%s released by an operator: %s', v_cur.hold, p_reason), v_ts);
    END IF;
    RETURN coalesce(v_cur.state, 'normal');
END
$$;

COMMENT ON FUNCTION risk._resume_risk(integer, text, text) IS 'Internal: an operator lifts a strategy''s kill (halted -> cooldown) or a held reducing state of a strategy or a book (-> normal, cause operator_resume), at the book''s last closed hour.';
