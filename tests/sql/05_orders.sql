-- 05_orders.sql — orders, fills and FIFO lots (DESIGN.md §3.4–3.6, §3.10).
--
-- The order state machine of docs/state_machine.md: every legal transition is accepted, illegal ones and
-- anything after a terminal state are refused (PD005), re-delivered events are idempotent. Fills never
-- exceed the order quantity (PD006), a sell never exceeds the open FIFO lots (PD007), nothing precedes its
-- order or the order's last event (PD013); a fill is idempotent on its venue trade id ('duplicate', recorded
-- once) and a different report under the same id is refused (PD010). Client order ids are deterministic;
-- the same signal twice gives one order and the same decision, a different signal for the same key is
-- refused (PD010), and so is a run id reused with another configuration. FIFO: sells consume the oldest
-- lots first with exact realized PnL per allocation, and a round trip is written when the position returns
-- to flat; with fees paid in the base asset too.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(100);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY(SELECT 100 + i FROM generate_series(0, 23) i)::numeric[]) AS n \gset
SELECT pg_temp.new_account('sm') AS sm \gset
SELECT api.register_strategy('sm', 's2', '{}', 'second strategy') AS r \gset

-- pg_temp.new_order(strategy, decision hour) -> client order id of an admitted buy of 0.1 BTC (status new)
CREATE FUNCTION pg_temp.new_order(p_strategy text, p_hour integer) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM pg_temp.signal('sm', 'BTC/USDT', '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour',
                                        'buy', 0.1, 50, p_strategy);
    IF v.outcome <> 'admitted' THEN
        RAISE EXCEPTION 'new_order: % (%)', v.outcome, v.reasons;
    END IF;
    RETURN v.client_order_id;
