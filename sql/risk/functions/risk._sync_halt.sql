-- risk._sync_halt(p_book_id, p_ts) -> text (the state after)
-- Mirrors the halts in force into the book's risk state, at business time p_ts (an admission's decision
-- time, an hour's close): a book that a global, lane or account halt covers moves to halted (cause halt,
-- reason the halts' scopes and reasons); a halted book that no halt covers any more moves to cooldown
-- until p_ts + cooldown_hours, and straight on to normal when cooldown_hours is 0 or unset. Halts and
-- resumes are recorded by risk._set_halt; the book's move follows at its next admission or hour close, in
-- the book's own transaction, so a replay that re-applies the operator's actions after the same hour
-- reproduces it.
CREATE OR REPLACE FUNCTION risk._sync_halt(p_book_id integer, p_ts timestamptz)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct   trading.account;
    v_state  text := risk._state(p_book_id);
    v_reason text;
    v_hours  numeric;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT string_agg(h.scope_kind || ':' || h.scope_key || ' (' || h.reason || ')', '; ' ORDER BY h.scope_kind, h.scope_key)
      INTO v_reason
      FROM risk.halt_state h
     WHERE h.active
       AND (h.scope_kind = 'global' OR (h.scope_kind = 'lane' AND h.scope_key = v_acct.lane)
            OR (h.scope_kind = 'account' AND h.scope_key = v_acct.name));
    IF v_reason IS NOT NULL AND v_state <> 'halted' THEN
        RETURN risk._transition(p_book_id, 'halted', 'halt', v_reason, p_ts);
    ELSIF v_reason IS NULL AND v_state = 'halted' THEN
        v_hours := coalesce(risk.cap(risk.current_limits(v_acct.risk_profile), 'cooldown_hours', '*', NULL), 0);
        PERFORM risk._transition(p_book_id, 'cooldown', 'halt_lifted',
            format('every halt covering the book has lifted; cooldown %s h', v_hours), p_ts,
            p_ts + make_interval(hours => v_hours::integer));
        IF v_hours = 0 THEN
            RETURN risk._transition(p_book_id, 'normal', 'cooldown_elapsed', 'cooldown_hours is 0', p_ts);
        END IF;
        RETURN 'cooldown';
    END IF;
    RETURN v_state;
END
$$;

COMMENT ON FUNCTION risk._sync_halt(integer, timestamptz) IS 'Internal: moves a book to halted when a global, lane or account halt covers it, and from halted to cooldown (then normal when cooldown_hours is 0) when none does any more.';
