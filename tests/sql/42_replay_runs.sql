-- 42_replay_runs.sql — the auditor's recorded replays (migration 0041): api.record_replay keeps one chained row
-- per `predator replay` of an account in ops.replay_run, listed by api.replay_runs (the console's /checks page).
-- The database derives parity (hours compared, none mismatched, every operator action re-applied) and checks the
-- hours compared against the book's closed hours in the range. Refused like every other door: an infinite or
-- future time (PD015); a non-finite count cannot even be passed (the counts are integers); a missing argument,
-- inconsistent counts, a range beyond the last closed hour, a first mismatch that disagrees with the count, lies
-- outside the range or is not a closed hour, problems that are not a bounded list of strings (PD012); an unknown
-- account, or a run of another book (PD011); nothing stored by a refusal. The auditor may make this call, the
-- worker and the operator may not; the rows are append-only (PD001), chained and verified with every other chain.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(56);

-- Two books with closed hours 03:00 and 04:00 and a registered run each (run-rr, run-rr2).
SELECT pg_temp.busy_book('rr') AS book \gset
SELECT pg_temp.busy_book('rr2') AS other \gset
SELECT is((SELECT count(*) FROM portfolio.hourly_state WHERE book_id = :book), 2::bigint, 'set-up: the book closed two hours');

SET LOCAL ROLE predator_auditor;

-- Recorded, with parity derived by the database.
SELECT results_eq($$SELECT book_id, seq, parity FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, 1, 0)$$,
                  format('VALUES (%s, 1::bigint, true)', :book), 'a replay of every closed hour with no mismatch is recorded with parity, replay 1 of the book');
SELECT results_eq($$SELECT account, run_id, range_from, range_to, hours_compared, mismatches, first_mismatch_hour, first_mismatch, interventions, unreplayable, parity, actor
                      FROM api.replay_runs WHERE account = 'rr'$$,
                  $$VALUES ('rr'::text, 'run-rr'::text, '2024-01-01T03:00:00Z'::timestamptz, '2024-01-01T04:00:00Z'::timestamptz, 2, 0, NULL::timestamptz, NULL::jsonb, 1, 0, true, (session_user::text || ' as predator_auditor')::text COLLATE "default")$$,
                  'api.replay_runs shows it: run, hours compared, counts, parity, recorded by the acting role');
SELECT results_eq($$SELECT seq, parity FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, '2024-01-01T04:00:00Z', '["inputs differ", "trading.fill: replay differs"]', 0, 0)$$,
                  $$VALUES (2::bigint, false)$$, 'a replay with a mismatched hour is recorded without parity');
SELECT is((SELECT first_mismatch FROM api.replay_runs WHERE account = 'rr' AND seq = 2), '["inputs differ", "trading.fill: replay differs"]'::jsonb,
          'with the problems of its first mismatched hour');
SELECT results_eq($$SELECT seq, parity FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, 0, 1)$$,
                  $$VALUES (3::bigint, false)$$, 'a replay with an operator action it could not re-apply is recorded without parity');
SELECT results_eq($$SELECT seq, parity FROM api.record_replay('rr', 'run-rr', '2024-01-01T00:00:00Z', '2024-01-01T02:00:00Z', 0, 0, NULL, NULL, 0, 0)$$,
                  $$VALUES (4::bigint, false)$$, 'a replay that compared no hour is recorded without parity');
SELECT results_eq($$SELECT book_id, seq, parity FROM api.record_replay('rr2', 'run-rr2', '2024-01-01T04:00:00Z', '2024-01-01T04:00:00Z', 1, 0, NULL, NULL, 0, 0)$$,
                  format('VALUES (%s, 1::bigint, true)', :other), 'each book has its own chain of recorded replays');

-- Refusals: nothing stored.
SELECT count(*) AS runs0 FROM ops.replay_run \gset
-- Business times: finite and not in the future (PD015).
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', 'infinity', 2, 0, NULL, NULL, 0, 0)$$, 'PD015', NULL,
                 'an infinite last hour is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '-infinity', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, 0, 0)$$, 'PD015', NULL,
                 'an infinite first hour is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, 'infinity', '["x"]', 0, 0)$$, 'PD015', NULL,
                 'an infinite first mismatch is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2099-01-01T00:00:00Z', 2, 0, NULL, NULL, 0, 0)$$, 'PD015', NULL,
                 'a last hour later than the wall clock is refused (PD015): a replay cannot have compared the future');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, '2099-01-01T00:00:00Z', '["x"]', 0, 0)$$, 'PD015', NULL,
                 'a first mismatch later than the wall clock is refused (PD015)');
