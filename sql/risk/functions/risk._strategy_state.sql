-- risk._strategy_state(p_book_id, p_strategy) -> text
-- The current risk state of one strategy of a book (issue 13 item 3): normal, reducing, halted or cooldown
-- (normal before its first move).
CREATE OR REPLACE FUNCTION risk._strategy_state(p_book_id integer, p_strategy text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN coalesce((SELECT c.state FROM risk.state_current c
                      WHERE c.book_id = p_book_id AND c.scope_kind = 'strategy' AND c.scope_key = p_strategy), 'normal');
END
$$;

COMMENT ON FUNCTION risk._strategy_state(integer, text) IS 'Internal: current risk state of a strategy of a book (normal when it never moved).';