END
$$;
CREATE FUNCTION pg_temp.ev(p_coid text, p_kind text, p_minute integer, p_venue_id text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT api.record_order_event(p_coid, p_kind,
                                  (SELECT r.ts FROM trading.order_request r WHERE r.client_order_id = p_coid) + p_minute * interval '1 minute',
                                  p_venue_id)
$$;
CREATE FUNCTION pg_temp.fill(p_coid text, p_trade text, p_qty numeric, p_minute integer, p_price numeric DEFAULT 100) RETURNS text LANGUAGE sql AS $$
    SELECT api.record_fill(p_coid, p_trade, p_qty, p_price, 0.01, 'USDT', 'taker',
                           (SELECT r.ts FROM trading.order_request r WHERE r.client_order_id = p_coid) + p_minute * interval '1 minute')
$$;
CREATE FUNCTION pg_temp.status(p_coid text) RETURNS text LANGUAGE sql AS $$
    SELECT s.status || '/' || s.filled_qty || CASE WHEN s.cancel_requested THEN '/cancel_requested' ELSE '' END
      FROM trading.order_state s WHERE s.client_order_id = p_coid
$$;

-- Orders A..K, one per (strategy, decision hour).
SELECT pg_temp.new_order('s1', 1) AS a, pg_temp.new_order('s1', 2) AS b, pg_temp.new_order('s1', 3) AS c,
       pg_temp.new_order('s1', 4) AS d, pg_temp.new_order('s1', 5) AS e, pg_temp.new_order('s1', 6) AS f,
       pg_temp.new_order('s1', 7) AS g, pg_temp.new_order('s2', 1) AS h, pg_temp.new_order('s2', 2) AS i,
       pg_temp.new_order('s2', 3) AS j, pg_temp.new_order('s2', 4) AS k \gset

-- The transition table is exactly the one of docs/state_machine.md.
SELECT results_eq('SELECT status_before, status_after FROM trading.order_transition ORDER BY 1, 2',
    $$VALUES ('new'::text, 'canceled'::text), ('new', 'expired'), ('new', 'new'), ('new', 'open'), ('new', 'rejected'),
             ('open', 'canceled'), ('open', 'expired'), ('open', 'filled'), ('open', 'open'), ('open', 'partially_filled'),
             ('partially_filled', 'canceled'), ('partially_filled', 'expired'), ('partially_filled', 'filled'),
             ('partially_filled', 'partially_filled')$$,
    'trading.order_transition holds exactly the transitions of docs/state_machine.md');

-- Legal transitions --------------------------------------------------------------------------------
SELECT is(pg_temp.status(:'a'), 'new/0', 'an admitted order starts new');
-- A: new -> new (cancel requested) -> canceled
SELECT is(pg_temp.ev(:'a', 'cancel_requested', 1), 'new', 'new -> new: a cancel request keeps the status');
SELECT is(pg_temp.status(:'a'), 'new/0/cancel_requested', '... and marks the order');
SELECT is(pg_temp.ev(:'a', 'canceled', 2), 'canceled', 'new -> canceled');
-- B: new -> rejected; C: new -> expired
SELECT is(pg_temp.ev(:'b', 'rejected', 1), 'rejected', 'new -> rejected');
SELECT is(pg_temp.ev(:'c', 'expired', 1), 'expired', 'new -> expired');
-- D: new -> open -> open (cancel requested) -> partially_filled -> partially_filled -> filled
SELECT is(pg_temp.ev(:'d', 'acknowledged', 1, 'VD'), 'open', 'new -> open (acknowledged)');
SELECT is(pg_temp.ev(:'d', 'cancel_requested', 2), 'open', 'open -> open: a cancel request keeps the status');
SELECT is(pg_temp.fill(:'d', 'D1', 0.03, 3), 'recorded', 'open -> partially_filled (fill)');
SELECT is(pg_temp.fill(:'d', 'D2', 0.03, 4), 'recorded', 'partially_filled -> partially_filled (fill)');
SELECT is(pg_temp.status(:'d'), 'partially_filled/0.06/cancel_requested', 'D is partially filled, 0.06 of 0.1');
SELECT is(pg_temp.fill(:'d', 'D3', 0.04, 5), 'recorded', 'partially_filled -> filled (fill)');
SELECT is(pg_temp.status(:'d'), 'filled/0.10/cancel_requested', 'D is filled');
-- E: open -> filled in one fill; F: open -> canceled; G: open -> expired
SELECT is(pg_temp.ev(:'e', 'acknowledged', 1, 'VE'), 'open', 'E acknowledged');
SELECT is(pg_temp.fill(:'e', 'E1', 0.1, 2), 'recorded', 'open -> filled (one fill)');
SELECT is(pg_temp.status(:'e'), 'filled/0.1', 'E is filled');
SELECT is(pg_temp.ev(:'f', 'acknowledged', 1, 'VF') || '>' || pg_temp.ev(:'f', 'canceled', 2), 'open>canceled', 'open -> canceled');
SELECT is(pg_temp.ev(:'g', 'acknowledged', 1, 'VG') || '>' || pg_temp.ev(:'g', 'expired', 2), 'open>expired', 'open -> expired');
-- H: partially_filled -> partially_filled (cancel requested) -> canceled; I: partially_filled -> expired
SELECT is(pg_temp.ev(:'h', 'acknowledged', 1, 'VH') || '>' || pg_temp.fill(:'h', 'H1', 0.05, 2) || '>' || pg_temp.ev(:'h', 'cancel_requested', 3)
          || '>' || pg_temp.ev(:'h', 'canceled', 4), 'open>recorded>partially_filled>canceled',
          'partially_filled -> partially_filled (cancel requested) -> canceled');
SELECT is(pg_temp.ev(:'i', 'acknowledged', 1, 'VI') || '>' || pg_temp.fill(:'i', 'I1', 0.05, 2) || '>' || pg_temp.ev(:'i', 'expired', 3),
          'open>recorded>expired', 'partially_filled -> expired');
SELECT results_eq(format($$SELECT kind, status_before, status_after, filled_qty_after FROM trading.order_event
                             WHERE client_order_id = %L ORDER BY event_no$$, :'d'),
    $$VALUES ('created'::text, NULL::text, 'new'::text, 0::numeric), ('acknowledged', 'new', 'open', 0), ('cancel_requested', 'open', 'open', 0),
             ('fill', 'open', 'partially_filled', 0.03), ('fill', 'partially_filled', 'partially_filled', 0.06),
             ('fill', 'partially_filled', 'filled', 0.10)$$,
    'order D''s events record every status before and after');

-- Illegal transitions and terminal states ------------------------------------------------------------
SELECT throws_ok(format('SELECT pg_temp.fill(%L, %L, 0.1, 1)', :'j', 'J0'), 'PD005', NULL, 'a fill of an order not yet acknowledged is refused (PD005)');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 1, %L)', :'d', 'acknowledged', 'OTHER'), 'PD005', NULL,
                 'acknowledging a filled order again under another venue id is refused (PD005)');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 1, %L)', :'e', 'acknowledged', 'OTHER'), 'PD005', NULL,
                 'filled is terminal: no acknowledgement (PD005)');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 6)', :'d', 'canceled'), 'PD005', NULL, 'filled is terminal: no cancel (PD005)');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 6)', :'e', 'expired'), 'PD005', NULL, 'filled is terminal: no expiry (PD005)');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 3, %L)', :'a', 'acknowledged', 'VA'), 'PD005', NULL, 'canceled is terminal: no acknowledgement (PD005)');
