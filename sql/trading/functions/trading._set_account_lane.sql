-- trading._set_account_lane(p_book_id, p_to, p_cause, p_session, p_approval, p_reason) -> integer (seq of the
--   trading.account_lane row)
-- Internal: the one governed path of an account's lane change (a promotion, api.promote_session, or a demotion,
-- api.demote_session): always an operator's decision, with the second operator's approval it consumed while the
-- two-person rule holds (p_approval; NULL when the rule is off). The system never changes a lane (an envelope
-- breach at an hour close suspends the session and halts the account). Halts, breakers and pools read
-- trading.account.lane, so the change is made there, under the book lock (every admission of the book holds it,
-- so none sees half a change), after a trading.account_lane row that says who, why, with which session and which
-- approval; the guard trigger of trading.account refuses a lane UPDATE without that row.
CREATE OR REPLACE FUNCTION trading._set_account_lane(p_book_id integer, p_to text, p_cause text, p_session bigint,
                                                     p_approval bigint, p_reason text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_from text;
    v_seq  integer;
BEGIN
    PERFORM ops._lock_book(p_book_id);
    SELECT a.lane INTO v_from FROM trading.account a WHERE a.book_id = p_book_id FOR UPDATE;
    SELECT coalesce(max(l.seq), 0) + 1 INTO v_seq FROM trading.account_lane l WHERE l.book_id = p_book_id;
    INSERT INTO trading.account_lane (book_id, seq, from_lane, to_lane, cause, session_id, approval, source, reason, actor)
    VALUES (p_book_id, v_seq, v_from, p_to, p_cause, p_session, p_approval, 'operator', p_reason, ops.actor());
    UPDATE trading.account a SET lane = p_to WHERE a.book_id = p_book_id;
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION trading._set_account_lane(integer, text, text, bigint, bigint, text) IS 'Internal: changes an account''s lane (an operator''s promotion or demotion, with the approval it used) under the book lock, after its trading.account_lane row (who, why, session, approval).';
