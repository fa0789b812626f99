-- risk._sync_strategy_halt(p_book_id, p_strategy, p_ts) -> text (the state after)
-- Mirrors the halt at the strategy's own scope (<account>/<strategy>: a kill, risk._kill_strategy, or an
-- operator's api.halt) into the strategy's risk state at business time p_ts: a strategy that halt covers moves
-- to halted (cause halt); a halted strategy whose halt was lifted (api.resume_strategy, api.resume at strategy
-- scope) moves to cooldown until p_ts + cooldown_hours (scope: the strategy's name, else *), and straight on
-- to normal when that is 0 or unset. Book-wide halts move the book's state, not the strategy's.
CREATE OR REPLACE FUNCTION risk._sync_strategy_halt(p_book_id integer, p_strategy text, p_ts timestamptz)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct   trading.account;
    v_state  text := risk._strategy_state(p_book_id, p_strategy);
    v_reason text;
    v_hours  numeric;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT h.reason INTO v_reason FROM risk.halt_state h
     WHERE h.active AND h.scope_kind = 'strategy' AND h.scope_key = v_acct.name || '/' || p_strategy;
    IF v_reason IS NOT NULL AND v_state <> 'halted' THEN
        RETURN risk._strategy_transition(p_book_id, p_strategy, 'halted', 'halt', v_reason, p_ts);
    ELSIF v_reason IS NULL AND v_state = 'halted' THEN
        v_hours := coalesce(risk.cap(risk.current_limits(v_acct.risk_profile), 'cooldown_hours', p_strategy, NULL), 0);
        PERFORM risk._strategy_transition(p_book_id, p_strategy, 'cooldown', 'halt_lifted',
            format('the strategy''s halt was lifted; cooldown %s h', v_hours), p_ts, p_ts + make_interval(hours => v_hours::integer));
        IF v_hours = 0 THEN
            RETURN risk._strategy_transition(p_book_id, p_strategy, 'normal', 'cooldown_elapsed', 'cooldown_hours is 0', p_ts);
        END IF;
        RETURN 'cooldown';
    END IF;
    RETURN v_state;
END
$$;

COMMENT ON FUNCTION risk._sync_strategy_halt(integer, text, timestamptz) IS 'Internal: moves a strategy to halted when a halt at its own scope covers it, and from halted to cooldown (then normal when cooldown_hours is 0) when that halt has been lifted.';