-- Non-finite counts never reach the door: the counts are integers.
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 'NaN', 0, NULL, NULL, 0, 0)$$, '22P02', NULL,
                 'a NaN count is refused before the call (22P02: not an integer)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 'Infinity'::numeric::integer, 0, NULL, NULL, 0, 0)$$, '0A000', NULL,
                 'an infinite count cannot be made an integer (0A000)');
-- Arguments (PD012).
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', NULL, '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, 0, 0)$$, 'PD012', NULL,
                 'no run id is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', NULL, 0, NULL, NULL, 0, 0)$$, 'PD012', NULL,
                 'no hour count is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T04:00:00Z', '2024-01-01T03:00:00Z', 0, 0, NULL, NULL, 0, 0)$$, 'PD012', NULL,
                 'a first hour after the last is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', -2, 0, NULL, NULL, 0, 0)$$, 'PD012', NULL,
                 'a negative hour count is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, -1, 0)$$, 'PD012', NULL,
                 'a negative count of re-applied actions is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, 0, -1)$$, 'PD012', NULL,
                 'a negative count of unreplayable actions is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 3, '2024-01-01T03:00:00Z', '["x"]', 0, 0)$$, 'PD012', NULL,
                 'more mismatched hours than compared is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 3, 0, NULL, NULL, 0, 0)$$, 'PD012', NULL,
                 'an hour count that is not the book''s closed hours in the range is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T05:00:00Z', 2, 0, NULL, NULL, 0, 0)$$, 'PD012', NULL,
                 'a last hour after the book''s last closed hour is refused (PD012): a replay compares closed hours only');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, NULL, NULL, 0, 0)$$, 'PD012', NULL,
                 'mismatches without the first mismatched hour are refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, '2024-01-01T03:00:00Z', '["x"]', 0, 0)$$, 'PD012', NULL,
                 'a first mismatched hour without mismatches is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, '2024-01-01T03:00:00Z', NULL, 0, 0)$$, 'PD012', NULL,
                 'a first mismatched hour without its problems is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T04:00:00Z', '2024-01-01T04:00:00Z', 1, 1, '2024-01-01T03:00:00Z', '["x"]', 0, 0)$$, 'PD012', NULL,
                 'a first mismatched hour outside the hours compared is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, '2024-01-01T03:30:00Z', '["x"]', 0, 0)$$, 'PD012', NULL,
                 'a first mismatched hour that is not a closed hour is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, '2024-01-01T03:00:00Z', '{"x": 1}', 0, 0)$$, 'PD012', NULL,
                 'problems that are not an array are refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, '2024-01-01T03:00:00Z', '[]', 0, 0)$$, 'PD012', NULL,
                 'no problem for a mismatched hour is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, '2024-01-01T03:00:00Z', '["x", 1]', 0, 0)$$, 'PD012', NULL,
                 'a problem that is not a string is refused (PD012)');
SELECT throws_ok(format($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, '2024-01-01T03:00:00Z', %L, 0, 0)$$,
                        (SELECT jsonb_agg('p' || i) FROM generate_series(1, 65) i)), 'PD012', NULL,
                 'more than 64 problems are refused (PD012)');
SELECT throws_ok(format($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, '2024-01-01T03:00:00Z', %L, 0, 0)$$,
                        jsonb_build_array(repeat('x', 501))), 'PD012', NULL,
                 'a problem longer than 500 characters is refused (PD012)');
-- References (PD011).
SELECT throws_ok($$SELECT * FROM api.record_replay('nosuch', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, 0, 0)$$, 'PD011', NULL,
                 'an unknown account is refused (PD011)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr2', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, 0, 0)$$, 'PD011', NULL,
                 'the run of another book is refused (PD011)');
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-nosuch', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, 0, 0)$$, 'PD011', NULL,
                 'an unknown run is refused (PD011)');
SELECT is((SELECT count(*) FROM ops.replay_run), :runs0::bigint, 'nothing stored by the refusals');
RESET ROLE;

-- Who may call it: the auditor (above), not the worker nor the operator.
SET LOCAL ROLE predator_worker;
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, 0, 0)$$, '42501', NULL,
                 'predator_worker cannot record a replay (42501)');
SELECT lives_ok($$SELECT count(*) FROM api.replay_runs$$, 'predator_worker reads api.replay_runs');
RESET ROLE;
SET LOCAL ROLE predator_operator;
SELECT throws_ok($$SELECT * FROM api.record_replay('rr', 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, NULL, NULL, 0, 0)$$, '42501', NULL,
                 'predator_operator cannot record a replay (42501)');