SELECT throws_ok(format('SELECT pg_temp.fill(%L, %L, 0.01, 3)', :'f', 'F1'), 'PD005', NULL, 'canceled is terminal: no fill (PD005)');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 3)', :'b', 'canceled'), 'PD005', NULL, 'rejected is terminal: no cancel (PD005)');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 3, %L)', :'c', 'acknowledged', 'VC'), 'PD005', NULL, 'expired is terminal: no acknowledgement (PD005)');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 3)', :'f', 'rejected'), 'PD005', NULL, 'canceled is terminal: no reject (PD005)');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 3)', :'h', 'rejected'), 'PD005', NULL, 'canceled after a partial fill is terminal (PD005)');
-- k: open, then a reject (only a new order can be rejected) and a second acknowledgement under another id
SELECT is(pg_temp.ev(:'k', 'acknowledged', 1, 'VK'), 'open', 'K acknowledged');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 2)', :'k', 'rejected'), 'PD005', NULL, 'open -> rejected is refused (PD005)');
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, 2, %L)', :'k', 'acknowledged', 'VK2'), 'PD005', NULL,
                 'open -> open by a second acknowledgement under another venue id is refused (PD005)');
SELECT throws_ok(format($$INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, ts)
                          VALUES (%s, %L, 'acknowledged', 'open', 0, '2024-01-01T10:00:00Z')$$, :sm, :'e'),
                 'PD005', NULL, 'a direct insert of an event after a terminal state is refused too (PD005)');

-- Idempotent re-delivery
SELECT is(pg_temp.ev(:'a', 'canceled', 5), 'canceled', 'a re-delivered cancel returns the terminal status');
SELECT is(pg_temp.ev(:'d', 'acknowledged', 6, 'VD'), 'filled', 'a re-delivered acknowledgement of a filled order returns its status');
SELECT is(pg_temp.ev(:'b', 'cancel_requested', 6), 'rejected', 'a cancel request for a terminal order changes nothing');
SELECT is((SELECT count(*) FROM trading.order_event WHERE client_order_id IN (:'a', :'b', :'d')), 11::bigint,
          're-deliveries recorded no event (A 3, B 2 and D 6 events, as before)');

-- Unknown orders and kinds
SELECT throws_ok($$SELECT api.record_order_event('PDnosuchorder0000000000000000000', 'acknowledged', '2024-01-01T03:00:00Z')$$,
                 'PD011', NULL, 'an event for an unknown client order id is refused (PD011)');
SELECT throws_ok(format($$SELECT api.record_order_event(%L, 'teleported', '2024-01-01T09:00:00Z')$$, :'k'),
                 'PD012', NULL, 'an unknown event kind is refused (PD012)');

-- Time ---------------------------------------------------------------------------------------------------
SELECT throws_ok(format('SELECT pg_temp.ev(%L, %L, -1, %L)', :'j', 'acknowledged', 'VJ'), 'PD013', NULL,
                 'an acknowledgement before the order was created is refused (PD013)');
SELECT is(pg_temp.ev(:'j', 'acknowledged', 10, 'VJ'), 'open', 'J acknowledged at +10 minutes');
SELECT throws_ok(format('SELECT pg_temp.fill(%L, %L, 0.01, -5)', :'j', 'J1'), 'PD013', NULL, 'a fill before its order is refused (PD013)');
SELECT throws_ok(format('SELECT pg_temp.fill(%L, %L, 0.01, 5)', :'j', 'J1'), 'PD013', NULL,
                 'a fill before the order''s acknowledgement is refused (PD013)');

-- Overfill
SELECT is(pg_temp.fill(:'j', 'J2', 0.06, 11), 'recorded', 'J partially filled 0.06 of 0.1');
SELECT throws_ok(format('SELECT pg_temp.fill(%L, %L, 0.06, 12)', :'j', 'J3'), 'PD006', NULL,
                 'a fill beyond the order quantity is refused (PD006)');
