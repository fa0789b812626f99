-- 36_approvals.sql — the two-person rule, policy ceilings, safe-mode templates and a resume that names the
-- incidents it answers (issue 16, item 3 Admin; migration 0035).
--
-- Operators are told apart by their login (session_user): predator_operator_login asks, predator_approver_login
-- approves. Attacker-style: an operator approving its own request (also after SET ROLE), an approval used
-- twice, used for another action, scope, limit or value, used by the approver rather than the requester, an
-- expired one, NaN or an infinite or far-future validity; the rule turned off alone; a limit raised above its
-- policy ceiling alone.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(67);

-- pg_temp.as_login(login, sql) -> 'ok' or the SQLSTATE the statement raised, run as that login.
CREATE FUNCTION pg_temp.as_login(p_login text, p_sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SET LOCAL SESSION AUTHORIZATION %I', p_login);
    BEGIN
        EXECUTE p_sql;
    EXCEPTION WHEN OTHERS THEN
        RESET SESSION AUTHORIZATION;
        RETURN SQLSTATE;
    END;
    RESET SESSION AUTHORIZATION;
    RETURN 'ok';
END
$$;
-- pg_temp.request_as(login, action, target, mode, value) -> request id
CREATE FUNCTION pg_temp.request_as(p_login text, p_action text, p_target text, p_mode text DEFAULT NULL,
                                   p_value numeric DEFAULT NULL) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    EXECUTE format('SET LOCAL SESSION AUTHORIZATION %I', p_login);
    v := api.request_approval(p_action, p_target, 'pgtap: ' || p_action, p_mode, p_value);
    RESET SESSION AUTHORIZATION;
    RETURN v;
END
$$;
CREATE TEMP VIEW op AS SELECT 'predator_operator_login'::text AS login;

-- The rule is on by default ------------------------------------------------------------------------------------
SELECT ok(ops.two_person_rule(), 'the two-person rule holds by default (two_person_rule unset)');
SELECT api.halt('pgtap: global halt') AS h \gset
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.resume('pgtap: alone')$$), 'PD017',
          'a resume of the global halt without a second operator''s approval is refused (PD017)');
SELECT throws_like($$SELECT api.resume('pgtap: alone')$$, '%needs a second operator''s approval%',
                   '... with a message that says so');
SELECT ok((SELECT active FROM api.halts WHERE scope_kind = 'global'), '... and the halt stays');
SELECT api.halt('pgtap', 'lane', 'paper') AS h \gset
SELECT lives_ok($$SELECT api.resume('pgtap: lane', 'lane', 'paper')$$, 'a lane resume needs no approval');

-- Who may ask and approve ----------------------------------------------------------------------------------------
SET LOCAL ROLE predator_worker;
SELECT throws_ok($$SELECT api.request_approval('resume', 'global', 'worker')$$, '42501', NULL, 'the worker cannot ask (42501)');
SELECT throws_ok($$SELECT api.approve(1, 'worker')$$, '42501', NULL, 'the worker cannot approve (42501)');
RESET ROLE;
SET LOCAL ROLE predator_auditor;
SELECT throws_ok($$SELECT api.approve(1, 'auditor')$$, '42501', NULL, 'the auditor cannot approve (42501)');
RESET ROLE;

-- An operator cannot approve its own request, not even after SET ROLE -------------------------------------------------
SELECT pg_temp.request_as('predator_operator_login', 'resume', 'global') AS r1 \gset
SELECT is(pg_temp.as_login('predator_operator_login', format('SELECT api.approve(%s, %L)', :r1, 'me')), 'PD018',
          'the requester approving its own request is refused (PD018)');
SELECT is(pg_temp.as_login('predator_operator_login', format('SET LOCAL ROLE predator_operator; SELECT api.approve(%s, %L)', :r1, 'me again')),
          'PD018', '... also after SET ROLE predator_operator (the login, session_user, is the identity)');
SELECT is((SELECT status FROM api.approval_requests WHERE request_id = :r1), 'pending', '... the request is still pending');
SELECT is(pg_temp.as_login('predator_approver_login', format('SELECT api.approve(%s, %L)', :r1, '')), 'PD012',
          'an approval without a reason is refused (PD012)');
