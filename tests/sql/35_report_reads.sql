-- 35_report_reads.sql — the period reads of the daily report and the metrics (issue 16 items 6 and 8): the hour
-- close times itself (ops.hour_close_timing, api.hour_closes: once per hour closed, not for an idempotent repeat);
-- api.balance_changes adds up (start + movements = end, fill and fee legs apart, a deposit in its column);
-- api.execution_quality counts fills and slippage as api.fills defines them; the reads refuse an unknown account
-- (PD011) and a reversed period (PD012); the auditor reads them, PUBLIC cannot.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(12);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[8])::numeric[]) AS bars \gset
SELECT pg_temp.new_account('rr', 10000) AS b \gset
SELECT pg_temp.trade('rr', 'BTC/USDT', '2024-01-01T02:00:00Z', 'buy', 1, 101, 0.5, 'rr-t1') AS coid \gset
SELECT api.deposit('rr', 250, '2024-01-01T03:30:00Z', 'pgtap: a top-up');
SELECT count(*) FROM api.close_hour('rr', '2024-01-01T04:00:00Z');
SELECT count(*) FROM api.close_hour('rr', '2024-01-01T04:00:00Z');  -- idempotent repeat: no second timing

SELECT results_eq($$SELECT hour, duration_seconds >= 0 FROM api.hour_closes WHERE account = 'rr'$$,
                  $$VALUES ('2024-01-01T04:00:00Z'::timestamptz, true)$$,
                  'the close recorded its wall-clock duration once (api.hour_closes)');
SELECT throws_ok($$UPDATE ops.hour_close_timing SET finished_at = finished_at$$, 'PD001', NULL,
                 'hour-close timings are append-only');

SELECT results_eq($$SELECT currency, start_balance, fills, fees, deposits, end_balance
                      FROM api.balance_changes('rr', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z')$$,
                  $$VALUES ('BTC'::text, 0::numeric, 1::numeric, 0::numeric, 0::numeric, 1::numeric),
                           ('USDT', 10000, -101, -0.5, 250, 10148.5)$$,
                  'balance changes: the principal deposited at 00:00 belongs to the day before, the trade, its fee and the top-up to this one');
SELECT is((SELECT bool_and(start_balance + fills + fees + deposits + withdrawals + transfers + voids + other = end_balance)
             FROM api.balance_changes(NULL, '2023-12-31T00:00:00Z', '2024-01-01T03:00:00Z')), true,
          'start + movements = end for every account and currency');
SELECT results_eq($$SELECT currency, end_balance FROM api.balance_changes('rr', '-infinity', 'infinity')$$,
                  $$SELECT currency, balance FROM api.balances WHERE account = 'rr' AND account_code = 'trading' ORDER BY 1$$,
                  'over everything, the end balances are the trading ledger''s balances');

SELECT results_eq($$SELECT orders, acknowledged, rejected, filled_orders, fill_rate, fills, round(mean_slippage_bps, 6),
                           answered_orders
                      FROM api.execution_quality('rr', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z')$$,
                  $$VALUES (1::bigint, 1::bigint, 0::bigint, 1::bigint, 1::numeric, 1::bigint, 100::numeric, 1::bigint)$$,
                  'execution quality: one order acknowledged and filled at 101 against a decision price of 100 (100 bps adverse)');

SELECT throws_ok($$SELECT * FROM api.venue_errors('nobody')$$, 'PD011', NULL, 'an unknown account: PD011');
SELECT throws_ok($$SELECT * FROM api.limit_breaches('rr', 'infinity', '-infinity')$$, 'PD012', NULL,
                 'a reversed period: PD012');
SELECT throws_ok($$SELECT * FROM api.reconciliation_status('rr', NULL, 'infinity')$$, 'PD012', NULL,
                 'a NULL bound: PD012');

SET LOCAL ROLE predator_auditor;
SELECT lives_ok($$SELECT * FROM api.execution_quality() CROSS JOIN api.venue_errors() CROSS JOIN api.limit_breaches()$$,
                'the auditor runs the period reads');
SELECT is((SELECT count(*) FROM api.reconciliation_status('rr')), 1::bigint, 'one row per account');
RESET ROLE;
SELECT ok(NOT has_function_privilege('public', 'api.balance_changes(text, timestamptz, timestamptz, text)', 'EXECUTE'),
          'PUBLIC cannot run them');

SELECT * FROM finish();
ROLLBACK;
