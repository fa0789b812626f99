-- 34_void_sell.sql — voiding a ghost sell (issue 14; docs/live.md "Corrections"): a sell the venue never made,
-- the symbol's newest fill, voided with api.void_fill leaves the book equal to a twin that never recorded it
-- (position and trip, lots, balances, realized PnL, fees, the next hour), its round trip taken back and the next
-- reconciliation against the venue's balances clean; a sell with a later fill and a second void are refused
-- (PD016); a lot's remaining rises only through such a void (a plain UPDATE raising it: PD001).
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(23);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[24])::numeric[]) AS bars \gset
CREATE FUNCTION pg_temp.at(p_hour integer, p_min integer DEFAULT 0) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' + p_min * interval '1 minute' $$;
CREATE FUNCTION pg_temp.book(p_account text) RETURNS integer LANGUAGE sql AS $$
    SELECT a.book_id FROM trading.account a WHERE a.name = p_account $$;
CREATE FUNCTION pg_temp.last_incident(p_account text) RETURNS text LANGUAGE sql AS $$
    SELECT format('INC-%s-%s', i.book_id, max(i.seq)) FROM ops.incident i JOIN trading.account a USING (book_id)
     WHERE a.name = p_account GROUP BY i.book_id $$;
-- What a book holds, for comparing the corrected book with its twin.
CREATE FUNCTION pg_temp.position(p_account text)
RETURNS TABLE (symbol text, quantity numeric, cost_basis numeric, trip_no integer, trip_opened_at timestamptz,
               trip_buy_qty numeric, trip_buy_notional numeric, trip_buy_fees numeric, trip_sell_qty numeric,
               trip_sell_notional numeric, trip_fees numeric)
LANGUAGE sql AS $$
    SELECT p.symbol, p.quantity, p.cost_basis, p.trip_no, p.trip_opened_at, p.trip_buy_qty, p.trip_buy_notional,
           p.trip_buy_fees, p.trip_sell_qty, p.trip_sell_notional, p.trip_fees
      FROM trading.position p WHERE p.book_id = pg_temp.book(p_account) ORDER BY p.symbol $$;
CREATE FUNCTION pg_temp.lots(p_account text) RETURNS TABLE (lot_no integer, quantity numeric, remaining numeric)
LANGUAGE sql AS $$
    SELECT l.lot_no, l.quantity, l.remaining FROM trading.lot l WHERE l.book_id = pg_temp.book(p_account) ORDER BY l.lot_no $$;
CREATE FUNCTION pg_temp.balances(p_account text) RETURNS TABLE (account_code text, currency text, balance numeric)
LANGUAGE sql AS $$
    SELECT b.account_code, b.currency, b.balance FROM ledger.balance b
     WHERE b.book_id = pg_temp.book(p_account) AND b.balance <> 0 ORDER BY 1, 2 $$;
CREATE FUNCTION pg_temp.hour_figures(p_account text, p_hour timestamptz)
RETURNS TABLE (cash numeric, positions_value numeric, equity numeric, realized_pnl numeric, fees numeric)
LANGUAGE sql AS $$
    SELECT h.cash, h.positions_value, h.equity, h.realized_pnl, h.fees FROM api.hourly_states h
     WHERE h.account = p_account AND h.hour = p_hour $$;