SELECT is(pg_temp.status(:'j'), 'partially_filled/0.06', 'the overfill left J as it was');

-- Duplicate and conflicting fills
SELECT is(pg_temp.fill(:'j', 'J2', 0.06, 11), 'duplicate', 'the same fill again is a duplicate');
SELECT is((SELECT count(*) FROM trading.fill WHERE venue_trade_id = 'J2'), 1::bigint, '... recorded once');
SELECT is(pg_temp.status(:'j'), 'partially_filled/0.06', '... without filling the order twice');
SELECT is((SELECT count(*) FROM ledger.transaction WHERE book_id = :sm AND ref = 'J2' AND kind = 'fill'), 1::bigint, '... or posting it twice');
SELECT throws_ok(format('SELECT pg_temp.fill(%L, %L, 0.04, 11)', :'j', 'J2'), 'PD010', NULL,
                 'another quantity under the same trade id is refused (PD010)');
SELECT throws_ok(format('SELECT pg_temp.fill(%L, %L, 0.06, 11, 101)', :'j', 'J2'), 'PD010', NULL,
                 'another price under the same trade id is refused (PD010)');
SELECT throws_ok(format($$INSERT INTO trading.fill (book_id, client_order_id, symbol, side, venue_trade_id, quantity, price, fee,
                                                    fee_currency, liquidity, ts)
                          VALUES (%s, %L, 'BTC/USDT', 'buy', 'J2', 0.01, 100, 0, 'USDT', 'taker', '2024-01-01T03:30:00Z')$$, :sm, :'j'),
                 '23505', NULL, 'a second fill inserted directly under the same venue trade id violates fill_is_unique_per_venue_trade (23505)');

-- Fills that do not fit their order
SELECT outcome AS lim_outcome, client_order_id AS lim FROM api.submit_signal('sm', 's2', 'BTC/USDT', '2024-01-01T05:00:00Z', 'buy', 0.5, 50,
                                                                             '2024-01-01T06:00:00Z', 0.1, 'limit', 99) \gset
SELECT is(pg_temp.ev(:'lim', 'acknowledged', 1, 'VL'), 'open', 'a limit buy at 99 is admitted and acknowledged');
SELECT throws_ok(format('SELECT pg_temp.fill(%L, %L, 0.1, 2, 100)', :'lim', 'L1'), 'PD012', NULL, 'a fill at 100 through a buy limit of 99 is refused (PD012)');
SELECT throws_ok(format($$SELECT api.record_fill(%L, 'L2', 0.1, 99, 0.01, 'NOTACOIN', 'taker', '2024-01-01T05:02:00Z')$$, :'lim'), 'PD012', NULL,
                 'a fee in a currency market.asset does not know is refused (PD012; third-currency fees: 15_venue_adapters)');
SELECT throws_ok(format($$SELECT api.record_fill(%L, 'L3', 0, 99, 0.01, 'USDT', 'taker', '2024-01-01T05:02:00Z')$$, :'lim'), 'PD012', NULL,
                 'a fill of no quantity is refused (PD012)');
SELECT is(pg_temp.fill(:'lim', 'L4', 0.1, 2, 98.5), 'recorded', 'a fill at 98.5, within the limit, is recorded');

-- Deterministic client order ids and idempotent signals -------------------------------------------------
SELECT is(trading.client_order_id('sm', 's1', 'BTC/USDT', '2024-01-01T01:00:00Z', 'buy'), :'a',
          'the client order id is a function of the decision (account, strategy, symbol, time, direction)');
SELECT is(trading.client_order_id('sm', 's1', 'BTC/USDT', '2024-01-01T01:00:00Z', 'buy'),
          'PD' || left(encode(sha256(convert_to('sm|s1|BTC/USDT|1704070800|buy', 'UTF8')), 'hex'), 30),
          'client order id = PD || 30 hex digits of sha256(account|strategy|symbol|unix seconds|direction)');
SELECT isnt(trading.client_order_id('sm', 's1', 'BTC/USDT', '2024-01-01T01:00:00Z', 'sell'), :'a', 'another direction gives another id');
SELECT is(length(:'a'), 32, 'client order ids have 32 characters');
SELECT results_eq(format($$SELECT outcome, client_order_id FROM pg_temp.signal('sm', 'BTC/USDT', '2024-01-01T01:00:00Z', 'buy', 0.1)$$),
                  format($$VALUES ('admitted'::text, %L::text)$$, :'a'),
                  'the same signal again returns the first decision and the same client order id');