SELECT is(pg_temp.as_login('predator_approver_login', 'SELECT api.approve(999999, ''x'')'), 'PD011',
          'approving an unknown request is refused (PD011)');

-- A second operator approves; the requester's resume uses it, once ---------------------------------------------------
SELECT is(pg_temp.as_login('predator_approver_login', format('SELECT api.approve(%s, %L)', :r1, 'pgtap: seen the runbook')), 'ok',
          'a second operator login approves');
SELECT is(pg_temp.as_login('predator_approver_login', format('SELECT api.approve(%s, %L)', :r1, 'twice')), 'PD018',
          'an approval is given once (PD018)');
SELECT results_eq($$SELECT status, requested_by, approved_by FROM api.approval_requests WHERE request_id = $$ || :r1,
                  $$VALUES ('approved'::text, 'predator_operator_login'::text, 'predator_approver_login'::text)$$,
                  'api.approval_requests: approved, by whom, for whom');
SELECT is(pg_temp.as_login('predator_approver_login', $$SELECT api.resume('pgtap: the approver itself')$$), 'PD017',
          'the approver cannot use the approval it gave (it is the requester''s) (PD017)');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_setting('two_person_rule', 0, 'pgtap')$$), 'PD017',
          'an approval of a resume does not approve another action (PD017)');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.resume('pgtap: approved')$$), 'ok',
          'the requester resumes the global halt with the approval');
SELECT ok(NOT (SELECT active FROM api.halts WHERE scope_kind = 'global'), '... the global halt is lifted');
SELECT results_eq($$SELECT status, used_by FROM api.approval_requests WHERE request_id = $$ || :r1,
                  $$VALUES ('used'::text, 'predator_operator_login'::text)$$, '... the approval is used');
SELECT results_eq($$SELECT action, args, actor FROM ops.audit_log WHERE action IN ('request_approval', 'approve', 'resume') AND target IN ('resume:global', 'global:*') ORDER BY seq DESC LIMIT 3$$,
                  format($$VALUES ('resume'::text, '{"approval": %s}'::jsonb, 'predator_operator_login'::text),
                                 ('approve', '{"request": %s, "params": {}, "requested_by": "predator_operator_login"}', 'predator_approver_login'),
                                 ('request_approval', (SELECT args FROM ops.audit_log WHERE action = 'request_approval' ORDER BY seq DESC LIMIT 1), 'predator_operator_login')$$,
                         :r1, :r1),
                  'the audit log records the request, the approval (who, for whom) and the resume with its approval');
SELECT api.halt('pgtap: again') AS h \gset
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.resume('pgtap: reuse')$$), 'PD017',
          'the same approval used a second time is refused (PD017)');
SELECT throws_ok($$UPDATE ops.approval_use SET used_by = 'x'$$, 'PD001', NULL, 'ops.approval_use is append-only (PD001)');
SELECT throws_ok($$DELETE FROM ops.approval$$, 'PD001', NULL, 'ops.approval is append-only (PD001)');
SELECT throws_ok($$UPDATE ops.approval_request SET valid_until = valid_until + interval '1 hour'$$, 'PD001', NULL,
                 'ops.approval_request is append-only (PD001)');

-- Arguments: NaN, infinite, past or far-future validity, not a high-risk action --------------------------------------
SELECT throws_ok($$SELECT api.request_approval('set_limit', 'live_canary/max_order_notional', 'pgtap', 'pct', 'NaN')$$, 'PD012', NULL,
                 'a NaN value is refused (PD012)');
SELECT throws_ok($$SELECT api.request_approval('resume', 'global', 'pgtap', NULL, NULL, 'infinity')$$, 'PD012', NULL,
                 'an infinite validity is refused (PD012)');
SELECT throws_ok($$SELECT api.request_approval('resume', 'global', 'pgtap', NULL, NULL, clock_timestamp() + interval '3 days')$$, 'PD012', NULL,
                 'a validity more than 24 hours ahead is refused (PD012)');
