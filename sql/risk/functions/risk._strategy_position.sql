-- risk._strategy_position(p_book_id, p_strategy, p_symbol, p_book_qty, p_book_open_sell)
--   -> (position_qty, open_sell_qty)
-- What a strategy may sell of a symbol when several strategies share a book (issue 13 item 2): its own net
-- quantity from its own fills (buys − sells − fees paid in the base) and its own open sells, never more than
-- the book's free position (p_book_qty − p_book_open_sell, which also covers kill and flatten exits that
-- belong to no strategy). Returned so that position_qty − open_sell_qty =
-- least(own − own open sells, book − book open sells): with one strategy and no book-level exits this is
-- the book's position and open sells, unchanged.
CREATE OR REPLACE FUNCTION risk._strategy_position(p_book_id integer, p_strategy text, p_symbol text,
                                                   p_book_qty numeric, p_book_open_sell numeric)
RETURNS TABLE (position_qty numeric, open_sell_qty numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_own      numeric;
    v_own_open numeric;
BEGIN
    -- Its own fills of the symbol, every one stored (risk._fill_totals at 'infinity': from the last checkpoint on).
    SELECT coalesce(sum(t.qty), 0) INTO v_own
      FROM risk._fill_totals(p_book_id, ARRAY[p_strategy], 'infinity', false) t
     WHERE t.symbol = p_symbol;
    SELECT coalesce(sum(s.quantity - s.filled_qty), 0) INTO v_own_open
      FROM trading.order_state s JOIN trading.order_request r ON r.client_order_id = s.client_order_id
     WHERE s.book_id = p_book_id AND s.symbol = p_symbol AND s.side = 'sell' AND r.strategy = p_strategy
       AND s.status IN ('new', 'open', 'partially_filled');
    RETURN QUERY SELECT risk._position_bound(v_own, v_own_open, p_book_qty, p_book_open_sell), v_own_open;
END
$$;

COMMENT ON FUNCTION risk._strategy_position(integer, text, text, numeric, numeric) IS 'Internal: a strategy''s own position in a symbol (from its own fills) and its own open sells, bounded by the book''s free position; what its sells and exits may take.';
