-- 38_thresholds.sql — thresholds live in the database (issue 17 item 4; migration 0037).
--
-- Every value that decides a halt is the database's: the reconciliation tolerance is the operator setting
-- reconcile_tolerance (ops.setting, api.set_setting: audited revisions, finite and within 0..1), the breaker
-- thresholds are risk.breaker_setting (api.set_breaker), and the set of symbols the stale-data and data-quality
-- breakers watch is derived by portfolio.book_symbols (the latest run's symbols and conversion pairs, held
-- symbols, symbols with an open order, symbols signalled in the week before the hour): api.close_hour takes no
-- symbols. The attacker is the worker: it cannot change the setting, pass a tolerance, or take a held symbol out
-- of the stale-data breaker.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(33);

-- BTC at 100 with bars up to 05:00 only; ETH at 50 for two days.
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[6])::numeric[])
     + pg_temp.load_bars('ETH/USDT', '2024-01-01T00:00:00Z', array_fill(50, ARRAY[48])::numeric[]) AS bars \gset
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.global_halt() RETURNS boolean LANGUAGE sql AS $$
    SELECT coalesce((SELECT active FROM api.halts WHERE scope_kind = 'global' AND scope_key = '*'), false) $$;

-- No worker door takes a threshold -----------------------------------------------------------------------------
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'api' AND has_function_privilege('predator_worker', p.oid, 'EXECUTE')
                     AND EXISTS (SELECT FROM unnest(p.proargnames[1:p.pronargs]) a WHERE a ~* '(toleran|threshold|stale|ceiling|^p_max_|^p_min_)')$$,
                'no api routine the worker may run takes a tolerance, threshold, ceiling or stale-data argument');
SELECT is((SELECT proargnames FROM pg_catalog.pg_proc WHERE oid = 'api.close_hour(text, timestamptz)'::regprocedure),
          ARRAY['p_account', 'p_hour', 'hour', 'cash', 'positions_value', 'equity', 'peak_equity', 'drawdown', 'daily_pnl',
                'realized_pnl', 'unrealized_pnl', 'fees', 'gross_exposure', 'open_orders', 'stale_marks', 'positions',
                'inputs_hash', 'outputs_hash', 'halts'],
          'api.close_hour takes the account and the hour only: the hour''s symbols are the database''s');

-- The worker cannot change the setting ---------------------------------------------------------------------------
SET LOCAL ROLE predator_worker;
SELECT throws_ok($$SELECT api.set_setting('reconcile_tolerance', 1, 'worker: hide the desync')$$, '42501', NULL,
                 'the worker cannot run api.set_setting (42501)');
SELECT throws_ok($$INSERT INTO ops.setting (name, revision, value, reason) VALUES ('reconcile_tolerance', 99, 1, 'worker')$$,
                 '42501', NULL, '... nor insert a revision into ops.setting');
SELECT throws_ok($$UPDATE ops.setting SET value = 1$$, '42501', NULL, '... nor rewrite one');
SELECT throws_ok($$SELECT * FROM api.reconcile('nobody', '2024-01-01T01:00:00Z', '{}', '{}', 'hourly', 1e12::numeric)$$,
                 '42883', NULL, '... nor pass a tolerance to api.reconcile (no such routine)');
SELECT throws_ok($$SELECT * FROM api.close_hour('nobody', '2024-01-01T01:00:00Z', ARRAY[]::text[])$$,
                 '42883', NULL, '... nor a symbol set to api.close_hour (no such routine)');
RESET ROLE;