-- vs: two buys, then a ghost sell at 110 of all 15 BTC (it closes the round trip); vt: its twin without the sell;
-- vp: a sell followed by a later buy.
SELECT pg_temp.new_account('vs', 10000) AS b_vs \gset
SELECT pg_temp.new_account('vt', 10000) AS b_vt \gset
SELECT pg_temp.new_account('vp', 10000) AS b_vp \gset
SELECT pg_temp.trade('vs', 'BTC/USDT', pg_temp.at(1), 'buy', 10, 100, 1, 'vs-b1') AS x \gset
SELECT pg_temp.trade('vs', 'BTC/USDT', pg_temp.at(2), 'buy', 5, 100, 0.5, 'vs-b2') AS x \gset
SELECT pg_temp.trade('vt', 'BTC/USDT', pg_temp.at(1), 'buy', 10, 100, 1, 'vt-b1') AS x \gset
SELECT pg_temp.trade('vt', 'BTC/USDT', pg_temp.at(2), 'buy', 5, 100, 0.5, 'vt-b2') AS x \gset
SELECT count(*) AS x FROM unnest(ARRAY['vs', 'vt']) a, api.close_hour(a, pg_temp.at(3)) h \gset
SELECT pg_temp.trade('vs', 'BTC/USDT', pg_temp.at(3), 'sell', 15, 110, 1.65, 'vs-ghost') AS o1 \gset
SELECT pg_temp.trade('vp', 'BTC/USDT', pg_temp.at(1), 'buy', 10, 100, 1, 'vp-b1') AS o2 \gset
SELECT pg_temp.trade('vp', 'BTC/USDT', pg_temp.at(2), 'sell', 4, 100, 0.4, 'vp-s1') AS o3 \gset
SELECT pg_temp.trade('vp', 'BTC/USDT', pg_temp.at(3), 'buy', 2, 100, 0.2, 'vp-b2') AS o4 \gset
SELECT pg_temp.new_account('vr', 10000) AS b_vr \gset
SELECT pg_temp.trade('vr', 'BTC/USDT', pg_temp.at(1), 'buy', 1, 100, 0.1, 'vr-b1') AS o5 \gset
SELECT pg_temp.trade('vr', 'BTC/USDT', pg_temp.at(2), 'sell', 1, 100, 0.1, 'vr-s1') AS o6 \gset
SELECT count(*) AS x FROM unnest(ARRAY['vs', 'vt', 'vp']) a, api.close_hour(a, pg_temp.at(4)) h \gset
SELECT throws_ok(format($$INSERT INTO trading.round_trip (book_id, seq, symbol, trip_no, entry_ts, exit_ts, quantity, entry_avg_price,
                                                        exit_avg_price, fees, gross_pnl, net_pnl, net_return, prev_hash, row_hash)
                          SELECT book_id, seq + 1, symbol, trip_no, entry_ts, exit_ts + interval '1 hour', quantity, entry_avg_price,
                                 exit_avg_price, fees, gross_pnl, net_pnl, net_return, prev_hash, row_hash
                            FROM trading.round_trip WHERE book_id = %s$$, :b_vr),
                 'PD001', NULL, 'a second round trip of a trip number whose round trip no void took back: PD001');
SELECT is((SELECT count(*) FROM trading.round_trip r WHERE r.book_id = :b_vs), 1::bigint, 'the ghost sell closed a round trip');

-- A lot's remaining rises only through a void: a plain UPDATE is refused (lot 1 was consumed by the ghost sell).
SELECT throws_ok(format('UPDATE trading.lot SET remaining = remaining + 1 WHERE book_id = %s AND lot_no = 1', :b_vs),
                 'PD001', NULL, 'a plain UPDATE raising a lot''s remaining: PD001');
SELECT throws_ok(format('UPDATE trading.lot SET remaining = quantity WHERE book_id = %s AND lot_no = 1', :b_vs),
                 'PD001', NULL, 'a plain UPDATE giving a consumed lot all its quantity back: PD001');

-- The reconciliations find the ghost: the venue holds the twin's balances.
SELECT is((SELECT clean FROM api.reconcile('vs', pg_temp.at(4, 5),
                                           (SELECT jsonb_object_agg(b.currency, b.balance::text) FROM pg_temp.balances('vt') b
                                             WHERE b.account_code = 'trading'), '{}')), false, 'vs: the ghost sell is found');
SELECT pg_temp.last_incident('vs') AS inc_s \gset
SELECT is((SELECT clean FROM api.reconcile('vp', pg_temp.at(4, 5), '{"USDT": "1"}', '{}')), false, 'vp: a difference');
SELECT pg_temp.last_incident('vp') AS inc_p \gset

SELECT throws_ok(format($$SELECT api.void_fill('vp', 'BTC/USDT', 'vp-s1', %L, 'pgtap', %L)$$, pg_temp.at(4, 10), :'inc_p'),
                 'PD016', NULL, 'a sell with a later fill of its symbol: PD016');
SELECT throws_ok(format($$SELECT api.void_fill('vs', 'BTC/USDT', 'vs-ghost', %L, 'pgtap', %L)$$, pg_temp.at(3, 30), :'inc_s'),
                 'PD013', NULL, 'a sell''s void not after the last closed hour: PD013');
SELECT throws_ok(format($$SELECT api.void_fill('vs', 'BTC/USDT', 'vs-b1', %L, 'pgtap', %L)$$, pg_temp.at(4, 10), :'inc_s'),
                 'PD016', NULL, 'a buy whose lot the ghost sell consumed: PD016');

