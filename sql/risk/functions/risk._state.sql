-- risk._state(p_book_id) -> text
-- The current risk state of a book: normal, reducing, halted or cooldown (normal before its first move).
CREATE OR REPLACE FUNCTION risk._state(p_book_id integer)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN coalesce((SELECT c.state FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book'), 'normal');
END
$$;

COMMENT ON FUNCTION risk._state(integer) IS 'Internal: current risk state of a book (normal when it never moved).';
