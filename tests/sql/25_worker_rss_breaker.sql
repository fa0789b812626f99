-- 25_worker_rss_breaker.sql — the memory-growth breaker (migration 0028; issue 14, seed 001 C2; docs/risk.md).
--
-- The worker reports its resident memory at each hour's close (api.record_worker_health); the database, not the
-- worker, compares it with the worker_rss_mb threshold an operator sets (api.set_breaker, revisioned, audited)
-- and trips the breaker like any other: in the paper lane the book moves to reducing (entries refused
-- risk_reducing, exits admitted) with a breaker trip row and a severity-2 infrastructure incident, and returns to
-- normal after breaker_clear_hours hours whose reports stayed below breaker_clear_pct of the threshold.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(24);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[48])::numeric[]) AS bars \gset
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.state(p_account text) RETURNS text LANGUAGE sql AS $$
    SELECT state FROM api.risk_states WHERE account = p_account $$;

-- Shipped ---------------------------------------------------------------------------------------------------
SELECT is((SELECT unit FROM risk.breaker_kind WHERE breaker = 'worker_rss_mb'), 'MB', 'worker_rss_mb is a breaker, in MB');
SELECT results_eq($$SELECT lane, threshold, trip_scope FROM risk.breaker_setting
                     WHERE breaker = 'worker_rss_mb' AND account = '*' ORDER BY lane$$,
                  $$VALUES ('live_canary'::text, 4096::numeric, 'account'::text), ('live_promoted', 4096, 'account'),
                           ('paper', 4096, 'account')$$,
                  'shipped at 4096 MB, account scope, in every lane');

-- The door's refusals ------------------------------------------------------------------------------------------
SELECT pg_temp.new_account('w_rss') AS b \gset
SELECT api.set_breaker('paper', 'worker_rss_mb', 512, 'pgtap: a 512 MB ceiling', 'w_rss') AS rev \gset
SELECT throws_ok($$SELECT api.record_worker_health('w_rss', '2024-01-01T01:00:00Z', -1)$$, 'PD012', NULL,
                 'a negative RSS is refused (PD012)');
SELECT throws_ok($$SELECT api.record_worker_health('w_rss', '2024-01-01T01:00:00Z', NULL)$$, 'PD012', NULL,
                 'a NULL RSS is refused (PD012)');
SELECT throws_ok($$SELECT api.record_worker_health('w_rss', '2024-01-01T01:00:00Z', 1000, 0)$$, 'PD012', NULL,
                 'a pid of 0 is refused (PD012)');
SELECT throws_ok($$SELECT api.record_worker_health('w_rss', now() + interval '1 day', 1000)$$, 'PD015', NULL,
                 'a business time in the future is refused (PD015)');
SELECT throws_ok($$SELECT api.record_worker_health('nobody', '2024-01-01T01:00:00Z', 1000)$$, 'PD011', NULL,
                 'an unknown account is refused (PD011)');

-- Below the ceiling: recorded, nothing trips ----------------------------------------------------------------------
SELECT is(api.record_worker_health('w_rss', pg_temp.at(1), 300 * 1024, 4242, '{"leak_mb": 0}'), false,
          '300 MB under a 512 MB ceiling: no trip');
SELECT results_eq($$SELECT rss_kb, rss_mb, pid FROM api.worker_health WHERE account = 'w_rss'$$,
                  $$VALUES (307200::bigint, 300.000::numeric, 4242)$$, 'the report is recorded (api.worker_health)');
SELECT hour AS h FROM api.close_hour('w_rss', pg_temp.at(1)) \gset
SELECT is(pg_temp.state('w_rss'), 'normal', '... and the book stays normal');
SELECT pg_temp.trade('w_rss', 'BTC/USDT', pg_temp.at(1), 'buy', 10, 100, 1, 'w-1') AS t \gset

-- Past the ceiling: the database trips the breaker ------------------------------------------------------------
SELECT is(api.record_worker_health('w_rss', pg_temp.at(2), 600 * 1024, 4242), true, '600 MB: the breaker trips');
SELECT hour AS h FROM api.close_hour('w_rss', pg_temp.at(2)) \gset
SELECT results_eq($$SELECT breaker, value, threshold, trip_scope FROM api.breaker_trips WHERE account = 'w_rss'$$,
                  $$VALUES ('worker_rss_mb'::text, 600.000::numeric, 512::numeric, 'reducing'::text)$$,
                  '... one breaker trip row: 600 MB against 512, the paper book reduces');
SELECT results_eq($$SELECT i.severity, i.category FROM api.incidents i JOIN api.breaker_trips t ON t.incident = i.incident
                     WHERE t.account = 'w_rss'$$,
                  $$VALUES (2::smallint, 'infrastructure'::text)$$, '... with a severity-2 infrastructure incident');
SELECT results_eq($$SELECT state_after, cause FROM api.risk_state_events WHERE account = 'w_rss' AND strategy IS NULL
                     ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('reducing'::text, 'breaker:worker_rss_mb'::text)$$, '... the book moved to reducing, cause breaker:worker_rss_mb');
SELECT is(pg_temp.reasons('w_rss', 'BTC/USDT', pg_temp.at(2), 'buy', 1), '{risk_reducing}',
          'a new entry is refused risk_reducing');
SELECT is(api.record_worker_health('w_rss', pg_temp.at(2) + interval '30 minutes', 700 * 1024), false,
          'a second report past the ceiling does not trip again');
SELECT is((SELECT count(*) FROM api.halt_events WHERE scope_key = 'w_rss'), 0::bigint, 'no halt: a paper pause');

-- Hysteresis and recovery: 450 MB is >= 80 % of 512 (a breach); then six clean hours lift the pause ----------------
SELECT hour AS h FROM api.close_hour('w_rss', pg_temp.at(3)) \gset
SELECT is(pg_temp.reasons('w_rss', 'BTC/USDT', pg_temp.at(3), 'sell', 4), '{}', 'while paused, an exit is admitted');
SELECT is(api.record_worker_health('w_rss', pg_temp.at(4), 450 * 1024), false, '450 MB while paused: no new trip ...');
SELECT hour AS h FROM api.close_hour('w_rss', pg_temp.at(4)) \gset
SELECT is((SELECT last_breach FROM api.risk_states WHERE account = 'w_rss'), pg_temp.at(4),
          '... but a breach (>= breaker_clear_pct of the ceiling): the clean-hour count starts again');
DO $$
BEGIN
    FOR h IN 5..9 LOOP
        PERFORM api.record_worker_health('w_rss', pg_temp.at(h), 200 * 1024);
        PERFORM api.close_hour('w_rss', pg_temp.at(h));
    END LOOP;
END
$$;
SELECT is(pg_temp.state('w_rss'), 'reducing', 'five clean hours after the breach: still reducing');
SELECT is(api.record_worker_health('w_rss', pg_temp.at(10), 200 * 1024), false, '200 MB at 10:00');
SELECT hour AS h FROM api.close_hour('w_rss', pg_temp.at(10)) \gset
SELECT results_eq($$SELECT state_before, state_after, cause, ts FROM api.risk_state_events
                     WHERE account = 'w_rss' AND strategy IS NULL ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('reducing'::text, 'normal'::text, 'breaker_cleared'::text, pg_temp.at(10))$$,
                  'the sixth clean hour lifts the pause by a recorded move (breaker_cleared)');

-- Append-only -------------------------------------------------------------------------------------------------
SELECT throws_ok($$UPDATE ops.worker_health SET rss_kb = 0$$, 'PD001', NULL, 'the reports are append-only: no UPDATE (PD001)');

SELECT * FROM finish();
ROLLBACK;
