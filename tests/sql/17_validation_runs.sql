-- 17_validation_runs.sql — the auditor's recorded validation runs (migration 0015): api.record_validation keeps
-- one chained row per run of the gates in ops.validation_run; a run that passed from the book's start, or from
-- where the last checkpoint resumes, is a checkpoint (api.validation_checkpoint), a failed or gapped one is not.
-- Refused like every other door: an infinite or future range bound (PD015), a missing end, a reversed range
-- or a malformed gates map (PD012), an unknown account (PD011); nothing stored by a refusal. The auditor may
-- make this one call; the rows are append-only (PD001) and verified with every other chain.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(32);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 101, 102, 103, 104, 105]::numeric[]) AS bars \gset
SELECT pg_temp.new_account('vr') AS book \gset
SELECT pg_temp.trade('vr', 'BTC/USDT', '2024-01-01T03:00:00Z', 'buy', 1, 102, 0.1, 'VR1') AS coid \gset
SELECT count(*) AS closed FROM api.close_hour('vr', '2024-01-01T04:00:00Z') \gset

SET LOCAL ROLE predator_auditor;

-- A first run from the start that passed: a checkpoint.
SELECT results_eq($$SELECT book_id, seq, passed, checkpoint FROM api.record_validation('vr', NULL, '2024-01-01T04:00:00Z', false, '{"01_a": 0, "10_b": 0}')$$,
                  format('VALUES (%s, 1::bigint, true, true)', :book), 'a run from the start that passed is checkpoint 1 of the book');
SELECT results_eq($$SELECT seq, range_to, resume_from, late_rows FROM api.validation_checkpoint('vr')$$,
                  $$VALUES (1::bigint, '2024-01-01T04:00:00Z'::timestamptz, '2024-01-01T04:00:00Z'::timestamptz, 0::bigint)$$,
                  'api.validation_checkpoint: the next incremental run resumes at its end');
SELECT results_eq($$SELECT account, range_from, range_to, incremental, actor FROM api.validation_runs$$,
                  $$VALUES ('vr'::text, NULL::timestamptz, '2024-01-01T04:00:00Z'::timestamptz, false, (session_user::text || ' as predator_auditor')::text COLLATE "default")$$,
                  'api.validation_runs shows it, recorded by the acting role');
SELECT ok((SELECT heads ? format('trading.fill:%s', :book) AND NOT heads ? format('ops.validation_run:%s', :book)
             FROM ops.validation_run WHERE book_id = :book AND seq = 1),
          'the run keeps the book''s chain heads of its snapshot (its own chain left out)');

-- Refusals: nothing stored.
SELECT count(*) AS runs0 FROM ops.validation_run \gset
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', NULL, 'infinity', false, '{"01_a": 0}')$$, 'PD015', NULL,
                 'an infinite end is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', '-infinity', '2024-01-01T04:00:00Z', false, '{"01_a": 0}')$$, 'PD015', NULL,
                 'an infinite start is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', NULL, '2099-01-01T00:00:00Z', false, '{"01_a": 0}')$$, 'PD015', NULL,
                 'an end later than the wall clock is refused (PD015): a run cannot have judged the future');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', NULL, NULL, false, '{"01_a": 0}')$$, 'PD012', NULL,
                 'no end is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', NULL, '2024-01-01T04:00:00Z', NULL, '{"01_a": 0}')$$, 'PD012', NULL,
                 'no incremental flag is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', '2024-01-01T05:00:00Z', '2024-01-01T04:00:00Z', false, '{"01_a": 0}')$$, 'PD012', NULL,
                 'a start after the end is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', NULL, '2024-01-01T04:00:00Z', false, '{}')$$, 'PD012', NULL,
                 'no gate is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', NULL, '2024-01-01T04:00:00Z', false, '[0]')$$, 'PD012', NULL,
                 'gates that are not an object are refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', NULL, '2024-01-01T04:00:00Z', false, '{"01_a": -1}')$$, 'PD012', NULL,
                 'a negative count is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', NULL, '2024-01-01T04:00:00Z', false, '{"01_a": 1.5}')$$, 'PD012', NULL,
                 'a count that is not an integer is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', NULL, '2024-01-01T04:00:00Z', false, '{"01_a": "0"}')$$, 'PD012', NULL,
                 'a count that is a string is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_validation('vr', NULL, '2024-01-01T04:00:00Z', false, '{"01 a; drop": 0}')$$, 'PD012', NULL,
                 'a gate name that is not a file stem is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_validation('nosuch', NULL, '2024-01-01T04:00:00Z', false, '{"01_a": 0}')$$, 'PD011', NULL,
                 'an unknown account is refused (PD011)');