-- The setting door refuses what is not a tolerance ----------------------------------------------------------------
SET LOCAL ROLE predator_operator;
SELECT throws_ok($$SELECT api.set_setting('reconcile_tolerance', 'NaN', 'pgtap')$$, 'PD012', NULL, 'a NaN tolerance is refused (PD012)');
SELECT throws_ok($$SELECT api.set_setting('reconcile_tolerance', 'Infinity', 'pgtap')$$, 'PD012', NULL, '... +Infinity (PD012)');
SELECT throws_ok($$SELECT api.set_setting('reconcile_tolerance', '-Infinity', 'pgtap')$$, 'PD012', NULL, '... -Infinity (PD012)');
SELECT throws_ok($$SELECT api.set_setting('reconcile_tolerance', 10001, 'pgtap: wide enough to hide a desync')$$, 'PD012', NULL,
                 '... more than 1 per currency (PD012)');
SELECT throws_ok($$SELECT api.set_setting('reconcile_tolerance', -0.1, 'pgtap')$$, 'PD012', NULL, '... a negative one (PD012)');
RESET ROLE;
SELECT is(ops.reconcile_tolerance(), 0.00000001, 'the shipped tolerance is in force: 1e-8');

-- The stale-data set is the book's ----------------------------------------------------------------------------------
-- A book whose run says it reads ETH only, holding BTC: the BTC feed stops at 06:00 and the stale-data breaker
-- (threshold 3 hours) trips on it.
SELECT pg_temp.new_account('th_s') AS s \gset
SELECT api.set_breaker('paper', 'stale_data_hours', 3, 'pgtap', 'th_s', 1, 1, 'account') AS rev \gset
SELECT pg_temp.run_feeds('th_s', ARRAY['ETH/USDT']) AS r \gset
SELECT is(portfolio.book_symbols(:s, pg_temp.at(1)), ARRAY['ETH/USDT'], 'a book with nothing held, open or signalled: its run''s symbols');
SELECT pg_temp.trade('th_s', 'BTC/USDT', pg_temp.at(1), 'buy', 1, 100, 0, 'th-s-1') AS t \gset
SELECT is(portfolio.book_symbols(:s, pg_temp.at(2)), ARRAY['BTC/USDT', 'ETH/USDT'], '... holding BTC adds it');
SET LOCAL ROLE predator_worker;
SELECT count(*) AS n FROM generate_series(2, 10) h, LATERAL api.close_hour('th_s', pg_temp.at(h)) c \gset
RESET ROLE;
SELECT results_eq($$SELECT breaker, ts, value, figures -> 'hours_since_last_bar' ? 'BTC/USDT' FROM api.breaker_trips WHERE account = 'th_s'$$,
                  $$VALUES ('stale_data_hours'::text, pg_temp.at(9), 3::numeric, true)$$,
                  'the held BTC feed 3 hours stale at 09:00 trips stale_data_hours although the worker''s run never named BTC');

-- Open orders and signals count too.
SELECT pg_temp.new_account('th_o') AS o \gset
SELECT outcome AS out FROM pg_temp.signal('th_o', 'BTC/USDT', pg_temp.at(2), 'buy', 1) \gset
SELECT is(portfolio.book_symbols(:o, pg_temp.at(3)), ARRAY['BTC/USDT'], 'an open order adds its symbol (admitted, not yet filled)');
SELECT pg_temp.new_account('th_h') AS h \gset
SELECT outcome AS out FROM pg_temp.signal('th_h', 'ETH/USDT', pg_temp.at(2), 'hold') \gset
SELECT is(portfolio.book_symbols(:h, pg_temp.at(2)), '{}'::text[], 'a signal counts from the next hour on (not the hour it is decided at)');
SELECT is(portfolio.book_symbols(:h, pg_temp.at(3)), ARRAY['ETH/USDT'], '... a symbol signalled in the week before the hour is watched');
SELECT is(portfolio.book_symbols(:h, pg_temp.at(2 + 7 * 24)), '{}'::text[], '... for a week');

