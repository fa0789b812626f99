-- risk._kill_strategy(p_book_id, p_strategy, p_ts, p_reason) -> integer (exit orders created)
-- Kills one strategy alone (issue 13 item 2) at business time p_ts, the other strategies of the book trading on:
--   1. a system halt at scope strategy (account/strategy): a chained risk.halt_event with its cause and an
--      incident; every later signal of the strategy is refused halted_strategy until an operator resumes it
--      (api.resume('strategy', 'account/strategy', reason));
--   2. its open buy orders are cancelled: at once when never sent (a canceled event), else a cancel request;
--      its open sells stay (they reduce);
--   3. its own positions are reduced to zero by its own reduce-only market sells (origin strategy_kill,
--      strategy = the strategy), for what it holds beyond its open sells (risk._strategy_position), at the
--      last bar closed by p_ts (else its average cost).
-- Does nothing when the strategy is already halted. Returns the number of exit orders.
CREATE OR REPLACE FUNCTION risk._kill_strategy(p_book_id integer, p_strategy text, p_ts timestamptz, p_reason text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct trading.account;
    v_o    record;
    v_p    record;
    v_coid text;
    v_n    integer := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    IF coalesce((SELECT h.active FROM risk.halt_state h
                  WHERE h.scope_kind = 'strategy' AND h.scope_key = v_acct.name || '/' || p_strategy), false) THEN
        RETURN 0;
    END IF;
    PERFORM risk._set_halt('strategy', v_acct.name || '/' || p_strategy, p_book_id, 'halt',
                           'strategy_killed: ' || p_reason, 'system', p_ts);
    FOR v_o IN
        SELECT s.client_order_id, s.status, s.venue_order_id, s.filled_qty, s.updated_ts, s.cancel_requested
          FROM trading.order_state s JOIN trading.order_request r ON r.client_order_id = s.client_order_id
         WHERE s.book_id = p_book_id AND r.strategy = p_strategy AND s.side = 'buy'
           AND s.status IN ('new', 'open', 'partially_filled')
         ORDER BY s.client_order_id
    LOOP
        IF v_o.status = 'new' AND v_o.venue_order_id IS NULL THEN
            INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
            VALUES (p_book_id, v_o.client_order_id, 'canceled', 'canceled', v_o.filled_qty,
                    'strategy_killed: ' || p_reason, greatest(p_ts, v_o.updated_ts));
        ELSIF NOT v_o.cancel_requested THEN
            INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, reason, ts)
            VALUES (p_book_id, v_o.client_order_id, 'cancel_requested', v_o.status,
                    'strategy_killed: ' || p_reason, greatest(p_ts, v_o.updated_ts));
        END IF;
    END LOOP;
    FOR v_p IN
        SELECT p.symbol, sp.position_qty - sp.open_sell_qty AS free_qty, p.cost_basis / p.quantity AS avg_cost, m.close
          FROM trading.position p
          LEFT JOIN LATERAL (SELECT coalesce(sum(o.quantity - o.filled_qty), 0) AS open_sell
                               FROM trading.order_state o
                              WHERE o.book_id = p_book_id AND o.symbol = p.symbol AND o.side = 'sell'
                                AND o.status IN ('new', 'open', 'partially_filled')) b ON true
          CROSS JOIN LATERAL risk._strategy_position(p_book_id, p_strategy, p.symbol, p.quantity, b.open_sell) sp
          LEFT JOIN LATERAL market.last_bar(v_acct.venue, p.symbol, p_ts) m ON true
         WHERE p.book_id = p_book_id AND p.quantity > 0
         ORDER BY p.symbol
    LOOP
        CONTINUE WHEN v_p.free_qty <= 0;
        v_coid := trading.client_order_id(v_acct.name, p_strategy, v_p.symbol, p_ts, 'strategy_kill');
        CONTINUE WHEN EXISTS (SELECT FROM trading.order_request r WHERE r.client_order_id = v_coid);
        INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type,
                                           quantity, limit_price, decision_price, reduce_only, origin, ts, expiry)
        VALUES (p_book_id, v_coid, NULL, p_strategy, v_p.symbol, 'sell', 'market', v_p.free_qty, NULL,
                coalesce(v_p.close, v_p.avg_cost), true, 'strategy_kill', p_ts, p_ts + interval '1 day');
        INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
        VALUES (p_book_id, v_coid, 'created', 'new', 0, 'strategy_killed: ' || p_reason, p_ts);
        v_n := v_n + 1;
    END LOOP;
    RETURN v_n;
END
$$;

COMMENT ON FUNCTION risk._kill_strategy(integer, text, timestamptz, text) IS 'Internal: kills one strategy alone: a system halt at its strategy scope (with an incident), its open buys cancelled, and its own positions sold by its own reduce-only exits (origin strategy_kill); returns the number of exits. Nothing when already halted.';