SELECT ok(api.void_fill('vs', 'BTC/USDT', 'vs-ghost', pg_temp.at(4, 10), 'pgtap: the venue has no such trade', :'inc_s') > 0,
          'the ghost sell is voided');
SELECT throws_ok(format($$SELECT api.void_fill('vs', 'BTC/USDT', 'vs-ghost', %L, 'pgtap', %L)$$, pg_temp.at(4, 15), :'inc_s'),
                 'PD016', NULL, 'a sell voided twice: PD016');

SELECT results_eq($$SELECT * FROM pg_temp.position('vs')$$, $$SELECT * FROM pg_temp.position('vt')$$,
                  'the position and its open trip are the twin''s (quantity, cost basis, trip number and accumulators)');
SELECT results_eq($$SELECT * FROM pg_temp.lots('vs')$$, $$SELECT * FROM pg_temp.lots('vt')$$,
                  'the lots the sell consumed have their remaining back');
SELECT results_eq($$SELECT * FROM pg_temp.balances('vs')$$, $$SELECT * FROM pg_temp.balances('vt')$$,
                  'every balance is the twin''s: trading, fees, realized PnL, fee expense, treasury, reserve');
SELECT results_eq($$SELECT symbol, lot_no, quantity, incident, round_trip_seq IS NOT NULL FROM api.fill_voids WHERE account = 'vs'$$,
                  format($$VALUES ('BTC/USDT'::text, NULL::integer, 15::numeric, %L::text, true)$$, :'inc_s'),
                  'the void of a sell names no lot, the base it gave back and the round trip it took back');
SELECT is((SELECT count(*) FROM api.round_trips WHERE account = 'vs'), 0::bigint, 'api.round_trips leaves the voided round trip out');
SELECT is((SELECT count(*) FROM trading.round_trip r WHERE r.book_id = :b_vs), 1::bigint, 'the round trip row stays (append-only)');
SELECT results_eq($$SELECT t.kind, p.account_code, p.currency, sum(p.amount) FROM ledger.transaction t
                     JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq
                    WHERE t.book_id = $$ || :b_vs || $$ AND t.ref = 'vs-ghost' AND p.account_code IN ('realized_pnl', 'fee_expense')
                    GROUP BY 1, 2, 3 ORDER BY 1, 2$$,
                  $$VALUES ('realized'::text, 'fee_expense'::text, 'USDT'::text, 1.65::numeric), ('realized', 'realized_pnl', 'USDT', -150),
                           ('void', 'fee_expense', 'USDT', -1.65), ('void', 'realized_pnl', 'USDT', 150)$$,
                  'the void reverses the sell''s realized memo (gross 150, fee 1.65)');
SELECT throws_ok(format('UPDATE trading.lot SET remaining = remaining + 1 WHERE book_id = %s AND lot_no = 2', :b_vs),
                 'PD001', NULL, 'after the void too, a plain UPDATE raising remaining: PD001');

SELECT is((SELECT clean FROM api.reconcile('vs', pg_temp.at(4, 20),
                                           (SELECT jsonb_object_agg(b.currency, b.balance::text) FROM pg_temp.balances('vt') b
                                             WHERE b.account_code = 'trading'), '{}')), true,
          'the next reconciliation of vs against the venue (the twin''s balances) is clean');
SELECT count(*) AS x FROM unnest(ARRAY['vs', 'vt']) a, api.close_hour(a, pg_temp.at(5)) h \gset
SELECT results_eq($$SELECT * FROM pg_temp.hour_figures('vs', pg_temp.at(5))$$, $$SELECT * FROM pg_temp.hour_figures('vt', pg_temp.at(5))$$,
                  'the next hour: cash, positions, equity, cumulative realized PnL and fees are the twin''s');
SELECT is((SELECT realized_pnl FROM pg_temp.hour_figures('vs', pg_temp.at(4))), 146.85::numeric,
          'the hour before the void counted the ghost''s realized PnL (150 less the fee shares 1.5 + 1.65)');
SELECT is((SELECT count(*) FROM trading.position p WHERE p.book_id = :b_vs AND p.quantity = 15), 1::bigint,
          'the position holds the 15 BTC the venue holds');

SELECT * FROM finish();
ROLLBACK;
