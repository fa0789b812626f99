-- risk._strategy_transition(p_book_id, p_strategy, p_state_after, p_cause, p_reason, p_ts, p_until) -> text
-- Records one move of a strategy's risk state (risk.state_event, scope strategy, chained in its book's chain)
-- from its current state; the trigger refuses a move that risk.state_transition does not list (PD020).
-- p_until: the earliest business time the system may lift the state, NULL otherwise (a reducing state
-- without an until is held: only an operator lifts it). The caller holds the book's lock.
CREATE OR REPLACE FUNCTION risk._strategy_transition(p_book_id integer, p_strategy text, p_state_after text,
                                                     p_cause text, p_reason text, p_ts timestamptz,
                                                     p_until timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO risk.state_event (book_id, scope_kind, scope_key, state_before, state_after, cause, reason, until_ts, ts)
    VALUES (p_book_id, 'strategy', p_strategy, risk._strategy_state(p_book_id, p_strategy), p_state_after, p_cause,
            p_reason, p_until, p_ts);
    RETURN p_state_after;
END
$$;

COMMENT ON FUNCTION risk._strategy_transition(integer, text, text, text, text, timestamptz, timestamptz) IS 'Internal: records a move of a strategy''s risk state from its current state (PD020 when not legal), with cause, reason, business time and earliest lift time.';