SELECT is((SELECT count(*) FROM trading.order_request WHERE book_id = :sm AND strategy = 's1' AND ts = '2024-01-01T01:00:00Z'), 1::bigint,
          '... and creates no second order');
SELECT is((SELECT count(*)::text || '/' || (SELECT count(*) FROM risk.decision d WHERE d.book_id = :sm AND d.ts = '2024-01-01T01:00:00Z' AND d.strategy = 's1')
             FROM trading.signal s WHERE s.book_id = :sm AND s.ts = '2024-01-01T01:00:00Z' AND s.strategy = 's1'), '1/1',
          '... nor a second signal or decision');
SELECT throws_ok($$SELECT * FROM pg_temp.signal('sm', 'BTC/USDT', '2024-01-01T01:00:00Z', 'buy', 0.2)$$, 'PD010', NULL,
                 'a different signal for the same (strategy, symbol, time) is refused (PD010)');
SELECT throws_ok($$SELECT * FROM pg_temp.signal('sm', 'BTC/USDT', '2024-01-01T01:00:00Z', 'hold')$$, 'PD010', NULL,
                 'a different direction for the same (strategy, symbol, time) is refused (PD010)');
SELECT is(api.register_run('run-sm', 'sm', 'paper', '{"seed": 7}', 'abc') || '/' || api.register_run('run-sm', 'sm', 'paper', '{"seed": 7}', 'abc'),
          'run-sm/run-sm', 'a run registered twice with the same configuration is one run');
SELECT throws_ok($$SELECT api.register_run('run-sm', 'sm', 'paper', '{"seed": 8}', 'abc')$$, 'PD010', NULL,
                 'a run id reused with another configuration is refused (PD010)');

-- PD007: a sell beyond the open FIFO lots ----------------------------------------------------------------
-- The book holds 0.46 BTC in lots (D 0.1, E 0.1, H 0.05, I 0.05, J 0.06, L 0.1) plus 5 BTC deposited, which
-- opens no lot. A sell inserted past the admission gate (as the kill switch would) for 1 BTC is covered by
-- the cash balance but not by the lots.
SELECT api.deposit('sm', 5, '2024-01-01T08:00:00Z', 'BTC without lots', 'BTC') AS dep \gset
INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type, quantity,
                                   decision_price, reduce_only, origin, ts, expiry)
VALUES (:sm, 'PDkillswitchsell0000000000000001', NULL, NULL, 'BTC/USDT', 'sell', 'market', 1, 108, true, 'kill_switch',
        '2024-01-01T09:00:00Z', '2024-01-02T09:00:00Z');
INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, ts)
VALUES (:sm, 'PDkillswitchsell0000000000000001', 'created', 'new', 0, '2024-01-01T09:00:00Z');
SELECT is(pg_temp.ev('PDkillswitchsell0000000000000001', 'acknowledged', 1, 'VKS'), 'open', 'the direct sell is acknowledged');
SELECT is((SELECT sum(remaining) FROM trading.lot WHERE book_id = :sm), 0.46::numeric, 'the open lots hold 0.46 BTC');
SELECT throws_ok($$SELECT api.record_fill('PDkillswitchsell0000000000000001', 'KS1', 1, 108, 0, 'USDT', 'taker', '2024-01-01T09:02:00Z')$$,
                 'PD007', NULL, 'a sell of 1 BTC with 0.46 BTC in lots is refused (PD007)');
SELECT is((SELECT sum(remaining) FROM trading.lot WHERE book_id = :sm), 0.46::numeric, 'the refused sell consumed no lot');

-- FIFO lots, realized PnL and the round trip ------------------------------------------------------------
SELECT pg_temp.new_account('fifo') AS fifo \gset
SELECT pg_temp.trade('fifo', 'BTC/USDT', '2024-01-01T01:00:00Z', 'buy', 1, 100, 0.1, 'F1') AS t1,
       pg_temp.trade('fifo', 'BTC/USDT', '2024-01-01T02:00:00Z', 'buy', 2, 110, 0.4, 'F2') AS t2,
       pg_temp.trade('fifo', 'BTC/USDT', '2024-01-01T03:00:00Z', 'buy', 1, 120, 0.2, 'F3') AS t3 \gset
