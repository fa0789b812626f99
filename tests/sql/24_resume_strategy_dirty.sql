-- 24_resume_strategy_dirty.sql — api.resume_strategy waits for what api.resume waits for (issue 13):
-- risk._require_resumable, the one rule for both. While the book's latest reconciliation is dirty, resuming a paused
-- strategy is refused PD014 (message and HINT say why and what to do); once it is clean, an open severity-1 incident
-- still refuses it; once that is resolved, the strategy resumes. api.resume refuses by the same rule.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(9);

CREATE FUNCTION pg_temp.refusal(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_state text; v_msg text; v_hint text;
BEGIN
    EXECUTE p_sql;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_hint = PG_EXCEPTION_HINT;
    RETURN v_state || ': ' || v_msg || ' / ' || v_hint;
END
$$;

SELECT pg_temp.new_account('rs', 10000, 'unconstrained', '2024-01-01T00:00:00Z', true) AS b \gset
SELECT api.pause_strategy('rs', 's1', 'pgtap: inspect s1') AS x \gset
-- The venue reports less cash than the book: the reconciliation is dirty (and opens a severity-1 incident).
SELECT clean AS c FROM api.reconcile('rs', '2024-01-01T02:00:00Z', '{"USDT": "9000"}', '{}') \gset
SELECT is(:'c'::boolean, false, 'set-up: the latest reconciliation of rs is dirty');

SELECT is(pg_temp.refusal($$SELECT api.resume_strategy('rs', 's1', 'pgtap: too early')$$),
          'PD014: resume_strategy of rs/s1 refused: reconciliation is dirty for rs / Find the difference (api.reconcile diffs, predator incidents), fix the book or the venue, and resume after a clean reconciliation.',
          'api.resume_strategy while the book''s reconciliation is dirty: PD014, the reason, the HINT');
SELECT is((SELECT status FROM api.strategies WHERE account = 'rs' AND strategy = 's1'), 'paused', '... the strategy stays paused');
SELECT is((SELECT count(*) FROM api.audit_log WHERE action = 'resume_strategy'), 0::bigint, '... and nothing is audited');

-- Resolving the incident is not enough while the book is still dirty.
SELECT count(api.update_incident(incident, 'resolved', 'pgtap: explained')) AS n FROM api.incidents WHERE status <> 'resolved' \gset
SELECT throws_like($$SELECT api.resume_strategy('rs', 's1', 'pgtap: still dirty')$$, '%reconciliation is dirty for rs%',
                   'with the incident resolved, a dirty reconciliation still refuses the resume');

-- Clean again, but a new severity-1 incident open (a second dirty comparison, then a clean one).
SELECT clean AS c FROM api.reconcile('rs', '2024-01-01T03:00:00Z', '{"USDT": "9500"}', '{}') \gset
SELECT clean AS c FROM api.reconcile('rs', '2024-01-01T04:00:00Z', '{"USDT": "10000"}', '{}') \gset
SELECT throws_like($$SELECT api.resume_strategy('rs', 's1', 'pgtap: incident open')$$, '%severity-1 incident(s) open%',
                   'a clean book with a severity-1 incident open: refused too, as api.resume is');
SELECT throws_like($$SELECT api.resume('pgtap: incident open')$$, '%severity-1 incident(s) open%',
                   'api.resume refuses by the same rule');

SELECT count(api.update_incident(incident, 'resolved', 'pgtap: explained')) AS n FROM api.incidents WHERE status <> 'resolved' \gset
SELECT lives_ok($$SELECT api.resume_strategy('rs', 's1', 'pgtap: reconciled and explained')$$,
                'clean and resolved: the operator resumes the strategy');
SELECT is((SELECT status FROM api.strategies WHERE account = 'rs' AND strategy = 's1'), 'active', '... which is active again');

SELECT * FROM finish();
ROLLBACK;
