-- 51_close_hours.sql — quiet hours in one call (issue 18 item 2, docs/performance.md "Quiet hours in one call").
--
-- Two books hold the same position (1 BTC bought at hour 1) over the same bars. Book qa goes through hours 3..7 as
-- the hour step does, one call after another per hour (api.reconcile, api.record_venue_health, api.close_hour); book
-- qb closes the same hours with one api.close_hours. Their hourly states (every column but the outputs hash, which
-- covers each book's own chained rows), reconciliations and venue-health reports are the same, hour by hour; the
-- session's correlation id is the last hour's. A stretch stops after an hour that leaves an order open (the worker
-- has requests to carry out) and after an hour with a halt in force. Malformed calls are refused (PD012, PD013,
-- PD015) and store nothing.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(17);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z',
                         ARRAY[100, 100, 101, 103, 102, 104, 105, 103, 106, 107, 108, 109]::numeric[]) AS bars \gset
SELECT pg_temp.new_account('qa', 10000) AS qa, pg_temp.new_account('qb', 10000) AS qb \gset
SELECT pg_temp.trade('qa', 'BTC/USDT', '2024-01-01T01:00:00Z', 'buy', 1, 100, 0.1, 'qa-1') AS ta,
       pg_temp.trade('qb', 'BTC/USDT', '2024-01-01T01:00:00Z', 'buy', 1, 100, 0.1, 'qb-1') AS tb \gset
SELECT 1 FROM api.close_hour('qa', '2024-01-01T02:00:00Z') a, api.close_hour('qb', '2024-01-01T02:00:00Z') b;

