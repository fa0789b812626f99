-- 23_chaos.sql — chaos campaigns (issue 14 items 4 and 5): api.record_chaos_campaign records a campaign and its
-- faults in one audited call, only for the operator; it refuses an unknown account (PD011), malformed figures
-- (PD012) and an hour in the future (PD015); the tables are append-only (PD001); api.chaos_metrics computes the
-- campaign's uptime, halts, recovery time, faults injected and % survived without a human from the book.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(16);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[6])::numeric[]) AS bars \gset
SELECT pg_temp.new_account('cc') AS book \gset

CREATE FUNCTION pg_temp.campaign(p_first text DEFAULT '2024-01-01T00:00:00Z', p_extra jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object('campaign', 1, 'seed', 42, 'days', 1, 'schedule_digest', repeat('ab', 32),
        'first_hour', p_first, 'last_hour', '2024-01-01T02:00:00Z', 'faults_end_hour', '2024-01-01T01:00:00Z',
        'worker_starts', 3, 'worker_kills', 1, 'db_stops', 1, 'operator_resumes', 1, 'failed_gate_checks', 0,
        'failed_chain_checks', 0, 'segments', 2, 'liveness_hour', '2024-01-01T02:00:00Z', 'replay_parity', true,
        'passed', true, 'failures', '[]'::jsonb, 'wall_seconds', 3600) || p_extra $$;
CREATE FUNCTION pg_temp.faults() RETURNS jsonb LANGUAGE sql AS $$
    SELECT '[{"hour": "2024-01-01T00:00:00Z", "layer": "worker", "kind": "sigkill", "params": {"phase": "hour"}, "outcome": "sigkill"},
             {"hour": "2024-01-01T01:00:00Z", "layer": "venue", "kind": "network_down", "params": {"hours": 1}, "outcome": "applied by the worker"},
             {"hour": "2024-01-01T02:00:00Z", "layer": "postgres", "kind": "immediate_stop", "params": {}, "outcome": "missed: the worker had finished"}]'::jsonb $$;

-- Hour 0 closes with nothing halted; the account is halted, hour 1 closes halted; resumed; hour 2 closes.
SELECT lives_ok($$SELECT api.close_hour('cc', '2024-01-01T00:00:00Z')$$, 'hour 0 closes');
SET LOCAL ROLE predator_operator;
SELECT lives_ok($$SELECT api.halt('pgtap: chaos', 'account', 'cc')$$, 'the operator halts the account');
RESET ROLE;
SELECT lives_ok($$SELECT api.close_hour('cc', '2024-01-01T01:00:00Z')$$, 'hour 1 closes halted');
SET LOCAL ROLE predator_operator;
SELECT lives_ok($$SELECT api.resume('pgtap: runbook checks passed', 'account', 'cc')$$, 'the operator resumes');
RESET ROLE;
SELECT lives_ok($$SELECT api.close_hour('cc', '2024-01-01T02:00:00Z')$$, 'hour 2 closes');

-- Who may record ------------------------------------------------------------------------------------------------
SET LOCAL ROLE predator_worker;
SELECT throws_ok($$SELECT api.record_chaos_campaign('cc', pg_temp.campaign(), pg_temp.faults(), 'worker tries')$$,
                 '42501', NULL, 'the worker cannot record a campaign (42501)');
RESET ROLE;
SET LOCAL ROLE predator_operator;
SELECT throws_ok($$SELECT api.record_chaos_campaign('nobody', pg_temp.campaign(), pg_temp.faults(), 'pgtap')$$,
                 'PD011', NULL, 'an unknown account is refused (PD011)');
SELECT throws_ok($$SELECT api.record_chaos_campaign('cc', pg_temp.campaign() - 'seed', pg_temp.faults(), 'pgtap')$$,
                 'PD012', NULL, 'a campaign without every figure is refused (PD012)');
SELECT throws_ok($$SELECT api.record_chaos_campaign('cc', pg_temp.campaign(p_extra => '{"worker_kills": "many"}'), pg_temp.faults(), 'pgtap')$$,
                 'PD012', NULL, 'a malformed figure is refused (PD012)');
SELECT throws_ok($$SELECT api.record_chaos_campaign('cc', pg_temp.campaign('2999-01-01T00:00:00Z'), pg_temp.faults(), 'pgtap')$$,
                 'PD015', NULL, 'an hour in the future is refused (PD015)');
SELECT throws_ok($$SELECT api.record_chaos_campaign('cc', pg_temp.campaign(), pg_temp.faults(), '')$$,
                 'PD012', NULL, 'a campaign without a reason is refused (PD012)');
SELECT api.record_chaos_campaign('cc', pg_temp.campaign(), pg_temp.faults(), 'pgtap: campaign 1 seed 42') AS cid \gset
RESET ROLE;

SELECT results_eq($$SELECT action, target, reason FROM ops.audit_log WHERE book_id = $$ || :book || $$ ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('record_chaos_campaign'::text, 'cc'::text, 'pgtap: campaign 1 seed 42'::text)$$,
                  'the record is audited with its reason');
SELECT results_eq(format($$SELECT layer, outcome FROM api.chaos_faults WHERE campaign_id = %s ORDER BY seq$$, :cid),
                  $$VALUES ('worker'::text, 'sigkill'::text), ('venue', 'applied by the worker'), ('postgres', 'missed: the worker had finished')$$,
                  'the faults are stored in order with their outcomes');
SELECT results_eq(format($$SELECT hours, uptime_pct, halts, halts_unresolved, faults_injected, scenarios_injected,
                                  survived_without_human_pct, state_corruption_incidents, execution_portfolio_mismatches
                             FROM api.chaos_metrics WHERE campaign_id = %s$$, :cid),
                  $$VALUES (3::bigint, 66.67::numeric, 1::bigint, 0::bigint, 2::bigint, 2::bigint, 50.00::numeric, 0, 0::bigint)$$,
                  'metrics: 2 of 3 hours up, one halt lifted, 2 faults injected (the missed one not counted), one needed the operator');
SELECT ok((SELECT mttr_seconds >= 0 FROM api.chaos_metrics WHERE campaign_id = :cid), 'the recovery time of the halt is measured');
SELECT throws_ok(format($$UPDATE ops.chaos_campaign SET passed = false WHERE campaign_id = %s$$, :cid), 'PD001', NULL,
                 'ops.chaos_campaign is append-only (PD001)');

SELECT * FROM finish();
ROLLBACK;