SELECT throws_ok($$SELECT api.request_approval('resume', 'global', 'pgtap', NULL, NULL, clock_timestamp() - interval '1 minute')$$, 'PD012', NULL,
                 'a validity in the past is refused (PD012)');
SELECT throws_ok($$SELECT api.request_approval('resume', 'account', 'pgtap')$$, 'PD012', NULL, 'an action that needs no approval is refused (PD012)');
SELECT throws_ok($$SELECT api.request_approval('set_limit', 'nope/max_order_notional', 'pgtap', 'pct', 20)$$, 'PD011', NULL,
                 'an unknown profile is refused (PD011)');
SELECT throws_ok($$SELECT api.request_approval('resume', 'global', '  ')$$, 'PD012', NULL, 'a request without a reason is refused (PD012)');
-- an expired approval (a request recorded two hours ago, valid for one)
INSERT INTO ops.approval_request (action, target, params, reason, requested_by, requested_at, valid_until)
VALUES ('resume', 'global', '{}', 'pgtap: old', 'predator_operator_login', clock_timestamp() - interval '2 hours', clock_timestamp() - interval '1 hour')
RETURNING request_id AS r_old \gset
SELECT is(pg_temp.as_login('predator_approver_login', format('SELECT api.approve(%s, %L)', :r_old, 'late')), 'PD018',
          'an expired request cannot be approved (PD018)');
SELECT is((SELECT status FROM api.approval_requests WHERE request_id = :r_old), 'expired', '... it shows as expired');

-- Policy ceilings ---------------------------------------------------------------------------------------------------
SELECT is((SELECT ceiling FROM api.limit_policy WHERE profile = 'live_canary' AND limit_name = 'max_order_notional'), 10::numeric,
          'the live_canary profile ships with ceilings at its shipped limits');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit('live_canary', 'max_order_notional', 'pct', 8, 'pgtap: lower')$$), 'ok',
          'a limit within its ceiling needs no approval');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit('live_canary', 'max_order_notional', 'pct', 20, 'pgtap: higher')$$), 'PD017',
          'a limit above its ceiling needs an approval (PD017)');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit('live_canary', 'max_order_notional', 'pct', NULL, 'pgtap: off')$$), 'PD017',
          '... so does disabling it (PD017)');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit('live_canary', 'max_order_notional', 'abs', 5, 'pgtap: another mode')$$), 'PD017',
          '... and setting it in a mode the ceiling does not bound (PD017)');
SELECT pg_temp.request_as('predator_operator_login', 'set_limit', 'live_canary/max_order_notional', 'pct', 20) AS r2 \gset
SELECT pg_temp.approve_as('predator_approver_login', :r2) AS x \gset
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit('live_canary', 'max_order_notional', 'pct', 30, 'pgtap: more than approved')$$), 'PD017',
          'an approval of 20 does not cover 30 (PD017)');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit('live_canary', 'max_order_notional', 'pct', 20, 'pgtap', 'L1')$$), 'PD017',
          '... nor another scope (PD017)');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit('live_canary', 'max_instrument_exposure', 'pct', 20, 'pgtap')$$), 'ok',
          '(max_instrument_exposure 20 is at its ceiling: no approval needed)');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit('live_canary', 'max_instrument_exposure', 'pct', 25, 'pgtap')$$), 'PD017',
          '... nor another limit (PD017)');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.resume('pgtap: with a limit approval')$$), 'PD017',
          '... nor a resume (PD017)');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit('live_canary', 'max_order_notional', 'pct', 20, 'pgtap: approved')$$), 'ok',
          'the approved value goes through');
SELECT results_eq($$SELECT args ->> 'above_policy', args ->> 'approval' FROM ops.audit_log WHERE action = 'set_limit' ORDER BY seq DESC LIMIT 1$$,
                  format($$VALUES ('true'::text, %L::text)$$, :r2), '... audited as above policy, with its approval');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit_policy('live_canary', 'max_order_notional', 'pct', 5, 'pgtap: tighter')$$), 'ok',
          'lowering a ceiling needs no approval');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit_policy('live_canary', 'max_order_notional', 'pct', 50, 'pgtap: looser')$$), 'PD017',
          'raising a ceiling needs an approval (PD017)');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_limit_policy('live_canary', 'max_order_notional', 'pct', NULL, 'pgtap: none')$$), 'PD017',
          '... and so does lifting it (PD017)');

