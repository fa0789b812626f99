-- 29_correction.sql — governed book corrections (issue 14, seed 001 D2; docs/live.md "Corrections"): a withdrawal
-- seen on the venue posted to the journal (api.post_venue_transfer) and a fill the venue never made voided
-- (api.void_fill), each making the next reconciliation clean; every refusal of both routines by SQLSTATE.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(45);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[24])::numeric[]) AS bars \gset
CREATE FUNCTION pg_temp.at(p_hour integer, p_min integer DEFAULT 0) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' + p_min * interval '1 minute' $$;
CREATE FUNCTION pg_temp.bal(p_account text, p_code text, p_ccy text) RETURNS numeric LANGUAGE sql AS $$
    SELECT coalesce(sum(b.balance), 0) FROM ledger.balance b JOIN trading.account a USING (book_id)
     WHERE a.name = p_account AND b.account_code = p_code AND b.currency = p_ccy $$;
CREATE FUNCTION pg_temp.last_incident(p_account text) RETURNS text LANGUAGE sql AS $$
    SELECT format('INC-%s-%s', i.book_id, max(i.seq)) FROM ops.incident i JOIN trading.account a USING (book_id)
     WHERE a.name = p_account GROUP BY i.book_id $$;

-- Set-up while nothing is halted: the trades (a dirty reconciliation halts globally).
SELECT pg_temp.new_account('cw', 10000) AS bw \gset
SELECT pg_temp.new_account('cv', 10000) AS bv \gset
SELECT pg_temp.new_account('cs', 10000) AS bs \gset
SELECT pg_temp.trade('cv', 'BTC/USDT', pg_temp.at(1), 'buy', 10, 100, 1, 'cv-b1') AS o1 \gset
SELECT is((SELECT count(*) FROM api.close_hour('cv', pg_temp.at(2))), 1::bigint, 'cv: hour 2 closes');
SELECT pg_temp.trade('cv', 'BTC/USDT', pg_temp.at(2), 'buy', 5, 100, 0.5, 'cv-ghost') AS o2 \gset
SELECT is((SELECT count(*) FROM api.close_hour('cv', pg_temp.at(3))), 1::bigint, 'cv: hour 3 closes (it counts the ghost fill)');
SELECT pg_temp.trade('cs', 'BTC/USDT', pg_temp.at(1), 'buy', 10, 100, 1, 'cs-b1') AS o3 \gset
SELECT pg_temp.trade('cs', 'BTC/USDT', pg_temp.at(2), 'sell', 4, 100, 0.4, 'cs-s1') AS o4 \gset
SELECT is((SELECT count(*) FROM api.close_hour('cw', pg_temp.at(1))), 1::bigint, 'cw: hour 1 closes');

-- Preconditions: a book that is not halted, then one whose reconciliation is clean.
SELECT is((SELECT clean FROM api.reconcile('cw', pg_temp.at(1, 10), '{"USDT": "10000"}', '{}')), true, 'cw: reconciliation clean');
SELECT api.open_incident(2, 'execution', 'pgtap', 'a difference to correct', 'pgtap', 'cw') AS inc_w0 \gset
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, %L, 'pgtap', %L)$$, pg_temp.at(1, 20), :'inc_w0'),
                 'PD016', NULL, 'a book that is not halted: PD016');
SELECT api.halt('pgtap: correct cw', 'account', 'cw') AS h1 \gset
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, %L, 'pgtap', %L)$$, pg_temp.at(1, 20), :'inc_w0'),
                 'PD016', NULL, 'a halted book whose latest reconciliation is clean: PD016');

-- A withdrawal seen on the venue: relayed (global halt, incident), then the reconciliation sees it.
SELECT is(api.record_venue_transfer('cw', 'withdrawal', 'USDT', 250, 'w-1', pg_temp.at(1, 30)), 'recorded', 'the worker relays the withdrawal');
SELECT is((SELECT clean FROM api.reconcile('cw', pg_temp.at(1, 40), '{"USDT": "9750"}', '{}')), false, 'the reconciliation finds 250 USDT apart');
SELECT pg_temp.last_incident('cw') AS inc_w \gset
SELECT api.open_incident(3, 'execution', 'pgtap', 'resolved before', 'pgtap', 'cw') AS inc_res \gset
SELECT api.update_incident(:'inc_res', 'resolved', 'pgtap') AS x \gset

SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 'NaN', %L, 'pgtap', %L)$$, pg_temp.at(1, 50), :'inc_w'),
                 'PD012', NULL, 'a NaN amount: PD012');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 'Infinity', %L, 'pgtap', %L)$$, pg_temp.at(1, 50), :'inc_w'),
                 'PD012', NULL, 'an infinite amount: PD012');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, '2999-01-01T00:00:00Z', 'pgtap', %L)$$, :'inc_w'),
                 'PD015', NULL, 'a business time in the future: PD015');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('nobody', 'withdrawal', 'USDT', 250, %L, 'pgtap', %L)$$, pg_temp.at(1, 50), :'inc_w'),
                 'PD011', NULL, 'an unknown account: PD011');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 0, %L, 'pgtap', %L)$$, pg_temp.at(1, 50), :'inc_w'),
                 'PD012', NULL, 'an amount that is not positive: PD012');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'gift', 'USDT', 250, %L, 'pgtap', %L)$$, pg_temp.at(1, 50), :'inc_w'),
                 'PD012', NULL, 'an unknown kind: PD012');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, %L, ' ', %L)$$, pg_temp.at(1, 50), :'inc_w'),
                 'PD012', NULL, 'no reason: PD012');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'XYZ', 250, %L, 'pgtap', %L)$$, pg_temp.at(1, 50), :'inc_w'),
                 'PD011', NULL, 'an unknown currency: PD011');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, %L, 'pgtap', %L)$$, pg_temp.at(1), :'inc_w'),
                 'PD013', NULL, 'a time not after the last closed hour: PD013');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, %L, 'pgtap', 'incident 7')$$, pg_temp.at(1, 50)),
                 'PD012', NULL, 'a malformed incident reference: PD012');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, %L, 'pgtap', 'INC-%s-1')$$, pg_temp.at(1, 50), :bv),
                 'PD011', NULL, 'another book''s incident: PD011');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, %L, 'pgtap', %L)$$, pg_temp.at(1, 50), :'inc_res'),
                 'PD016', NULL, 'a resolved incident: PD016');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, %L, 'pgtap', %L, 'w-9')$$, pg_temp.at(1, 50), :'inc_w'),
                 'PD011', NULL, 'an unknown relayed transfer: PD011');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 200, %L, 'pgtap', %L, 'w-1')$$, pg_temp.at(1, 50), :'inc_w'),
                 'PD012', NULL, 'an amount that differs from the relayed transfer: PD012');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 20000, %L, 'pgtap', %L)$$, pg_temp.at(1, 50), :'inc_w'),
                 'PD003', NULL, 'a withdrawal beyond the trading balance: PD003');

SELECT ok(api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, pg_temp.at(1, 50), 'pgtap: the venue statement shows it', :'inc_w', 'w-1') > 0,
          'the withdrawal is posted');
SELECT throws_ok(format($$SELECT api.post_venue_transfer('cw', 'withdrawal', 'USDT', 250, %L, 'pgtap', %L, 'w-1')$$, pg_temp.at(1, 55), :'inc_w'),
                 'PD016', NULL, 'a relayed transfer posted again: PD016');
SELECT is(pg_temp.bal('cw', 'trading', 'USDT'), 9750::numeric, 'the trading balance is the venue''s');
SELECT is(-pg_temp.bal('cw', 'principal', 'USDT'), 9750::numeric, 'the principal memo is reduced by the withdrawal');
SELECT results_eq($$SELECT t.kind, t.amount, t.venue_ref, t.incident, v.posted FROM api.transfer_postings t
                     JOIN api.venue_transfers v USING (account, venue_ref) WHERE t.account = 'cw'$$,
                  format($$VALUES ('withdrawal'::text, 250::numeric, 'w-1'::text, %L::text, true)$$, :'inc_w'),
                  'the posting names the relayed transfer and the incident');
SELECT is((SELECT action FROM api.audit_log WHERE action = 'post_venue_transfer' ORDER BY seq DESC LIMIT 1), 'post_venue_transfer', 'audited');
SELECT is((SELECT clean FROM api.reconcile('cw', pg_temp.at(2), '{"USDT": "9750"}', '{}')), true, 'the next reconciliation of cw is clean');

