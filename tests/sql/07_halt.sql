-- 07_halt.sql — the halt is one call (DESIGN.md §3.8; issue: "SELECT api.halt('reason')").
--
-- As predator_operator, SELECT api.halt('reason') halts globally: the halt is recorded with who and why in
-- the append-only audit log and halt events, every admission afterwards is refused, and only an explicit
-- api.resume with a reason lifts it (PD014 when nothing is halted, PD012 without a reason). Scoped halts
-- (account, lane, strategy) cover only their scope. The worker and the auditor cannot halt or resume (42501).
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(45);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[24])::numeric[]) AS bars \gset
SELECT pg_temp.new_account('h1') AS h1, pg_temp.new_account('h2') AS h2 \gset
SELECT api.register_strategy('h1', 's2', '{}', 'second strategy') AS r \gset
-- pg_temp.why(account, hour, strategy) -> reasons of a 1 BTC buy decided at 2024-01-01 <hour>:00
CREATE FUNCTION pg_temp.why(p_account text, p_hour integer, p_strategy text DEFAULT 's1') RETURNS text[] LANGUAGE sql AS $$
    SELECT pg_temp.reasons(p_account, 'BTC/USDT', '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour', 'buy', 1, 50, p_strategy) $$;

-- Who may halt ------------------------------------------------------------------------------------------------
SET LOCAL ROLE predator_worker;
SELECT throws_ok($$SELECT api.halt('worker tries')$$, '42501', NULL, 'the worker cannot call api.halt (42501)');
SELECT throws_ok($$SELECT api.resume('worker tries')$$, '42501', NULL, 'the worker cannot call api.resume (42501)');
SELECT is(pg_temp.why('h1', 1), '{}', 'the worker''s admissions go through while nothing is halted');
RESET ROLE;
SET LOCAL ROLE predator_auditor;
SELECT throws_ok($$SELECT api.halt('auditor tries')$$, '42501', NULL, 'the auditor cannot call api.halt (42501)');
RESET ROLE;

-- One call halts everything ----------------------------------------------------------------------------------
SET LOCAL ROLE predator_operator;
SELECT lives_ok($$SELECT api.halt('pgtap: venue outage')$$, 'the operator halts with SELECT api.halt(''reason'')');
RESET ROLE;
SELECT results_eq($$SELECT action, target, reason, actor FROM ops.audit_log WHERE book_id = 0 ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('halt'::text, 'global:*'::text, 'pgtap: venue outage'::text, (session_user::text || ' as predator_operator')::text COLLATE "default")$$,
                  'the audit log records the halt: what, target, why and who');
SELECT ok((SELECT recorded_at IS NOT NULL FROM ops.audit_log WHERE book_id = 0 ORDER BY seq DESC LIMIT 1), '... and when');
SELECT results_eq($$SELECT scope_kind, scope_key, action, reason, source, actor FROM risk.halt_event WHERE book_id = 0 ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('global'::text, '*'::text, 'halt'::text, 'pgtap: venue outage'::text, 'operator'::text, (session_user::text || ' as predator_operator')::text COLLATE "default")$$,
                  'the halt event records scope, reason, source and actor');
SELECT results_eq($$SELECT scope_kind, scope_key, active FROM api.halts$$, $$VALUES ('global'::text, '*'::text, true)$$,
                  'api.halts shows the global halt active');
SET LOCAL ROLE predator_worker;
SELECT is(pg_temp.why('h1', 2), '{halted_global}', 'after the halt the worker''s admission is refused: halted_global');
SELECT is(pg_temp.why('h2', 2), '{halted_global}', '... for every account');
SELECT is((SELECT count(*) FROM api.orders WHERE ts = '2024-01-01T02:00:00Z'), 0::bigint, '... and no order was created');
RESET ROLE;

-- It stays until an operator resumes it with a reason ---------------------------------------------------------
SELECT count(*) AS c FROM api.close_hour('h1', '2024-01-01T03:00:00Z') \gset
SELECT is(pg_temp.why('h1', 3), '{halted_global}', 'closing an hour does not lift the halt');
SELECT api.halt('pgtap: and the account', 'account', 'h1') AS x \gset
SELECT api.resume('pgtap: account checked', 'account', 'h1') AS x \gset
SELECT is(pg_temp.why('h1', 4), '{halted_global}', 'resuming an account does not lift the global halt');
SET LOCAL ROLE predator_operator;
SELECT throws_ok($$SELECT api.resume('')$$, 'PD012', NULL, 'a resume without a reason is refused (PD012)');
SELECT throws_ok($$SELECT api.resume('   ')$$, 'PD012', NULL, 'a blank reason is no reason (PD012)');
SELECT throws_ok($$SELECT api.resume(NULL)$$, 'PD012', NULL, 'a NULL reason is no reason (PD012)');
SELECT pg_temp.approve_resume() AS approval \gset
SELECT lives_ok($$SELECT api.resume('pgtap: venue back, inspected')$$, 'the operator resumes with a reason');
RESET ROLE;
SELECT results_eq($$SELECT action, target, reason, actor FROM ops.audit_log WHERE book_id = 0 ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('resume'::text, 'global:*'::text, 'pgtap: venue back, inspected'::text, (session_user::text || ' as predator_operator')::text COLLATE "default")$$,
                  'the audit log records the resume: what, target, why and who');