-- Turning the rule off is itself a two-person action -------------------------------------------------------------------
SELECT pg_temp.request_as('predator_operator_login', 'set_setting', 'two_person_rule', NULL, 0) AS r3 \gset
SELECT pg_temp.approve_as('predator_approver_login', :r3) AS x \gset
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_setting('two_person_rule', 0, 'pgtap: one operator')$$), 'ok',
          'with an approval the rule is turned off');
SELECT ok(NOT ops.two_person_rule(), '... and no longer holds');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.resume('pgtap: alone, rule off')$$), 'ok',
          'then one operator resumes the global halt alone');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT api.set_setting('two_person_rule', 1, 'pgtap: back on')$$), 'ok',
          'turning it back on needs nobody else');

-- Safe-mode templates -------------------------------------------------------------------------------------------------
SELECT api.apply_safe_mode('default', 'reduced', 'pgtap: drill') AS sm \gset
SELECT is((risk.current_limits('default') #>> '{max_order_notional,*,value}')::numeric, 10::numeric,
          'apply_safe_mode writes the template''s limits (max_order_notional 25 -> 10)');
SELECT is((risk.current_limits('default') #>> '{max_orders_per_hour,*,value}')::numeric, 10::numeric, '... every one of them');
SELECT is((SELECT count(*) FROM ops.audit_log WHERE action = 'set_limit' AND args ->> 'origin' = 'safe_mode:reduced'), 6::bigint,
          '... through the path of api.set_limit (one audited revision per limit)');
SELECT throws_ok($$SELECT api.apply_safe_mode('default', 'minimal', 'pgtap')$$, 'PD012', NULL, 'one safe mode at a time (PD012)');
SELECT throws_ok($$SELECT api.apply_safe_mode('default', 'reckless', 'pgtap')$$, 'PD011', NULL, 'an unknown template is refused (PD011)');
SELECT is(api.revert_safe_mode('default', 'pgtap: drill over'), :sm::bigint, 'revert_safe_mode reverts the application in force');
SELECT is((risk.current_limits('default') #>> '{max_order_notional,*,value}')::numeric, 25::numeric, '... restoring the limits it replaced');
SELECT throws_ok($$SELECT api.revert_safe_mode('default', 'pgtap')$$, 'PD014', NULL, 'nothing to revert: PD014');

-- A resume names the incidents it answers ------------------------------------------------------------------------------
SELECT api.halt('pgtap: to answer') AS h \gset
SELECT incident AS inc FROM api.incidents WHERE description = 'pgtap: to answer' \gset
SELECT pg_temp.approve_resume('pgtap: answers') AS x \gset
SELECT throws_ok($$SELECT api.resume('pgtap', 'global', NULL, ARRAY['INC-x'])$$, 'PD012', NULL, 'a malformed incident is refused (PD012)');
SELECT throws_ok($$SELECT api.resume('pgtap', 'global', NULL, ARRAY['INC-0-999999'])$$, 'PD011', NULL, 'an unknown incident is refused (PD011)');
SELECT lives_ok(format($$SELECT api.resume('pgtap: answered', 'global', NULL, ARRAY[%L])$$, :'inc'), 'a resume names the incident it answers');
SELECT results_eq(format($$SELECT status, resolution FROM api.incidents WHERE incident = %L$$, :'inc'),
                  $$VALUES ('resolved'::text, 'postgres: answered by the resume of global *: pgtap: answered'::text)$$,
                  '... which it resolves, saying so');
SELECT is((SELECT args -> 'incidents' FROM ops.audit_log WHERE action = 'resume' ORDER BY seq DESC LIMIT 1), jsonb_build_array(:'inc'),
          '... and records in its audit row');

SELECT * FROM finish();
ROLLBACK;
