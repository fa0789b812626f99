-- 40_lanes.sql — lanes and live sessions (issue 16 item 4; migration 0039; docs/operator.md, "Lanes and sessions").
--
-- The lane registry (budgets, envelopes, revisions, the two-person rule on a live budget raised); the session
-- status machine (PD021 on an illegal move, whoever makes it); the lane budget (PD022 lane_budget); what suspends a
-- session by itself (a halt covering it, a severity-1 incident of its account, a canary envelope breach at an hour
-- close) and what a resume waits for; promotion live_canary -> live_promoted refused by each rule with its reason
-- code (PD023), then the second operator's approval (PD017), then the lane change with its change-log row; the
-- demotion, refused without a distinct operator's approval (PD017) and made with one; a breach of the promoted
-- envelope at an hour close that suspends the session and halts its account with a risk incident, the lane
-- unchanged; the guards of trading.account and ops.session; and who may call it all (not the worker, not the
-- auditor).
--
-- Accounts: shadow books in the live_canary lane (live lanes, no burn-in needed), breakers off, profile
-- unconstrained. Bars of BTC/USDT from 2024-01-01 00:00: 100 to 05:00, 88 from 06:00 to 12:00, 100 from 13:00,
-- 85 from 2024-01-02 05:00.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(137);

CREATE FUNCTION pg_temp.at(p_h integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + make_interval(hours => p_h) $$;
-- pg_temp.canary(name) -> book id: a shadow book in live_canary, 10000 USDT, strategy s1, breakers off in both
-- live lanes.
CREATE FUNCTION pg_temp.canary(p_name text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_book integer;
BEGIN
    v_book := api.create_account(p_name, 'shadow', 'binance', 'USDT', 'live_canary', 10000, 'unconstrained', 'pgtap set-up');
    PERFORM api.deposit(p_name, 10000, pg_temp.at(0), 'pgtap set-up');
    PERFORM api.register_strategy(p_name, 's1', '{}'::jsonb, 'pgtap set-up');
    PERFORM api.set_breaker(l.lane, k.breaker, NULL, 'pgtap set-up: breakers off', p_name)
       FROM risk.breaker_kind k CROSS JOIN (VALUES ('live_canary'), ('live_promoted')) l(lane);
    RETURN v_book;
END
$$;
-- pg_temp.close(account, from hour, to hour): closes the account's hours from..to (offsets from 2024-01-01 00:00).
CREATE FUNCTION pg_temp.close(p_account text, p_from integer, p_to integer) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    FOR h IN p_from .. p_to LOOP
        PERFORM api.close_hour(p_account, pg_temp.at(h));
    END LOOP;
    RETURN p_to - p_from + 1;
END
$$;
-- pg_temp.err(sql) -> 'SQLSTATE: message' of the error the statement raises ('ok' when none; rolled back either way)
CREATE FUNCTION pg_temp.err(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_state text;
    v_msg   text;
BEGIN
    BEGIN
        EXECUTE p_sql;
        RETURN 'ok';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT;
    END;
    RETURN v_state || ': ' || v_msg;
END
$$;
CREATE FUNCTION pg_temp.status(p_session bigint) RETURNS text LANGUAGE sql AS $$
    SELECT status FROM api.sessions WHERE session_id = p_session $$;
CREATE FUNCTION pg_temp.last_cause(p_session bigint) RETURNS text LANGUAGE sql AS $$
    SELECT cause || '/' || source FROM api.session_events WHERE session_id = p_session ORDER BY seq DESC LIMIT 1 $$;
CREATE FUNCTION pg_temp.account_halted(p_account text) RETURNS boolean LANGUAGE sql AS $$
    SELECT coalesce((SELECT active FROM risk.halt_state WHERE scope_kind = 'account' AND scope_key = p_account), false) $$;

SELECT pg_temp.load_bars('BTC/USDT', pg_temp.at(0),
    array_fill(100, ARRAY[6])::numeric[] || array_fill(88, ARRAY[7])::numeric[]
    || array_fill(100, ARRAY[16])::numeric[] || array_fill(85, ARRAY[8])::numeric[]) AS bars \gset
SELECT pg_temp.canary('lna') AS a, pg_temp.canary('lnb') AS b, pg_temp.canary('lnc') AS c, pg_temp.canary('lnd') AS d \gset

-- The lane registry ----------------------------------------------------------------------------------------------
SELECT results_eq($$SELECT lane, capital_budget, currency, max_drawdown_pct, max_daily_loss_pct, min_days, allocated FROM api.lanes ORDER BY lane$$,
                  $$VALUES ('live_canary'::text, 1000::numeric, 'USDT'::text, 5::numeric, 1::numeric, 14, 0::numeric),
                           ('live_promoted', 10000, 'USDT', 10, 2, 0, 0), ('paper', 1000000, 'USDT', 50, 10, 0, 0)$$,
                  'the shipped lanes: budgets, currencies, envelopes, minimum days');
SELECT throws_ok($$SELECT api.set_lane('live_canary', 1000, 'USDT', 0, 1, 1, 'pgtap')$$, 'PD012', NULL, 'a drawdown of 0 %: PD012');
SELECT throws_ok($$SELECT api.set_lane('live_canary', 1000, 'USDT', 5, 101, 1, 'pgtap')$$, 'PD012', NULL, 'a daily loss above 100 %: PD012');
SELECT throws_ok($$SELECT api.set_lane('fast_lane', 1000, 'USDT', 5, 1, 1, 'pgtap')$$, 'PD012', NULL, 'an unknown lane: PD012');
SELECT throws_ok($$SELECT api.set_lane('live_canary', 1000, 'XYZ', 5, 1, 1, 'pgtap')$$, 'PD011', NULL, 'an unknown currency: PD011');
SELECT throws_ok($$SELECT api.set_lane('live_canary', 1000, 'USDT', 5, 1, 1, ' ')$$, 'PD012', NULL, 'no reason: PD012');
SELECT is(api.set_lane('live_canary', 1000, 'USDT', 5, 1, 1, 'pgtap: one day of evidence'), 2,
          'the canary''s minimum days lowered to 1, budget unchanged: no approval needed (revision 2)');
SELECT throws_ok($$SELECT api.set_lane('live_promoted', 20000, 'USDT', 10, 2, 0, 'pgtap: more')$$, 'PD017', NULL,
                 'raising a live lane''s budget alone is refused (PD017, the two-person rule)');
SELECT throws_ok($$SELECT api.set_lane('live_promoted', 10000, 'USDC', 10, 2, 0, 'pgtap: other money')$$, 'PD017', NULL,
                 '... and so is giving it another currency');
SELECT lives_ok($$SELECT api.set_lane('paper', 2000000, 'USDT', 50, 10, 0, 'pgtap: paper money')$$,
                'the paper lane''s budget is raised without an approval');
SELECT pg_temp.approve_as('predator_approver_login',
    api.request_approval('set_lane', 'live_promoted/USDT', 'pgtap: more room', NULL, 20000)) AS r_lane \gset
SELECT is(api.set_lane('live_promoted', 20000, 'USDT', 10, 2, 0, 'pgtap: more room'), 2,
          'with a second operator''s approval of exactly that budget the raise goes through');
SELECT is((SELECT status FROM api.approval_requests WHERE request_id = :r_lane), 'used', '... and uses the approval');
SELECT ok((SELECT args ->> 'approval' = :'r_lane' FROM api.audit_log WHERE action = 'set_lane' AND target = 'live_promoted' ORDER BY seq DESC LIMIT 1),
          '... which its change-log row names');
SELECT is(api.set_lane('live_promoted', 10000, 'USDT', 10, 2, 0, 'pgtap: back down'), 3, 'lowering a live budget needs no approval');
SELECT is((SELECT capital_budget FROM api.lanes WHERE lane = 'live_promoted'), 10000::numeric, 'api.lanes shows the revision in force');

-- Scheduling ------------------------------------------------------------------------------------------------------
SELECT throws_ok($$SELECT api.schedule_session('nobody', 100, 'pgtap')$$, 'PD011', NULL, 'an unknown account: PD011');
SELECT throws_ok($$SELECT api.schedule_session('lna', 100, 'pgtap', 'nope')$$, 'PD011', NULL, 'an unregistered strategy: PD011');
SELECT throws_ok($$SELECT api.schedule_session('lna', 0, 'pgtap')$$, 'PD012', NULL, 'an allocation of 0: PD012');
SELECT throws_ok($$SELECT api.schedule_session('lna', 100, 'pgtap', NULL, '2020-01-01T00:00:00Z')$$, 'PD012', NULL, 'a planned end in the past: PD012');
SELECT throws_ok($$SELECT api.schedule_session('lna', 100, '')$$, 'PD012', NULL, 'no reason: PD012');
SELECT api.schedule_session('lna', 400, 'pgtap: canary A', 's1') AS sa,
       api.schedule_session('lnb', 500, 'pgtap: canary B') AS sb,
       api.schedule_session('lnc', 200, 'pgtap: canary C') AS sc,
       api.schedule_session('lnd', 100, 'pgtap: canary D') AS sd \gset
SELECT results_eq(format($$SELECT status, lane, allocation, currency, account FROM api.sessions WHERE session_id = %s$$, :sa),
                  $$VALUES ('scheduled'::text, 'live_canary'::text, 400::numeric, 'USDT'::text, 'lna'::text)$$,
                  'a scheduled session in the account''s lane, allocated in the lane''s currency');
SELECT results_eq(format($$SELECT from_status, to_status, cause FROM api.session_events WHERE session_id = %s$$, :sa),
                  $$VALUES (NULL::text, 'scheduled'::text, 'operator'::text)$$, 'its creation is its first event');
SELECT ok(EXISTS (SELECT FROM api.audit_log WHERE action = 'schedule_session' AND target = 'SES-' || :sa AND reason = 'pgtap: canary A'),
          '... and the change log has it with its reason');

-- The status machine: illegal moves are refused (PD021) with the legal ones in the HINT ------------------------------
SELECT throws_ok(format('SELECT api.suspend_session(%s, %L)', :sa, 'pgtap'), 'PD021',
                 format('session SES-%s: scheduled -> suspended is not a legal move', :sa), 'suspending a scheduled session: PD021');
SELECT throws_ok(format('SELECT api.resume_session(%s, %L)', :sa, 'pgtap'), 'PD021', NULL, 'resuming a scheduled one: PD021');
SELECT throws_ok(format('SELECT api.complete_session(%s, %L)', :sa, 'pgtap'), 'PD021', NULL, 'completing a scheduled one: PD021');
SELECT throws_ok('SELECT api.start_session(999999, ''pgtap'')', 'PD011', NULL, 'an unknown session: PD011');
SELECT throws_ok(format('INSERT INTO ops.session_event (session_id, to_status, cause, source, reason, actor) VALUES (%s, %L, %L, %L, %L, %L)',
                        :sa, 'completed', 'operator', 'operator', 'pgtap: direct', 'pgtap'),
                 'PD021', NULL, 'an illegal move inserted directly into ops.session_event: PD021 (the trigger)');
SELECT throws_ok(format('UPDATE ops.session SET status = %L WHERE session_id = %s', 'running', :sa), 'PD001', NULL,
                 'a status changed on ops.session directly: PD001 (only through its events)');
SELECT throws_ok(format('UPDATE ops.session SET allocation = 1 WHERE session_id = %s', :sa), 'PD001', NULL,
                 'a session''s allocation never changes: PD001');
SELECT throws_ok(format('DELETE FROM ops.session WHERE session_id = %s', :sa), 'PD001', NULL, 'no session is deleted: PD001');

-- Starting within the lane's budget --------------------------------------------------------------------------------
SELECT api.halt('pgtap: held before its session', 'account', 'lna') AS h \gset
SELECT is(api.start_session(:sa, 'pgtap: go A'), 'running', 'A starts (400 of the canary''s 1000)');
SELECT ok(NOT pg_temp.account_halted('lna'), '... lifting its account''s halt');
SELECT ok(EXISTS (SELECT FROM api.audit_log WHERE action = 'resume' AND target = 'account:lna' AND args ->> 'session' = 'SES-' || :sa),
          '... audited as a resume of the account that names the session');
SELECT throws_ok(format('SELECT api.start_session(%s, %L)', :sa, 'pgtap'), 'PD021', NULL, 'starting it twice: PD021');
SELECT is(api.start_session(:sb, 'pgtap: go B'), 'running', 'B starts (900 of 1000)');
SELECT is(api.start_session(:sd, 'pgtap: go D'), 'running', 'D starts (1000 of 1000)');
SELECT is(pg_temp.err(format('SELECT api.start_session(%s, %L)', :sc, 'pgtap: go C')),
          format('PD022: start of SES-%s refused: lane_budget', :sc), 'C would take the canary to 1200 of 1000: PD022 lane_budget');
SELECT is((SELECT allocated || '/' || available FROM api.lanes WHERE lane = 'live_canary'), '1000/0', 'api.lanes: 1000 allocated, 0 available');
SELECT is(pg_temp.err($$SELECT api.set_lane('live_canary', 900, 'USDT', 5, 1, 1, 'pgtap: less')$$),
          'PD022: set_lane live_canary refused: lane_budget', 'a budget below what the lane''s sessions hold: PD022 lane_budget');
SELECT api.schedule_session('lna', 10, 'pgtap: a second one for A') AS sa2 \gset
SELECT ok(pg_temp.err(format('SELECT api.start_session(%s, %L)', :sa2, 'pgtap')) LIKE '%account_has_active_session%',
          'an account runs one session at a time: PD022 account_has_active_session');
SELECT is(api.roll_back_session(:sa2, 'pgtap: not needed'), 'rolled_back', 'a scheduled session is rolled back (cancelled)');
SELECT ok(NOT pg_temp.account_halted('lna'), '... and its account, which it never ran, is not halted');

-- What suspends a running session by itself, and what its resume waits for ------------------------------------------
SELECT api.halt('pgtap: look at B', 'account', 'lnb') AS h \gset
SELECT is(pg_temp.status(:sb), 'suspended', 'an account halt suspends the account''s running session');
SELECT is(pg_temp.last_cause(:sb), 'halt/system', '... with cause halt, by the system');
SELECT is(api.resume_session(:sb, 'pgtap: seen'), 'running', 'resume_session lifts the account halt and runs again');
SELECT ok(NOT pg_temp.account_halted('lnb'), '... the halt is lifted');
SELECT api.halt('pgtap: everything') AS h \gset
SELECT is((SELECT count(*) FROM api.sessions WHERE status = 'suspended' AND session_id IN (:sa, :sb, :sd)), 3::bigint,
          'a global halt suspends every running session');
SELECT is(pg_temp.err(format('SELECT api.resume_session(%s, %L)', :sb, 'pgtap')),
          format('PD022: resume of SES-%s refused: halted_global', :sb), 'while the global halt holds, a resume is refused: halted_global');
SELECT pg_temp.approve_resume('pgtap: over') AS r \gset
SELECT lives_ok($$SELECT api.resume('pgtap: over')$$, 'the global halt is lifted (two-person rule)');
SELECT is(pg_temp.status(:sb), 'suspended', 'nothing resumes a session by itself');
SELECT is(api.resume_session(:sa, 'pgtap'), 'running', 'A resumes');
SELECT is(api.resume_session(:sb, 'pgtap'), 'running', 'B resumes');
SELECT is(api.resume_session(:sd, 'pgtap'), 'running', 'D resumes');
SELECT api.open_incident(1, 'execution', 'pgtap: the venue disagrees', 'pgtap', 'pgtap', 'lnd') AS inc_d \gset
SELECT is(pg_temp.status(:sd), 'suspended', 'a severity-1 incident of the account suspends its session');
SELECT is((SELECT links ->> 'incident' FROM api.session_events WHERE session_id = :sd ORDER BY seq DESC LIMIT 1), :'inc_d',
          '... linking the incident');
SELECT ok((SELECT :'inc_d' = ANY (incidents) FROM api.sessions WHERE session_id = :sd), 'api.sessions lists it among the session''s incidents');
SELECT is(pg_temp.err(format('SELECT api.resume_session(%s, %L)', :sd, 'pgtap')),
          format('PD022: resume of SES-%s refused: open_severity1_incident', :sd), 'its resume waits for the incident: open_severity1_incident');
SELECT lives_ok(format('SELECT api.update_incident(%L, %L, %L)', :'inc_d', 'resolved', 'pgtap: understood'), 'the incident is resolved');
SELECT is(api.resume_session(:sd, 'pgtap: understood'), 'running', '... and the session resumes');

-- The canary envelope at an hour close --------------------------------------------------------------------------------
SELECT pg_temp.trade('lna', 'BTC/USDT', pg_temp.at(1), 'buy', 50, 100, 0.5, 'LA1') AS t \gset
SELECT pg_temp.close('lna', 2, 6) AS n \gset
SELECT is(pg_temp.status(:sa), 'running', 'A runs while its equity holds');
SELECT pg_temp.close('lna', 7, 7) AS n \gset
SELECT is(pg_temp.status(:sa), 'suspended', 'the close of 07:00 (mark 88: drawdown 6 %, daily loss 6 %) suspends A: beyond the canary envelope (5 %, 1 %)');
SELECT is(pg_temp.last_cause(:sa), 'envelope/system', '... cause envelope, by the system');
SELECT ok(pg_temp.account_halted('lna'), '... and halts its account');
SELECT ok(EXISTS (SELECT FROM api.session_incidents WHERE session_id = :sa AND severity = 2 AND title LIKE '%breached the live_canary envelope%'),
          '... with a risk incident linked to the session');
SELECT ok((SELECT envelope_breached AND max_drawdown > 0.05 FROM api.sessions WHERE session_id = :sa), 'api.sessions flags the breach');
SELECT is(api.resume_session(:sa, 'pgtap: accepted'), 'running', 'an operator resumes it');

-- Promotion: each rule refuses with its reason code -------------------------------------------------------------------
SELECT ok(pg_temp.err(format('SELECT api.promote_session(%s, 1000, %L)', :sa, 'pgtap')) LIKE
          format('PD023: promotion of SES-%s refused: %%drawdown_envelope, daily_loss_envelope%%', :sa),
          'A went beyond the canary envelope: PD023 drawdown_envelope, daily_loss_envelope');
SELECT is(pg_temp.err(format('SELECT api.promote_session(%s, 1000, %L)', :sb, 'pgtap')),
          format('PD023: promotion of SES-%s refused: no_closed_hours, min_days', :sb), 'B has no closed hour yet: no_closed_hours, min_days');
SELECT pg_temp.close('lnb', 1, 10) AS n \gset
SELECT is(pg_temp.err(format('SELECT api.promote_session(%s, 1000, %L)', :sb, 'pgtap')),
          format('PD023: promotion of SES-%s refused: min_days', :sb), 'nine hours of evidence are less than the canary''s one day: min_days');
SELECT pg_temp.close('lnb', 11, 26) AS n \gset
SELECT is(pg_temp.err(format('SELECT api.promote_session(%s, 20000, %L)', :sb, 'pgtap')),
          format('PD023: promotion of SES-%s refused: lane_budget', :sb), 'more than live_promoted''s budget: lane_budget');
SELECT api.open_incident(1, 'infrastructure', 'pgtap: the data centre', 'pgtap', 'pgtap') AS inc_g \gset
SELECT is(pg_temp.err(format('SELECT api.promote_session(%s, 5000, %L)', :sb, 'pgtap')),
          format('PD023: promotion of SES-%s refused: open_severity1_incident', :sb), 'a global severity-1 incident is open: open_severity1_incident');
SELECT lives_ok(format('SELECT api.update_incident(%L, %L, %L)', :'inc_g', 'resolved', 'pgtap'), '(resolved)');
SELECT ok(pg_temp.err(format('SELECT api.promote_session(%s, 500, %L)', :sc, 'pgtap')) LIKE '%session_not_running%',
          'a session that is not running is not promoted: session_not_running');
SELECT ok(pg_temp.err(format('SELECT api.promote_session(%s, 500, %L)', :sc, 'pgtap')) LIKE '%no_closed_hours%',
          '... and every failed rule is named at once');
SELECT throws_ok(format('SELECT api.promote_session(%s, 5000, %L)', :sb, 'pgtap: ready'), 'PD017', NULL,
                 'every rule holds: the promotion still needs a second operator''s approval (PD017)');
SELECT pg_temp.approve_as('predator_approver_login',
    api.request_approval('promote_session', 'SES-' || :sb, 'pgtap: ready', NULL, 5000)) AS r_b \gset
SELECT api.promote_session(:sb, 5000, 'pgtap: ready') AS nb \gset
SELECT is(pg_temp.status(:sb), 'completed', 'the canary session completes');
SELECT is(pg_temp.last_cause(:sb), 'promotion/operator', '... cause promotion');
SELECT results_eq(format($$SELECT lane, status, allocation, promoted_from FROM api.sessions WHERE session_id = %s$$, :nb),
                  format($$VALUES ('live_promoted'::text, 'running'::text, 5000::numeric, 'SES-%s'::text)$$, :sb),
                  'a new session runs in live_promoted with the approved allocation');
SELECT is((SELECT lane FROM api.accounts WHERE name = 'lnb'), 'live_promoted', 'the account''s lane is live_promoted');
SELECT results_eq($$SELECT from_lane, to_lane, cause, approval FROM api.account_lanes WHERE account = 'lnb'$$,
                  format($$VALUES ('live_canary'::text, 'live_promoted'::text, 'promotion'::text, %s::bigint)$$, :r_b),
                  'api.account_lanes records the promotion with its approval');
SELECT ok((SELECT args ->> 'approval' = :'r_b' AND args ->> 'session' = 'SES-' || :nb FROM api.audit_log
            WHERE action = 'promote_session' AND target = 'SES-' || :sb),
          'the change log: promote_session with the approval and the new session');
SELECT is((SELECT status FROM api.approval_requests WHERE request_id = :r_b), 'used', 'the approval is used, once');
SELECT is((SELECT allocated FROM api.lanes WHERE lane = 'live_promoted'), 5000::numeric, 'live_promoted holds 5000 of its budget');
SELECT is((SELECT allocated FROM api.lanes WHERE lane = 'live_canary'), 500::numeric, '... and the canary''s 500 are free again (A 400, D 100)');

-- The promoted lane's halts judge the account now --------------------------------------------------------------------
SELECT api.halt('pgtap: the promoted lane', 'lane', 'live_promoted') AS h \gset
SELECT is(pg_temp.status(:nb), 'suspended', 'a halt of live_promoted suspends the promoted session');
SELECT is(pg_temp.status(:sa), 'running', '... and not the canary ones');
SELECT lives_ok($$SELECT api.resume('pgtap', 'lane', 'live_promoted')$$, 'the lane resumes');
SELECT is(api.resume_session(:nb, 'pgtap'), 'running', '... and so does the session');

-- Demotion: a lane change, an operator's decision with a second operator's approval (two-person rule) ---------------
SELECT is(pg_temp.err(format('SELECT api.demote_session(%s, %L)', :sa, 'pgtap')),
          format('PD022: demotion of SES-%s refused: not_promoted', :sa), 'a canary session is not demoted: PD022 not_promoted');
SELECT throws_ok(format('SELECT api.demote_session(%s, %L)', :nb, 'pgtap: not convinced'), 'PD017', NULL,
                 'a demotion changes the lane: alone it is refused (PD017, the two-person rule)');
SELECT ok(pg_temp.status(:nb) = 'running' AND (SELECT lane FROM api.accounts WHERE name = 'lnb') = 'live_promoted'
          AND NOT pg_temp.account_halted('lnb'), '... and nothing moved: the session runs, its account in live_promoted');
SELECT throws_ok(format($$SELECT api.request_approval('demote_session', 'SES-%s', 'pgtap', NULL, 5000)$$, :nb), 'PD012', NULL,
                 'a demotion request carries no value: PD012');
SELECT throws_ok($$SELECT api.request_approval('demote_session', 'SES-999999', 'pgtap')$$, 'PD011', NULL,
                 'a demotion request for an unknown session: PD011');
SELECT api.request_approval('demote_session', 'SES-' || :nb, 'pgtap: not convinced') AS r_nb \gset
SELECT throws_ok(format('SELECT api.approve(%s, %L)', :r_nb, 'pgtap: me'), 'PD018', NULL,
                 'the login that asked cannot approve its own demotion: PD018');
SELECT throws_ok(format('SELECT api.demote_session(%s, %L)', :nb, 'pgtap: not convinced'), 'PD017', NULL,
                 'asked but not approved: still PD017');
SELECT pg_temp.approve_as('predator_approver_login', :r_nb) AS approved \gset
SELECT is(api.demote_session(:nb, 'pgtap: not convinced'), 'live_canary',
          'with a distinct operator''s approval the operator demotes the promoted session');
SELECT is(pg_temp.status(:nb), 'rolled_back', '... it is rolled back');
SELECT is(pg_temp.last_cause(:nb), 'demotion/operator', '... cause demotion, by the operator');
SELECT is((SELECT (links ->> 'approval')::bigint FROM api.session_events WHERE session_id = :nb ORDER BY seq DESC LIMIT 1),
          :r_nb::bigint, '... its event names the approval');
SELECT is((SELECT lane FROM api.accounts WHERE name = 'lnb'), 'live_canary', '... its account is back in live_canary');
SELECT results_eq($$SELECT to_lane, cause, approval, source FROM api.account_lanes WHERE account = 'lnb' ORDER BY seq DESC LIMIT 1$$,
                  format($$VALUES ('live_canary'::text, 'demotion'::text, %s::bigint, 'operator'::text)$$, :r_nb),
                  '... its lane history row carries the approval');
SELECT ok(pg_temp.account_halted('lnb'), '... and halted until a canary session starts');
SELECT ok(EXISTS (SELECT FROM api.audit_log WHERE action = 'demote_session' AND target = 'SES-' || :nb AND reason = 'pgtap: not convinced'
                  AND args ->> 'approval' = :'r_nb' AND args ->> 'to_lane' = 'live_canary'),
          '... in the change log, with the approval');
SELECT is((SELECT status FROM api.approval_requests WHERE request_id = :r_nb), 'used', '... which is used, once');
SELECT throws_ok(format('SELECT api.demote_session(%s, %L)', :nb, 'pgtap'), 'PD021', NULL, 'a rolled-back session is not demoted again: PD021');

-- The promoted envelope breached at an hour close: suspended and halted by the system, the lane unchanged -----------
SELECT pg_temp.close('lnd', 1, 26) AS n \gset
SELECT pg_temp.approve_as('predator_approver_login',
    api.request_approval('promote_session', :'sd', 'pgtap: D is ready', NULL, 5000)) AS r_d \gset
SELECT api.promote_session(:sd, 5000, 'pgtap: D is ready') AS nd \gset
SELECT is((SELECT lane FROM api.accounts WHERE name = 'lnd'), 'live_promoted', 'D is promoted (request named by its bare number)');
SELECT pg_temp.trade('lnd', 'BTC/USDT', pg_temp.at(27), 'buy', 80, 100, 0.8, 'LD1') AS t \gset
SELECT pg_temp.close('lnd', 28, 29) AS n \gset
SELECT is(pg_temp.status(:nd), 'running', 'D runs while its equity holds');
SELECT pg_temp.close('lnd', 30, 30) AS n \gset
SELECT is(pg_temp.status(:nd), 'suspended',
          'the close of 2024-01-02 06:00 (mark 85: drawdown 12 %, daily loss 12 %) suspends D: beyond live_promoted''s 10 % and 2 %');
SELECT is(pg_temp.last_cause(:nd), 'envelope/system', '... cause envelope, by the system');
SELECT is((SELECT links -> 'reasons' FROM api.session_events WHERE session_id = :nd ORDER BY seq DESC LIMIT 1),
          '["drawdown_envelope", "daily_loss_envelope"]'::jsonb, '... its event names the breach by reason code');
SELECT ok(pg_temp.account_halted('lnd'), '... and its account is halted at once, without an approval');
SELECT is((SELECT lane FROM api.accounts WHERE name = 'lnd'), 'live_promoted', 'the lane is unchanged: the system never demotes');
SELECT results_eq($$SELECT to_lane, cause FROM api.account_lanes WHERE account = 'lnd'$$,
                  $$VALUES ('live_promoted'::text, 'promotion'::text)$$, '... the lane history holds the promotion alone');
SELECT ok(NOT EXISTS (SELECT FROM api.audit_log WHERE action = 'demote_session' AND target = 'SES-' || :nd),
          '... and the change log no demotion');
SELECT is((SELECT title FROM api.incidents WHERE account = 'lnd' AND category = 'risk' AND severity = 2),
          format('session SES-%s breached the live_promoted envelope: drawdown_envelope, daily_loss_envelope', :nd),
          'a risk incident (severity 2) names the breach');
SELECT ok((SELECT (links -> 'figures' ->> 'drawdown')::numeric > 0.10 AND (links -> 'figures' ->> 'max_drawdown_pct')::numeric = 10
                  AND (links -> 'figures' ->> 'daily_loss')::numeric > 0.02 AND links -> 'reasons' ? 'daily_loss_envelope'
             FROM api.incidents WHERE account = 'lnd' AND category = 'risk'),
          '... with its figures: the drawdown and the daily loss against the envelope');
SELECT ok(EXISTS (SELECT FROM api.session_incidents WHERE session_id = :nd AND severity = 2 AND category = 'risk'),
          '... linked to the session');
SELECT throws_ok(format('SELECT api.demote_session(%s, %L)', :nd, 'pgtap: D breached'), 'PD017', NULL,
                 'the demotion that may follow is an operator''s decision: alone, PD017');
SELECT pg_temp.approve_as('predator_approver_login',
    api.request_approval('demote_session', :'nd', 'pgtap: D breached')) AS r_nd \gset
SELECT is(api.demote_session(:nd, 'pgtap: D breached'), 'live_canary', 'approved, the suspended promoted session is demoted');
SELECT is(pg_temp.status(:nd), 'rolled_back', '... rolled back');
SELECT results_eq($$SELECT to_lane, cause, source, approval FROM api.account_lanes WHERE account = 'lnd' ORDER BY seq DESC LIMIT 1$$,
                  format($$VALUES ('live_canary'::text, 'demotion'::text, 'operator'::text, %s::bigint)$$, :r_nd),
                  '... its account back in live_canary, by the operator, with the approval');
SELECT throws_ok(format($$INSERT INTO trading.account_lane (book_id, seq, from_lane, to_lane, cause, session_id, source, reason, actor)
                          VALUES (%s, 99, 'live_canary', 'live_promoted', 'promotion', %s, 'system', 'pgtap', 'system')$$, :d, :nd),
                 '23514', NULL, 'the lane history refuses a lane change by the system (CHECK source = operator)');

-- The account's lane changes only by promotion or demotion -------------------------------------------------------------
SELECT throws_ok($$UPDATE trading.account SET lane = 'live_promoted' WHERE name = 'lna'$$, 'PD001', NULL,
                 'a lane changed directly on trading.account: PD001');
SELECT throws_ok($$UPDATE trading.account SET risk_profile = 'default' WHERE name = 'lna'$$, 'PD001', NULL,
                 'nothing else of an account changes: PD001');
SELECT throws_ok($$DELETE FROM trading.account_lane$$, 'PD001', NULL, 'the lane history is append-only: PD001');
SELECT throws_ok($$UPDATE risk.lane_setting SET capital_budget = 0$$, 'PD001', NULL, 'the lane registry is append-only: PD001');

-- Ending sessions ---------------------------------------------------------------------------------------------------------
SELECT is(api.complete_session(:sa, 'pgtap: done'), 'completed', 'A completes');
SELECT ok(pg_temp.account_halted('lna'), '... and its account is halted: no order goes out without a session');
SELECT throws_ok(format('SELECT api.resume_session(%s, %L)', :sa, 'pgtap'), 'PD021', NULL, 'a completed session is final: PD021');

-- Who may call it ---------------------------------------------------------------------------------------------------------
SET LOCAL ROLE predator_worker;
SELECT throws_ok($$SELECT api.set_lane('paper', 1, 'USDT', 5, 1, 1, 'worker')$$, '42501', NULL, 'the worker cannot set a lane');
SELECT throws_ok($$SELECT api.schedule_session('lnc', 1, 'worker')$$, '42501', NULL, 'the worker cannot schedule a session');
SELECT throws_ok(format('SELECT api.start_session(%s, %L)', :sc, 'worker'), '42501', NULL, 'the worker cannot start one');
SELECT throws_ok(format('SELECT api.promote_session(%s, 1, %L)', :sc, 'worker'), '42501', NULL, 'the worker cannot promote');
SELECT throws_ok(format('SELECT api.demote_session(%s, %L)', :sc, 'worker'), '42501', NULL, 'the worker cannot demote');
SELECT lives_ok($$SELECT count(*) FROM api.sessions, api.lanes, api.session_events, api.session_incidents, api.account_lanes$$,
                'the worker reads the views');
RESET ROLE;
SET LOCAL ROLE predator_auditor;
SELECT throws_ok(format('SELECT api.suspend_session(%s, %L)', :sc, 'auditor'), '42501', NULL, 'the auditor cannot move a session');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
