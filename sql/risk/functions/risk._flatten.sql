-- risk._flatten(p_book_id, p_ts, p_origin, p_reason, p_whole_position) -> integer (orders created)
-- Creates a reduce-only market sell for the whole free position of every instrument the book holds
-- (position minus open sells; the whole position with p_whole_position, used by the kill switch, which
-- cancels every open order first), rounded down to the instrument's step (risk._sellable: what the venue takes;
-- a remainder below one step stays held), through the normal order path (order request + created event). These
-- are the only orders admitted while a halt covers the book (origin kill_switch or risk_flatten).
-- Decision price: the last bar closed by p_ts, else the position's average cost.
CREATE OR REPLACE FUNCTION risk._flatten(p_book_id integer, p_ts timestamptz, p_origin text, p_reason text,
                                         p_whole_position boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct  trading.account;
    v_pos   record;
    v_coid  text;
    v_n     integer := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    FOR v_pos IN
        SELECT p.symbol, risk._sellable(p.quantity - CASE WHEN p_whole_position THEN 0 ELSE coalesce(s.open_sell, 0) END, i.step_size) AS free_qty,
               p.cost_basis / p.quantity AS avg_cost, m.close
          FROM trading.position p
          LEFT JOIN market.instrument i ON i.venue = v_acct.venue AND i.symbol = p.symbol
          LEFT JOIN (SELECT o.symbol, sum(o.quantity - o.filled_qty) AS open_sell
                       FROM trading.order_state o
                      WHERE o.book_id = p_book_id AND o.side = 'sell' AND o.status IN ('new', 'open', 'partially_filled')
                      GROUP BY o.symbol) s ON s.symbol = p.symbol
          LEFT JOIN LATERAL market.last_bar(v_acct.venue, p.symbol, p_ts) m ON true
         WHERE p.book_id = p_book_id AND p.quantity > 0
         ORDER BY p.symbol
    LOOP
        CONTINUE WHEN v_pos.free_qty <= 0;
        v_coid := trading.client_order_id(v_acct.name, p_origin, v_pos.symbol, p_ts, 'exit');
        CONTINUE WHEN EXISTS (SELECT FROM trading.order_request r WHERE r.client_order_id = v_coid);
        INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type,
                                           quantity, limit_price, decision_price, reduce_only, origin, ts, expiry)
        VALUES (p_book_id, v_coid, NULL, NULL, v_pos.symbol, 'sell', 'market', v_pos.free_qty, NULL,
                coalesce(v_pos.close, v_pos.avg_cost), true, p_origin, p_ts, p_ts + interval '1 day');
        INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
        VALUES (p_book_id, v_coid, 'created', 'new', 0, p_reason, p_ts);
        v_n := v_n + 1;
    END LOOP;
    RETURN v_n;
END
$$;

COMMENT ON FUNCTION risk._flatten(integer, timestamptz, text, text, boolean) IS 'Internal: creates reduce-only market sells of every free position of a book (kill switch flatten, drawdown flatten tier); returns how many orders it created.';