SELECT results_eq($$SELECT active FROM api.halts WHERE scope_kind = 'global'$$, $$VALUES (false)$$, 'the global halt is lifted');
SELECT is(pg_temp.why('h2', 5), '{}', 'admissions go through again');
SELECT throws_ok($$SELECT api.resume('pgtap: nothing to resume')$$, 'PD014', NULL, 'resuming when nothing is halted is refused (PD014)');
SELECT throws_ok($$SELECT api.resume('pgtap', 'account', 'h2')$$, 'PD014', NULL, 'resuming an account that is not halted is refused (PD014)');

-- Reasons and scopes are checked -------------------------------------------------------------------------------
SELECT throws_ok($$SELECT api.halt('')$$, 'PD012', NULL, 'a halt without a reason is refused (PD012)');
SELECT throws_ok($$SELECT api.halt(NULL)$$, 'PD012', NULL, 'a halt with a NULL reason is refused (PD012)');
SELECT throws_ok($$SELECT api.halt('pgtap', 'galaxy')$$, 'PD012', NULL, 'an unknown scope is refused (PD012)');
SELECT throws_ok($$SELECT api.halt('pgtap', 'lane', 'moon')$$, 'PD012', NULL, 'an unknown lane is refused (PD012)');
SELECT throws_ok($$SELECT api.halt('pgtap', 'account', 'nobody')$$, 'PD011', NULL, 'an unknown account is refused (PD011)');
SELECT throws_ok($$SELECT api.halt('pgtap', 'strategy', 'h1/nostrategy')$$, 'PD011', NULL, 'an unknown strategy is refused (PD011)');
SELECT throws_ok($$SELECT api.halt('pgtap', 'global', 'h1')$$, 'PD012', NULL,
                 'a global halt with a target is refused (PD012): the target without its scope named one account');
SELECT throws_ok($$SELECT api.resume('pgtap', 'global', 'h1')$$, 'PD012', NULL, '... and so is such a resume');
SELECT is((SELECT count(*) FROM risk.halt_state WHERE active), 0::bigint, 'none of the refused halts halted anything');

-- Scoped halts cover only their scope ----------------------------------------------------------------------------
SELECT api.halt('pgtap: account h1', 'account', 'h1') AS x \gset
SELECT is(pg_temp.why('h1', 6), '{halted_account}', 'an account halt covers the account');
SELECT is(pg_temp.why('h2', 6), '{}', '... not another account');
SELECT api.resume('pgtap', 'account', 'h1') AS x \gset
SELECT api.halt('pgtap: strategy h1/s1', 'strategy', 'h1/s1') AS x \gset
SELECT is(pg_temp.why('h1', 7, 's1'), '{halted_strategy}', 'a strategy halt covers the strategy');
SELECT is(pg_temp.why('h1', 7, 's2'), '{}', '... not another strategy of the same account');
SELECT is(pg_temp.why('h2', 7, 's1'), '{}', '... nor the strategy of the same name on another account');
SELECT api.resume('pgtap', 'strategy', 'h1/s1') AS x \gset
SELECT api.halt('pgtap: canary lane', 'lane', 'live_canary') AS x \gset
SELECT is(pg_temp.why('h1', 8), '{}', 'a halt of the live_canary lane does not cover paper accounts');
SELECT api.halt('pgtap: paper lane', 'lane', 'paper') AS x \gset
SELECT is(pg_temp.why('h1', 9), '{halted_lane}', 'a halt of the paper lane covers paper accounts');
SELECT results_eq($$SELECT scope_kind, scope_key FROM api.halts WHERE active ORDER BY 1, 2$$,
                  $$VALUES ('lane'::text, 'live_canary'::text), ('lane', 'paper')$$, 'api.halts lists the active halts');
SELECT api.resume('pgtap', 'lane', 'paper') AS x \gset
SELECT is(pg_temp.why('h1', 10), '{}', 'resuming the paper lane lifts it');

-- Every halt and resume is in the audit log and the halt events -------------------------------------------------
SELECT is((SELECT count(*) FROM risk.halt_event), 11::bigint, 'eleven halt events: 6 halts and 5 resumes');
SELECT is((SELECT count(*) FROM ops.audit_log WHERE action IN ('halt', 'resume')), 11::bigint, '... each with its audit row');
SELECT is_empty($$SELECT * FROM ops.audit_log WHERE action IN ('halt', 'resume') AND (length(btrim(reason)) = 0 OR actor IS NULL)$$,
                'every audit row has a reason and an actor');
SELECT is_empty('SELECT * FROM api.verify_chains()', 'the halt and audit chains verify');

SELECT * FROM finish();
ROLLBACK;
