-- risk._transition(p_book_id, p_state_after, p_cause, p_reason, p_ts, p_until) -> text (the state after)
-- Records one move of the book's risk state (risk.state_event, chained per book) from its current state;
-- the trigger refuses a move that risk.state_transition does not list (PD020). p_ts: business time;
-- p_until: the earliest business time the system may lift the state (a daily stop: the next 00:00 UTC;
-- a cooldown: its end), NULL otherwise. The caller holds the book's lock.
CREATE OR REPLACE FUNCTION risk._transition(p_book_id integer, p_state_after text, p_cause text, p_reason text,
                                            p_ts timestamptz, p_until timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text;
BEGIN
    SELECT a.name INTO v_name FROM trading.account a WHERE a.book_id = p_book_id;
    INSERT INTO risk.state_event (book_id, scope_kind, scope_key, state_before, state_after, cause, reason, until_ts, ts)
    VALUES (p_book_id, 'book', v_name, risk._state(p_book_id), p_state_after, p_cause, p_reason, p_until, p_ts);
    RETURN p_state_after;
END
$$;

COMMENT ON FUNCTION risk._transition(integer, text, text, text, timestamptz, timestamptz) IS 'Internal: records a move of a book''s risk state from its current state, with its cause, reason, business time and earliest lift time (PD020 when the move is not legal).';