SELECT throws_ok($$SELECT * FROM api.validation_checkpoint('nosuch')$$, 'PD011', NULL,
                 'api.validation_checkpoint of an unknown account is refused (PD011)');
SELECT is((SELECT count(*) FROM ops.validation_run), :runs0::bigint, 'nothing stored by the refusals');

-- Failed runs and gaps never move the checkpoint.
SELECT results_eq($$SELECT seq, passed, checkpoint FROM api.record_validation('vr', '2024-01-01T04:00:00Z', '2024-01-01T05:00:00Z', true, '{"01_a": 2, "10_b": 0}')$$,
                  $$VALUES (2::bigint, false, false)$$, 'a run with violations is recorded as failed, not a checkpoint');
SELECT results_eq($$SELECT seq, passed, checkpoint FROM api.record_validation('vr', '2024-01-01T04:00:00Z', '2024-01-01T05:00:00Z', true, '{"01_a": 0, "10_b": null}')$$,
                  $$VALUES (3::bigint, false, false)$$, 'a run whose gate errored (null) is recorded as failed');
SELECT results_eq($$SELECT seq, passed, checkpoint FROM api.record_validation('vr', '2024-01-01T04:30:00Z', '2024-01-01T05:00:00Z', true, '{"01_a": 0}')$$,
                  $$VALUES (4::bigint, true, false)$$, 'a run that passed but starts after where the checkpoint resumes leaves a gap: not a checkpoint');
SELECT is((SELECT seq FROM api.validation_checkpoint('vr')), 1::bigint, 'the checkpoint is still run 1');
SELECT results_eq($$SELECT seq, passed, checkpoint FROM api.record_validation('vr', '2024-01-01T04:00:00Z', '2024-01-01T05:00:00Z', true, '{"01_a": 0}')$$,
                  $$VALUES (5::bigint, true, true)$$, 'a run that passed from where the checkpoint resumes is the next checkpoint');
SELECT is((SELECT resume_from FROM api.validation_checkpoint('vr')), '2024-01-01T05:00:00Z'::timestamptz, 'and the next run resumes at its end');
-- The whole database: book 0's chain.
SELECT results_eq($$SELECT book_id, seq, checkpoint FROM api.record_validation(NULL, NULL, '2024-01-01T04:00:00Z', false, '{"01_a": 0}')$$,
                  $$VALUES (0, 1::bigint, true)$$, 'a whole-database run is recorded in book 0''s chain');
RESET ROLE;

-- Append-only and chained.
SELECT throws_ok(format('UPDATE ops.validation_run SET passed = true WHERE book_id = %s AND seq = 2', :book), 'PD001', NULL,
                 'a recorded run cannot be rewritten (PD001)');
SELECT is_empty($$SELECT * FROM api.verify_chains() WHERE tbl = 'ops.validation_run'$$, 'the chains of validation runs verify');
SELECT ok(EXISTS (SELECT FROM ops.chained_tables() WHERE tbl = 'ops.validation_run'), 'ops.validation_run is a chained table');

-- Chain verification from a recorded run's heads.
SET LOCAL ROLE predator_auditor;
SELECT is_empty(format('SELECT * FROM api.verify_book_chains_since(%s, 1)', :book), 'the book''s chains verify from checkpoint 1''s heads');
SELECT results_eq(format('SELECT * FROM api.verify_book_chains_since(%s, NULL)', :book), format('SELECT * FROM api.verify_book_chains(%s)', :book),
                  'without a checkpoint it is api.verify_book_chains');
SELECT throws_ok(format('SELECT * FROM api.verify_book_chains_since(%s, 99)', :book), 'PD011', NULL,
                 'a run the book did not record is refused (PD011)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
