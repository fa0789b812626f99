-- api.kill_switch(p_reason, flatten) -> (halt_seq, orders_marked, flatten_orders)
-- Operator. The kill switch in one call: a global halt; every open order of every book (new, open,
-- partially filled) marked for cancellation (a cancel_requested event each); and with flatten a
-- reduce-only market sell of every free position to cash, created through the normal order path at each
-- book's business time (its last closed hour) — the only orders admitted while halted. Notifies channel
-- predator_kill so that running workers carry out the cancels and exits at once. Audited.
-- The second parameter is named flatten, not p_flatten, so that the call reads
-- SELECT * FROM api.kill_switch('reason', flatten => true).
CREATE OR REPLACE FUNCTION api.kill_switch(p_reason text, flatten boolean DEFAULT false)
RETURNS TABLE (halt_seq bigint, orders_marked integer, flatten_orders integer)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_halt    bigint;
    v_marked  integer := 0;
    v_flat    integer := 0;
    v_book    record;
    v_order   record;
    v_ts      timestamptz;
BEGIN
    PERFORM ops._audit(0, 'kill_switch', 'global:*', jsonb_build_object('flatten', kill_switch.flatten), p_reason);
    IF coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.scope_key = '*'), false) THEN
        PERFORM ops._lock_halts(true);
        v_halt := NULL;
    ELSE
        v_halt := risk._set_halt('global', '*', 0, 'halt', 'kill switch: ' || p_reason, 'operator', NULL);
    END IF;
    FOR v_book IN SELECT a.book_id FROM trading.account a ORDER BY a.book_id LOOP
        PERFORM ops._lock_book(v_book.book_id);
        v_ts := coalesce((SELECT max(h.hour) FROM portfolio.hourly_state h WHERE h.book_id = v_book.book_id),
                         (SELECT max(t.ts) FROM ledger.transaction t WHERE t.book_id = v_book.book_id), now());
        FOR v_order IN
            SELECT s.client_order_id, s.updated_ts FROM trading.order_state s
             WHERE s.book_id = v_book.book_id AND s.status IN ('new', 'open', 'partially_filled') AND NOT s.cancel_requested
             ORDER BY s.client_order_id
        LOOP
            INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, reason, ts)
            SELECT v_book.book_id, v_order.client_order_id, 'cancel_requested', s.status, 'kill switch: ' || p_reason,
                   greatest(v_ts, v_order.updated_ts)
              FROM trading.order_state s WHERE s.client_order_id = v_order.client_order_id;
            v_marked := v_marked + 1;
        END LOOP;
        IF kill_switch.flatten THEN
            v_flat := v_flat + risk._flatten(v_book.book_id, v_ts, 'kill_switch', 'kill switch: ' || p_reason, true);
        END IF;
    END LOOP;
    PERFORM pg_notify('predator_kill', json_build_object('reason', p_reason, 'flatten', kill_switch.flatten,
                                                         'orders_marked', v_marked, 'flatten_orders', v_flat)::text);
    RETURN QUERY SELECT v_halt, v_marked, v_flat;
END
$$;

COMMENT ON FUNCTION api.kill_switch(text, boolean) IS 'Operator: global halt, every open order marked for cancellation and, with flatten, reduce-only market exits of every position (the only orders admitted while halted); notifies predator_kill. Audited.';