SELECT results_eq(format('SELECT lot_no, quantity, price, fee_quote, remaining FROM trading.lot WHERE book_id = %s ORDER BY lot_no', :fifo),
                  $$VALUES (1, 1::numeric, 100::numeric, 0.1::numeric, 1::numeric), (2, 2, 110, 0.4, 2), (3, 1, 120, 0.2, 1)$$,
                  'each buy opens a lot');
SELECT is((SELECT ARRAY[quantity, cost_basis] FROM trading.position WHERE book_id = :fifo), ARRAY[4, 440.7], 'position 4 BTC at cost 440.7 (fees included)');
SELECT pg_temp.trade('fifo', 'BTC/USDT', '2024-01-01T04:00:00Z', 'sell', 2.5, 130, 0.5, 'F4') AS t4 \gset
SELECT results_eq(format('SELECT lot_no, quantity, entry_price, exit_price, entry_fee, exit_fee, realized_pnl FROM trading.lot_allocation WHERE book_id = %s ORDER BY seq', :fifo),
                  $$VALUES (1, 1::numeric, 100::numeric, 130::numeric, 0.1::numeric, 0.2::numeric, 29.7::numeric),
                           (2, 1.5, 110, 130, 0.3, 0.3, 29.4)$$,
                  'the sell of 2.5 consumes lot 1 whole, then 1.5 of lot 2; fee shares and realized PnL are exact');
SELECT results_eq(format('SELECT lot_no, remaining FROM trading.lot WHERE book_id = %s ORDER BY lot_no', :fifo),
                  $$VALUES (1, 0::numeric), (2, 0.5::numeric), (3, 1::numeric)$$, 'oldest lots first: 0, 0.5 and 1 BTC remain');
SELECT is((SELECT ARRAY[quantity, cost_basis] FROM trading.position WHERE book_id = :fifo), ARRAY[1.5, 175.3], 'position 1.5 BTC at cost 175.3 (440.7 less the cost of the lots sold)');
SELECT is((SELECT count(*) FROM trading.round_trip WHERE book_id = :fifo), 0::bigint, 'no round trip while the position is open');
SELECT pg_temp.trade('fifo', 'BTC/USDT', '2024-01-01T05:00:00Z', 'sell', 1.5, 90, 0.3, 'F5') AS t5 \gset
SELECT results_eq(format('SELECT lot_no, quantity, entry_fee, exit_fee, realized_pnl FROM trading.lot_allocation WHERE book_id = %s AND venue_trade_id = %L ORDER BY seq', :fifo, 'F5'),
                  $$VALUES (2, 0.5::numeric, 0.1::numeric, 0.1::numeric, -10.2::numeric), (3, 1, 0.2, 0.2, -30.4)$$,
                  'the sell of 1.5 at a loss takes the rest of lot 2, then lot 3; lot fees are used up exactly');
SELECT is((SELECT sum(entry_fee) FROM trading.lot_allocation WHERE book_id = :fifo AND lot_no = 2), 0.4::numeric, 'lot 2''s fee is allocated exactly once');
SELECT is((SELECT sum(exit_fee) FROM trading.lot_allocation WHERE book_id = :fifo AND venue_trade_id = 'F4'), 0.5::numeric, 'F4''s fee is allocated exactly once');
SELECT is((SELECT sum(remaining) FROM trading.lot WHERE book_id = :fifo), 0::numeric, 'every lot is consumed');
SELECT is((SELECT quantity FROM trading.position WHERE book_id = :fifo), 0::numeric, 'the position is flat');
SELECT results_eq(format('SELECT trip_no, entry_ts, exit_ts, quantity, entry_avg_price, exit_avg_price, fees, gross_pnl, net_pnl FROM trading.round_trip WHERE book_id = %s', :fifo),
                  $$VALUES (1, '2024-01-01T01:01:00Z'::timestamptz, '2024-01-01T05:01:00Z'::timestamptz, 4::numeric, 110::numeric, 115::numeric,
                            1.5::numeric, 20::numeric, 18.5::numeric)$$,
                  'back to flat: one round trip, 4 BTC bought at 110 on average and sold at 115, fees 1.5, net 18.5');
SELECT is((SELECT net_return FROM trading.round_trip WHERE book_id = :fifo), 18.5 / 440.7, 'net return = net PnL / (buy notional + buy fees)');
SELECT is((SELECT sum(realized_pnl) FROM trading.lot_allocation WHERE book_id = :fifo),
          (SELECT net_pnl FROM trading.round_trip WHERE book_id = :fifo), 'the allocations'' realized PnL adds up to the round trip''s net PnL');
