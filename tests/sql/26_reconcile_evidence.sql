-- 26_reconcile_evidence.sql — api.reconcile's incident and breaker evidence names the comparison by its business
-- time and kind, never by its seq (migration 0023, issue 14): a restart's start-up comparisons take seqs that an
-- uninterrupted run (a replay) does not have, and incidents and breaker trips are hashed into the hour.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(3);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[6])::numeric[]) AS bars \gset
SELECT pg_temp.new_account('ev_a', 10000, 'unconstrained', '2024-01-01T00:00:00Z', true) AS a \gset
SELECT pg_temp.new_account('ev_b', 10000, 'unconstrained', '2024-01-01T00:00:00Z', true) AS b \gset
-- Book a: a start-up comparison (clean) before the mismatch; book b: none. The same mismatch an hour later.
SELECT clean AS c FROM api.reconcile('ev_a', '2024-01-01T01:00:00Z', '{"USDT": "10000"}', '{}', 'startup') \gset
SELECT clean AS c FROM api.reconcile('ev_a', '2024-01-01T02:00:00Z', '{"USDT": "9000"}', '{}') \gset
SELECT clean AS c FROM api.reconcile('ev_b', '2024-01-01T02:00:00Z', '{"USDT": "9000"}', '{}') \gset

SELECT is((SELECT links -> 'reconciliation' FROM api.incidents WHERE account = 'ev_a'),
          '{"ts": "2024-01-01T02:00:00+00:00", "kind": "hourly"}'::jsonb,
          'the incident names the comparison by its business time and kind');
SELECT is((SELECT links FROM api.incidents WHERE account = 'ev_a'),
          (SELECT links FROM api.incidents WHERE account = 'ev_b'),
          'the same mismatch gives the same incident evidence with or without an earlier start-up comparison');
SELECT is((SELECT figures FROM api.breaker_trips WHERE account = 'ev_a'),
          (SELECT figures FROM api.breaker_trips WHERE account = 'ev_b'),
          '... and the same breaker trip figures');

SELECT * FROM finish();
ROLLBACK;