RESET ROLE;
SET LOCAL ROLE predator_auditor;
SELECT throws_ok($$INSERT INTO ops.replay_run (book_id, run_id, range_from, range_to, hours_compared, mismatches, interventions, unreplayable, parity)
                   VALUES (1, 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 0, 0, 0, true)$$, '42501', NULL,
                 'predator_auditor cannot insert into ops.replay_run but through api.record_replay (42501)');
RESET ROLE;
SELECT is((SELECT count(*) FROM ops.replay_run), :runs0::bigint, 'nothing stored by the roles refused');

-- The table keeps parity and the first mismatch consistent even for the owner (CHECKs).
SELECT throws_ok(format($$INSERT INTO ops.replay_run (book_id, run_id, range_from, range_to, hours_compared, mismatches, first_mismatch_hour, first_mismatch, interventions, unreplayable, parity)
                          VALUES (%s, 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, '2024-01-01T03:00:00Z', '["x"]', 0, 0, true)$$, :book),
                 '23514', NULL, 'a row claiming parity with a mismatch violates replay_run_parity_is_derived');
SELECT throws_ok(format($$INSERT INTO ops.replay_run (book_id, run_id, range_from, range_to, hours_compared, mismatches, interventions, unreplayable, parity)
                          VALUES (%s, 'run-rr', '2024-01-01T03:00:00Z', '2024-01-01T04:00:00Z', 2, 1, 0, 0, false)$$, :book),
                 '23514', NULL, 'a row with mismatches and no first mismatch violates replay_run_first_mismatch_iff_mismatches');

-- Append-only and chained.
SELECT throws_ok(format('UPDATE ops.replay_run SET parity = false WHERE book_id = %s AND seq = 1', :book), 'PD001', NULL,
                 'a recorded replay cannot be rewritten (PD001)');
SELECT throws_ok(format('DELETE FROM ops.replay_run WHERE book_id = %s AND seq = 2', :book), 'PD001', NULL,
                 'a recorded replay cannot be deleted (PD001)');
SELECT throws_ok('TRUNCATE ops.replay_run', 'PD001', NULL, 'ops.replay_run cannot be truncated (PD001)');
SELECT ok(EXISTS (SELECT FROM ops.chained_tables() WHERE tbl = 'ops.replay_run'), 'ops.replay_run is a chained table');
SELECT ok(EXISTS (SELECT FROM api.chained_tables WHERE table_name = 'ops.replay_run'), 'and api.chained_tables lists it (the audit export)');
SELECT is((SELECT seq FROM ops.chain_head WHERE chain = format('ops.replay_run:%s', :book)), 4::bigint, 'the book''s chain head is at its fourth replay');
SELECT results_eq(format('SELECT seq FROM ops.replay_run WHERE book_id = %s ORDER BY seq', :book), $$VALUES (1::bigint), (2), (3), (4)$$,
                  'the book''s replays are numbered without a gap');
SELECT is_empty(format($$SELECT r.seq FROM (SELECT t.seq, t.prev_hash, lag(t.row_hash) OVER (ORDER BY t.seq) AS before
                                                 FROM ops.replay_run t WHERE t.book_id = %s) r
                          WHERE r.prev_hash <> coalesce(r.before, ops.genesis_hash())$$, :book),
                'each replay links to the previous one''s hash (the first to the genesis hash)');
SELECT is_empty($$SELECT * FROM api.verify_chains() WHERE tbl = 'ops.replay_run'$$, 'the chains of recorded replays verify');
SET LOCAL ROLE predator_auditor;
SELECT is_empty(format('SELECT * FROM api.verify_book_chains(%s) WHERE tbl = %L', :book, 'ops.replay_run'), 'and verify for the auditor, book by book');
RESET ROLE;
-- A rewrite with the triggers off (a superuser) is found by the chain verification.
SET LOCAL session_replication_role = replica;
UPDATE ops.replay_run SET actor = 'someone else' WHERE book_id = :book AND seq = 2;
SET LOCAL session_replication_role = origin;
SELECT results_eq($$SELECT seq, problem FROM api.verify_chains() WHERE tbl = 'ops.replay_run'$$,
                  $$VALUES (2::bigint, 'row_hash does not match the row''s content'::text)$$,
                  'a recorded replay rewritten behind the triggers breaks its chain at that row');

SELECT * FROM finish();
ROLLBACK;