SELECT is((SELECT balance FROM ledger.balance WHERE book_id = :fifo AND account_code = 'trading' AND currency = 'USDT'), 10018.5::numeric,
          'the cash gained exactly the net PnL');
-- Fees paid in the base asset: a buy's fee shrinks its lot, a sell's fee consumes lots too; realized PnL
-- still adds up to the round trip's net PnL and to the change in cash.
SELECT pg_temp.new_account('basefee') AS basefee \gset
CREATE FUNCTION pg_temp.base_fee_trade(p_hour integer, p_direction text, p_qty numeric, p_price numeric, p_fee numeric, p_fee_ccy text, p_trade text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM pg_temp.signal('basefee', 'BTC/USDT', '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour', p_direction, p_qty);
    PERFORM api.record_order_event(v.client_order_id, 'acknowledged', '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour', 'V' || p_trade);
    RETURN api.record_fill(v.client_order_id, p_trade, p_qty, p_price, p_fee, p_fee_ccy, 'taker',
                           '2024-01-01T00:01:00Z'::timestamptz + p_hour * interval '1 hour');
END
$$;
SELECT pg_temp.base_fee_trade(1, 'buy', 2, 100, 0.002, 'BTC', 'B1') AS b1 \gset
SELECT is((SELECT ARRAY[quantity, price, fee_quote, remaining] FROM trading.lot WHERE book_id = :basefee), ARRAY[1.998, 100, 0.2, 1.998],
          'a buy of 2 BTC with a 0.002 BTC fee opens a lot of 1.998 BTC whose fee is worth 0.2 USDT');
SELECT is((SELECT ARRAY[quantity, cost_basis] FROM trading.position WHERE book_id = :basefee), ARRAY[1.998, 200],
          'the position holds 1.998 BTC at a cost of 200 USDT');
SELECT pg_temp.base_fee_trade(2, 'sell', 1, 110, 0.001, 'BTC', 'B2') AS b2, pg_temp.base_fee_trade(3, 'exit', 0.997, 90, 0.0897, 'USDT', 'B3') AS b3 \gset
SELECT results_eq(format('SELECT venue_trade_id, quantity, exit_fee FROM trading.lot_allocation WHERE book_id = %s ORDER BY seq', :basefee),
                  $$VALUES ('B2'::text, 1.001::numeric, 0.110::numeric), ('B3', 0.997, 0.0897)$$,
                  'a sell of 1 BTC with a 0.001 BTC fee consumes 1.001 BTC of lots; the exit then takes the remaining 0.997');
SELECT is((SELECT sum(entry_fee) FROM trading.lot_allocation WHERE book_id = :basefee), 0.2::numeric, 'the lot''s fee is allocated exactly once');
SELECT is((SELECT sum(realized_pnl) FROM trading.lot_allocation WHERE book_id = :basefee), -0.3597::numeric,
          'realized PnL: 1.001 * 10 + 0.997 * -10 - 0.2 - 0.11 - 0.0897 = -0.3597');
SELECT results_eq(format('SELECT quantity, entry_avg_price, gross_pnl, fees, net_pnl FROM trading.round_trip WHERE book_id = %s', :basefee),
                  $$VALUES (1.998::numeric, 100::numeric, 0.04::numeric, 0.3997::numeric, -0.3597::numeric)$$,
                  'the round trip counts what its lots held: 1.998 BTC, gross 0.04, fees 0.3997, net -0.3597');
SELECT is((SELECT ARRAY[(SELECT balance FROM ledger.balance WHERE book_id = :basefee AND account_code = 'trading' AND currency = 'USDT'),
                        (SELECT balance FROM ledger.balance WHERE book_id = :basefee AND account_code = 'trading' AND currency = 'BTC'),
                        (SELECT balance FROM ledger.balance WHERE book_id = :basefee AND account_code = 'fees' AND currency = 'BTC')]),
          ARRAY[9999.6403, 0, 0.003]::numeric[], 'cash fell by exactly the net PnL, no BTC is left, 0.003 BTC went to fees');

SELECT is_empty('SELECT * FROM api.verify_chains()', 'every chain verifies');

SELECT * FROM finish();
ROLLBACK;