CREATE FUNCTION pg_temp.h(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.hours(p_from integer, p_to integer) RETURNS timestamptz[] LANGUAGE sql AS $$
    SELECT array_agg(pg_temp.h(i) ORDER BY i) FROM generate_series(p_from, p_to) i $$;
CREATE FUNCTION pg_temp.ids(p_from integer, p_to integer) RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(format('run-q-2024010%sT%s', 1, lpad(i::text, 2, '0')) ORDER BY i) FROM generate_series(p_from, p_to) i $$;
-- The book's balances as the venue would report them (its trading ledger balances: an idle venue agrees).
CREATE FUNCTION pg_temp.balances(p_account text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_object_agg(b.currency, b.balance::text) FROM ledger.balance b JOIN trading.account a USING (book_id)
     WHERE a.name = p_account AND b.account_code = 'trading' AND b.balance <> 0 $$;
-- An account's hourly states without the book and the outputs hash, as text.
CREATE FUNCTION pg_temp.states(p_account text) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT format('%s %s %s %s %s %s %s %s %s %s %s %s %s %s', s.hour, s.cash, s.positions_value, s.equity,
                  s.peak_equity, s.drawdown, s.daily_pnl, s.realized_pnl, s.unrealized_pnl, s.fees, s.gross_exposure,
                  s.open_orders, s.stale_marks, s.inputs_hash)
      FROM api.hourly_states s WHERE s.account = p_account ORDER BY s.hour $$;
CREATE FUNCTION pg_temp.reports(p_account text) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT format('rec %s %s %s %s', r.ts, r.kind, r.clean, r.diffs)
      FROM ops.reconciliation r JOIN trading.account a USING (book_id) WHERE a.name = p_account
    UNION ALL
    SELECT format('health %s %s %s %s', v.ts, v.calls, v.errors, v.connected)
      FROM ops.venue_health v JOIN trading.account a USING (book_id) WHERE a.name = p_account
    ORDER BY 1 $$;

-- Book qa: the hour step's calls, hour by hour.
SELECT count(*) AS per_hour FROM generate_series(3, 7) i,
       LATERAL (SELECT api.reconcile('qa', pg_temp.h(i), pg_temp.balances('qa'), '{}')) r,
       LATERAL (SELECT api.record_venue_health('qa', pg_temp.h(i), CASE WHEN i = 3 THEN 7 ELSE 4 END, 0, true, '{}')) v,
       LATERAL (SELECT * FROM api.close_hour('qa', pg_temp.h(i))) c \gset
-- Book qb: one call.
CREATE TABLE pg_temp.qb_rows AS
SELECT * FROM api.close_hours('qb', pg_temp.hours(3, 7), pg_temp.ids(3, 7), pg_temp.balances('qb'), '{}',
                              ARRAY[7, 4, 4, 4, 4], ARRAY[0, 0, 0, 0, 0]);

SELECT is(:per_hour::integer, 5, 'book qa: five hours closed hour by hour');
SELECT is((SELECT array_agg(hour ORDER BY hour) FROM pg_temp.qb_rows), pg_temp.hours(3, 7),
          'book qb: api.close_hours closed hours 3..7 and returned their states in order');
SELECT results_eq($$SELECT * FROM pg_temp.states('qb')$$, $$SELECT * FROM pg_temp.states('qa')$$,
                  'the hourly states of the one call are those of the hour-by-hour calls (cash, marks, PnL, fees, inputs hash)');
SELECT results_eq($$SELECT * FROM pg_temp.reports('qb')$$, $$SELECT * FROM pg_temp.reports('qa')$$,
                  'the same reconciliations and venue-health reports, hour by hour');
SELECT is((SELECT count(*) FROM pg_temp.qb_rows r JOIN api.hourly_states s ON s.account = 'qb' AND s.hour = r.hour
            WHERE s.outputs_hash = r.outputs_hash AND s.inputs_hash = r.inputs_hash), 5::bigint,
          'each returned row is the stored hour (its hashes)');
SELECT is(current_setting('predator.correlation_id'), 'run-q-20240101T07',
          'the session''s correlation id is the last hour''s, as after the hour step');
SELECT is((SELECT count(*) FROM api.verify_book_chains(:qb)), 0::bigint, 'book qb''s chains verify');

-- An order left open: the stretch stops after the hour that leaves it (hour 7), the rest is not closed.
SELECT client_order_id AS coid FROM pg_temp.signal('qb', 'BTC/USDT', pg_temp.h(7), 'buy', 1) \gset
SELECT api.record_order_event(:'coid', 'acknowledged', pg_temp.h(7), 'V-open') AS ack \gset
SELECT is((SELECT array_agg(hour || '/' || open_orders) FROM api.close_hours('qb', pg_temp.hours(8, 10), pg_temp.ids(8, 10),
               pg_temp.balances('qb'), ARRAY[:'coid'], ARRAY[4, 4, 4], ARRAY[0, 0, 0])),
          ARRAY[pg_temp.h(8) || '/1'], 'an hour that leaves an order open ends the stretch');
SELECT is((SELECT max(hour) FROM api.hourly_states WHERE account = 'qb'), pg_temp.h(8), 'hours 9 and 10 were not closed');

-- A halt in force: the stretch stops after its first hour.
SELECT api.halt('pgtap: halt book qa', 'account', 'qa') AS halted \gset
SELECT is((SELECT array_agg(hour) FROM api.close_hours('qa', pg_temp.hours(8, 10), pg_temp.ids(8, 10),
               pg_temp.balances('qa'), '{}', ARRAY[4, 4, 4], ARRAY[0, 0, 0]) WHERE cardinality(halts) > 0),
          ARRAY[pg_temp.h(8)], 'an hour with a halt in force ends the stretch');

-- Refusals: nothing stored.
SELECT (SELECT count(*) FROM portfolio.hourly_state) + (SELECT count(*) FROM ops.reconciliation)
       + (SELECT count(*) FROM ops.venue_health) AS stored \gset
SELECT throws_ok($$SELECT * FROM api.close_hours('qb', pg_temp.hours(9, 10), pg_temp.ids(9, 9), '{}', '{}', ARRAY[4, 4], ARRAY[0, 0])$$,
                 'PD012', NULL, 'arrays of different lengths are refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.close_hours('qb', ARRAY[pg_temp.h(9), pg_temp.h(11)], pg_temp.ids(9, 10), '{}', '{}', ARRAY[4, 4], ARRAY[0, 0])$$,
                 'PD012', NULL, 'hours that are not consecutive are refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.close_hours('qb', pg_temp.hours(9, 10), pg_temp.ids(9, 10), '{}', '{}', ARRAY[4, -1], ARRAY[0, 0])$$,
                 'PD012', NULL, 'a negative count is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.close_hours('qb', pg_temp.hours(9, 177), pg_temp.ids(9, 177),
                                                  '{}', '{}', array_fill(4, ARRAY[169]), array_fill(0, ARRAY[169]))$$,
                 'PD012', NULL, 'more than 168 hours are refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.close_hours('qb', pg_temp.hours(6, 7), pg_temp.ids(6, 7), '{}', '{}', ARRAY[4, 4], ARRAY[0, 0])$$,
                 'PD013', NULL, 'hours already closed are refused (PD013), not closed again with new reports');
SELECT throws_ok($$SELECT * FROM api.close_hours('qb', ARRAY['2099-01-01T00:00:00Z'::timestamptz], ARRAY['x'], '{}', '{}', ARRAY[4], ARRAY[0])$$,
                 'PD015', NULL, 'an hour ahead of the wall clock is refused (PD015)');
SELECT is((SELECT count(*) FROM portfolio.hourly_state) + (SELECT count(*) FROM ops.reconciliation)
          + (SELECT count(*) FROM ops.venue_health), :stored::bigint, 'the refusals stored nothing');

SELECT * FROM finish();
ROLLBACK;