-- A mismatch above the database's tolerance halts, whatever the worker sends ---------------------------------------
SELECT pg_temp.new_account('th_a', 10000, 'unconstrained', '2024-01-01T00:00:00Z', true) AS a \gset
SET LOCAL ROLE predator_worker;
SELECT clean AS c FROM api.reconcile('th_a', pg_temp.at(1), '{"USDT": "9999.99"}', '{}', 'startup') \gset
RESET ROLE;
SELECT is(:'c'::boolean, false, 'a 0.01 USDT difference in a start-up comparison is a mismatch at the 1e-8 tolerance');
SELECT is((SELECT tolerance FROM api.reconciliations WHERE account = 'th_a'), 0.00000001::numeric,
          '... the comparison records the tolerance the database applied');
SELECT ok(pg_temp.global_halt(), '... and it halts globally');
SELECT results_eq($$SELECT severity, category FROM api.incidents WHERE account = 'th_a'$$, $$VALUES (1::smallint, 'execution'::text)$$,
                  '... with a severity-1 execution incident');

-- The operator widens the tolerance: an audited revision with its reason --------------------------------------------
SET LOCAL ROLE predator_operator;
SELECT throws_ok($$SELECT api.set_setting('reconcile_tolerance', 0.05, 'pgtap: alone')$$, 'PD017', NULL,
                 'widening the tolerance alone is refused: it needs a second operator''s approval (PD017)');
SELECT pg_temp.approve_setting('reconcile_tolerance', 0.06, 'pgtap: another value') AS approval \gset
SELECT throws_ok($$SELECT api.set_setting('reconcile_tolerance', 0.05, 'pgtap: approved for 0.06')$$, 'PD017', NULL,
                 '... an approval of another value does not do');
SELECT pg_temp.approve_setting('reconcile_tolerance', 0.05, 'pgtap: venue rounds balances to 2 decimals') AS approval \gset
SELECT api.set_setting('reconcile_tolerance', 0.05, 'pgtap: venue rounds balances to 2 decimals') AS rev \gset
RESET ROLE;
SELECT results_eq($$SELECT value, reason FROM ops.setting WHERE name = 'reconcile_tolerance' ORDER BY revision DESC LIMIT 1$$,
                  $$VALUES (0.05::numeric, 'pgtap: venue rounds balances to 2 decimals'::text)$$,
                  'the operator''s tolerance is a new revision of ops.setting');
SELECT results_eq($$SELECT action, target, (args ->> 'value')::numeric, reason FROM ops.audit_log ORDER BY recorded_at DESC, seq DESC LIMIT 1$$,
                  $$VALUES ('set_setting'::text, 'reconcile_tolerance'::text, 0.05::numeric, 'pgtap: venue rounds balances to 2 decimals'::text)$$,
                  '... audited with its value and reason');
SELECT pg_temp.new_account('th_b', 10000, 'unconstrained', '2024-01-01T00:00:00Z', true) AS b \gset
SET LOCAL ROLE predator_worker;
SELECT clean AS c FROM api.reconcile('th_b', pg_temp.at(1), '{"USDT": "9999.99"}', '{}') \gset
SELECT is(:'c'::boolean, true, 'at 0.05 the 0.01 difference is clean');
SELECT clean AS c FROM api.reconcile('th_b', pg_temp.at(2), '{"USDT": "9999.90"}', '{}', 'manual') \gset
SELECT is(:'c'::boolean, false, '... a 0.10 difference is not, whatever kind of comparison the worker says it is');
RESET ROLE;
SELECT is((SELECT array_agg(tolerance ORDER BY ts) FROM api.reconciliations WHERE account = 'th_b'), ARRAY[0.05, 0.05]::numeric[],
          '... both compared at the operator''s tolerance');
SET LOCAL ROLE predator_operator;
SELECT lives_ok($$SELECT api.set_setting('reconcile_tolerance', 0.01, 'pgtap: tighter again')$$,
                'tightening the tolerance needs no second operator');
RESET ROLE;
SELECT is(ops.reconcile_tolerance(), 0.01, '... and is in force');

SELECT * FROM finish();
ROLLBACK;
