-- risk._position_bound(p_own, p_own_open_sell, p_book_qty, p_book_open_sell) -> numeric
-- The one definition of a strategy's position when several strategies share a book (issue 13 item 2): its own
-- net quantity from its own fills (p_own, never below 0), never more than the book's free position plus its own
-- open sells (p_book_qty − p_book_open_sell + p_own_open_sell; the book's free position also covers kill and
-- flatten exits, which belong to no strategy). Admission (risk._strategy_position) and what the hour runner
-- hands each strategy as its position (api.own_positions) both read it, so that a strategy whose holding a
-- flatten exit sold is not told it still holds it.
CREATE OR REPLACE FUNCTION risk._position_bound(p_own numeric, p_own_open_sell numeric, p_book_qty numeric,
                                                p_book_open_sell numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $$ SELECT least(greatest(p_own, 0), p_book_qty - p_book_open_sell + p_own_open_sell) $$;

COMMENT ON FUNCTION risk._position_bound(numeric, numeric, numeric, numeric) IS 'Internal: a strategy''s position in a symbol of a shared book: least(greatest(own, 0), book quantity - book open sells + its own open sells). Read by risk._strategy_position (admission) and api.own_positions (the runner).';