-- A fill the venue never made: the reconciliation of cv finds the ghost buy (5 BTC, 500.5 USDT) apart.
SELECT is((SELECT clean FROM api.reconcile('cv', pg_temp.at(3, 5), '{"USDT": "8999", "BTC": "10"}', '{}')), false, 'cv: the ghost fill is found');
SELECT pg_temp.last_incident('cv') AS inc_v \gset
SELECT is((SELECT clean FROM api.reconcile('cs', pg_temp.at(2, 5), '{"USDT": "1"}', '{}')), false, 'cs: a difference');
SELECT pg_temp.last_incident('cs') AS inc_s \gset
SELECT throws_ok(format($$SELECT api.void_fill('cv', 'BTC/USDT', 'nope', %L, 'pgtap', %L)$$, pg_temp.at(3, 10), :'inc_v'),
                 'PD011', NULL, 'an unknown fill: PD011');
SELECT throws_ok(format($$SELECT api.void_fill('cv', 'BTC/USDT', 'cv-ghost', 'infinity', 'pgtap', %L)$$, :'inc_v'),
                 'PD015', NULL, 'an infinite time: PD015');
SELECT throws_ok(format($$SELECT api.void_fill('cv', 'BTC/USDT', 'cv-ghost', %L, 'pgtap', %L)$$, pg_temp.at(3), :'inc_v'),
                 'PD013', NULL, 'a void not after the last closed hour: PD013');
SELECT throws_ok(format($$SELECT api.void_fill('cv', 'BTC/USDT', 'cv-b1', %L, 'pgtap', %L)$$, pg_temp.at(3, 10), :'inc_v'),
                 'PD016', NULL, 'a lot older than the newest: PD016');
SELECT throws_ok(format($$SELECT api.void_fill('cs', 'BTC/USDT', 'cs-b1', %L, 'pgtap', %L)$$, pg_temp.at(2, 10), :'inc_s'),
                 'PD016', NULL, 'a buy whose lot a later sell consumed: PD016 (not built; a sell: 34_void_sell)');

SELECT ok(api.void_fill('cv', 'BTC/USDT', 'cv-ghost', pg_temp.at(3, 10), 'pgtap: the venue has no such trade', :'inc_v') > 0,
          'the ghost fill is voided');
SELECT throws_ok(format($$SELECT api.void_fill('cv', 'BTC/USDT', 'cv-ghost', %L, 'pgtap', %L)$$, pg_temp.at(3, 15), :'inc_v'),
                 'PD016', NULL, 'a fill voided twice: PD016');
SELECT results_eq($$SELECT pg_temp.bal('cv', 'trading', 'USDT'), pg_temp.bal('cv', 'trading', 'BTC'), pg_temp.bal('cv', 'fees', 'USDT'),
                           pg_temp.bal('cv', 'fee_expense', 'USDT')$$,
                  $$VALUES (8999::numeric, 10::numeric, 1::numeric, 1::numeric)$$,
                  'the reversal gives back the quote and the fee, takes the base out, reverses the fee expense');
SELECT results_eq($$SELECT p.quantity, p.cost_basis, p.trip_no FROM trading.position p WHERE p.book_id = $$ || :bv,
                  $$VALUES (10::numeric, 1001::numeric, 1)$$, 'the position is the first buy''s again');
SELECT results_eq($$SELECT l.lot_no, l.remaining FROM trading.lot l WHERE l.book_id = $$ || :bv || $$ ORDER BY l.lot_no$$,
                  $$VALUES (1, 10::numeric), (2, 0::numeric)$$, 'the ghost''s lot is emptied, the fill and lot stay');
SELECT results_eq($$SELECT venue_trade_id, v.quantity, v.incident, f.voided FROM api.fill_voids v JOIN api.fills f USING (account, symbol, venue_trade_id)
                     WHERE v.account = 'cv'$$,
                  format($$VALUES ('cv-ghost'::text, 5::numeric, %L::text, true)$$, :'inc_v'), 'api.fill_voids and api.fills show the void');
SELECT is((SELECT clean FROM api.reconcile('cv', pg_temp.at(3, 20), '{"USDT": "8999", "BTC": "10"}', '{}')), true,
          'the next reconciliation of cv is clean');
SELECT is((SELECT fees FROM api.close_hour('cv', pg_temp.at(4))), 1::numeric, 'the next hour''s cumulative fees leave the voided fill out');

SELECT * FROM finish();
ROLLBACK;
