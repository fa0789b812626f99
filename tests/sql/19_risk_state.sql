-- 19_risk_state.sql — the risk state machine of a book (migration 0017, docs/risk.md; issue 13 items 3, 7, 8).
--
-- The legal moves are the rows of risk.state_transition; any other move, or one that does not start from the
-- book's current state, is refused with PD020 whoever inserts it, and the moves are append-only and chained.
-- While a book is reducing, api.submit_signal refuses entries with risk_reducing and admits exits; during a
-- cooldown, risk_cooldown. Each of the seven circuit breakers trips (paper: an account-scope breaker pauses
-- the book, reducing, and clears after breaker_clear_hours clean hours, a breach during the pause restarting
-- the count; a global-scope one halts globally), the drawdown reduce tier halves the order cap, and in a
-- live_canary lane a breaker of account scope escalates to a global halt.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(53);

-- BTC flat at 100 for two days; ETH at 50 with bars up to 05:00 only (more are loaded later); SOL 10 then 5.
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[48])::numeric[])
     + pg_temp.load_bars('ETH/USDT', '2024-01-01T00:00:00Z', array_fill(50, ARRAY[5])::numeric[])
     + pg_temp.load_bars('SOL/USDT', '2024-01-01T00:00:00Z', ARRAY[10, 10, 10, 10, 10] || array_fill(5, ARRAY[43])::numeric[]) AS bars \gset
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.state(p_account text) RETURNS text LANGUAGE sql AS $$
    SELECT state FROM api.risk_states WHERE account = p_account $$;
-- pg_temp.breaker_book(name, breaker, threshold, min_events, window) -> book_id: a paper account with only that
-- breaker on, at account scope.
CREATE FUNCTION pg_temp.breaker_book(p_name text, p_breaker text, p_threshold numeric, p_min_events integer DEFAULT 1,
                                     p_window integer DEFAULT 1)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_book integer := pg_temp.new_account(p_name);
BEGIN
    PERFORM api.set_breaker('paper', p_breaker, p_threshold, 'pgtap', p_name, p_window, p_min_events, 'account');
    RETURN v_book;
END
$$;

-- The legal moves -------------------------------------------------------------------------------------------
SELECT set_eq($$SELECT state_before || '->' || state_after FROM risk.state_transition$$,
              ARRAY['normal->reducing', 'normal->halted', 'reducing->reducing', 'reducing->normal', 'reducing->halted',
                    'halted->cooldown', 'cooldown->normal', 'cooldown->reducing', 'cooldown->halted'],
              'risk.state_transition lists the nine legal moves of docs/risk.md');
SELECT pg_temp.new_account('rs') AS rs \gset
SELECT is(pg_temp.state('rs'), 'normal', 'a new book is normal');
SELECT throws_ok(format($$INSERT INTO risk.state_event (book_id, scope_key, state_before, state_after, cause, reason, ts)
                          VALUES (%s, 'rs', 'normal', 'cooldown', 'pgtap', 'pgtap', '2024-01-01T01:00:00Z')$$, :rs),
                 'PD020', NULL, 'normal -> cooldown is not a legal move (PD020)');
SELECT throws_ok(format($$INSERT INTO risk.state_event (book_id, scope_key, state_before, state_after, cause, reason, ts)
                          VALUES (%s, 'rs', 'normal', 'normal', 'pgtap', 'pgtap', '2024-01-01T01:00:00Z')$$, :rs),
                 'PD020', NULL, 'nor normal -> normal (PD020)');
SELECT throws_ok(format($$INSERT INTO risk.state_event (book_id, scope_key, state_before, state_after, cause, reason, ts)
                          VALUES (%s, 'rs', 'reducing', 'normal', 'pgtap', 'pgtap', '2024-01-01T01:00:00Z')$$, :rs),
                 'PD020', NULL, 'a legal move that does not start from the current state is refused (PD020)');
SELECT throws_ok(format($$SELECT risk._transition(%s, 'cooldown', 'pgtap', 'pgtap', '2024-01-01T01:00:00Z')$$, :rs),
                 'PD020', NULL, 'risk._transition refuses it too (PD020)');
SELECT pg_temp.trade('rs', 'BTC/USDT', pg_temp.at(1), 'buy', 10, 100, 1, 'rs-1') AS t \gset
SELECT is(risk._transition(:rs, 'reducing', 'pgtap', 'pgtap: reduce', pg_temp.at(2)), 'reducing', 'normal -> reducing is recorded');
SELECT is(pg_temp.reasons('rs', 'BTC/USDT', pg_temp.at(2), 'buy', 1), '{risk_reducing}', 'reducing: an entry is refused risk_reducing');
SELECT is((SELECT reasons FROM api.decisions WHERE account = 'rs' ORDER BY signal_seq DESC LIMIT 1), '{risk_reducing}',
          '... recorded with its reason code');
SELECT is(pg_temp.reasons('rs', 'BTC/USDT', pg_temp.at(3), 'sell', 4), '{}', '... an exit (a sell that reduces) is admitted');
SELECT is(pg_temp.reasons('rs', 'BTC/USDT', pg_temp.at(4), 'exit'), '{}', '... and so is an exit of the rest');
SELECT throws_ok(format($$SELECT risk._transition(%s, 'cooldown', 'pgtap', 'pgtap', '2024-01-01T02:00:00Z')$$, :rs),
                 'PD020', NULL, 'reducing -> cooldown is not legal (PD020)');
SELECT is(risk._transition(:rs, 'reducing', 'pgtap2', 'pgtap: a further cause', pg_temp.at(2)), 'reducing', 'reducing -> reducing (a further cause) is');
SELECT throws_ok(format($$UPDATE risk.state_event SET cause = 'x' WHERE book_id = %s$$, :rs), 'PD001', NULL, 'moves are append-only: no UPDATE (PD001)');
SELECT throws_ok(format($$DELETE FROM risk.state_event WHERE book_id = %s$$, :rs), 'PD001', NULL, '... no DELETE (PD001)');

-- Halts and cooldown ------------------------------------------------------------------------------------------
SELECT api.set_limit('unconstrained', 'cooldown_hours', 'count', 2, 'pgtap') AS x \gset
SELECT api.halt('pgtap', 'account', 'rs') AS x \gset
SELECT is(pg_temp.reasons('rs', 'BTC/USDT', pg_temp.at(5), 'buy', 1), '{halted_account}', 'an account halt refuses ...');
SELECT is(pg_temp.state('rs'), 'halted', '... and the book''s next admission records reducing -> halted');
SELECT api.resume('pgtap', 'account', 'rs') AS x \gset
SELECT is(pg_temp.reasons('rs', 'BTC/USDT', pg_temp.at(6), 'buy', 1), '{risk_cooldown}', 'after the resume, entries wait for the cooldown (risk_cooldown)');
SELECT results_eq($$SELECT state_before, state_after, cause, until_ts FROM api.risk_state_events WHERE account = 'rs' ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('halted'::text, 'cooldown'::text, 'halt_lifted'::text, pg_temp.at(8))$$,
                  '... halted -> cooldown until cooldown_hours (2) later');
SELECT hour AS h FROM api.close_hour('rs', pg_temp.at(7)) \gset
SELECT is(pg_temp.state('rs'), 'cooldown', 'still cooling down at 07:00');
SELECT hour AS h FROM api.close_hour('rs', pg_temp.at(8)) \gset
SELECT is(pg_temp.state('rs'), 'normal', 'the close of 08:00 ends the cooldown (cooldown_elapsed)');
SELECT is(pg_temp.reasons('rs', 'BTC/USDT', pg_temp.at(8), 'buy', 1), '{}', '... and entries are admitted again');
SELECT api.set_limit('unconstrained', 'cooldown_hours', 'count', 0, 'pgtap') AS x \gset

-- The seven breakers (paper, account scope: the book reduces, no halt) ------------------------------------------
SELECT pg_temp.breaker_book('b_oph', 'orders_per_hour', 1) AS b \gset
SELECT is(pg_temp.reasons('b_oph', 'BTC/USDT', pg_temp.at(1), 'buy', 1), '{}', 'orders_per_hour: the first order is admitted ...');
SELECT results_eq($$SELECT breaker, trip_scope FROM api.breaker_trips WHERE account = 'b_oph'$$,
                  $$VALUES ('orders_per_hour'::text, 'reducing'::text)$$, '... and trips the breaker, which pauses the paper book');
SELECT is(pg_temp.reasons('b_oph', 'BTC/USDT', pg_temp.at(2), 'buy', 1), '{risk_reducing}', '... the next entry is refused risk_reducing, no halt');

SELECT pg_temp.breaker_book('b_slip', 'slippage_bps', 100) AS b \gset
SELECT pg_temp.trade('b_slip', 'BTC/USDT', pg_temp.at(1), 'buy', 1, 102, 0, 'slip-1') AS t \gset
SELECT results_eq($$SELECT breaker, round(value) FROM api.breaker_trips WHERE account = 'b_slip'$$,
                  $$VALUES ('slippage_bps'::text, 200::numeric)$$, 'slippage_bps: a fill 200 bps above its decision price trips it');
SELECT is(pg_temp.state('b_slip'), 'reducing', '... and the book reduces');

SELECT pg_temp.breaker_book('b_rej', 'reject_rate', 0.5, 1, 24) AS b \gset
SELECT client_order_id AS rej FROM pg_temp.signal('b_rej', 'BTC/USDT', pg_temp.at(1), 'buy', 1) \gset
SELECT api.record_order_event(:'rej', 'rejected', pg_temp.at(1) + interval '1 minute', NULL, 'pgtap: insufficient balance') AS x \gset
SELECT results_eq($$SELECT breaker, value FROM api.breaker_trips WHERE account = 'b_rej'$$,
                  $$VALUES ('reject_rate'::text, 1::numeric)$$, 'reject_rate: the venue rejecting every order trips it');
SELECT is(pg_temp.state('b_rej'), 'reducing', '... and the book reduces');

SELECT pg_temp.breaker_book('b_api', 'api_error_rate', 0.5, 4) AS b \gset
SELECT api.record_venue_health('b_api', pg_temp.at(2), 10, 8, true) AS x \gset
SELECT results_eq($$SELECT breaker, value FROM api.breaker_trips WHERE account = 'b_api'$$,
                  $$VALUES ('api_error_rate'::text, 0.8::numeric)$$, 'api_error_rate: 8 failed calls of 10 trip it');
SELECT is(pg_temp.state('b_api'), 'reducing', '... and the book reduces');

SELECT pg_temp.breaker_book('b_conn', 'connectivity_loss', 2) AS b \gset
SELECT api.record_venue_health('b_conn', pg_temp.at(2), 1, 1, false) AS x \gset
SELECT is((SELECT count(*) FROM api.breaker_trips WHERE account = 'b_conn'), 0::bigint, 'connectivity_loss: one report without the venue is tolerated ...');
SELECT api.record_venue_health('b_conn', pg_temp.at(2) + interval '5 minutes', 1, 1, false) AS x \gset
SELECT results_eq($$SELECT breaker, value FROM api.breaker_trips WHERE account = 'b_conn'$$,
                  $$VALUES ('connectivity_loss'::text, 2::numeric)$$, '... the second in a row trips it');

-- stale_data_hours, with recovery after breaker_clear_hours (6) clean hours and the count restarted by a breach.
SELECT pg_temp.breaker_book('b_stale', 'stale_data_hours', 3) AS b \gset
-- its run reads ETH
SELECT pg_temp.run_feeds('b_stale', ARRAY['ETH/USDT']) AS r \gset
SELECT hour AS h FROM api.close_hour('b_stale', pg_temp.at(9)) \gset
SELECT results_eq($$SELECT breaker, value FROM api.breaker_trips WHERE account = 'b_stale'$$,
                  $$VALUES ('stale_data_hours'::text, 4::numeric)$$, 'stale_data_hours: no ETH bar for 4 hours trips it');
SELECT hour AS h FROM api.close_hour('b_stale', pg_temp.at(10)) \gset
SELECT is((SELECT last_breach FROM api.risk_states WHERE account = 'b_stale'), pg_temp.at(10),
          '... still stale at 10:00: a breach, the clean-hour count starts again (one trip only)');
SELECT pg_temp.load_bars('ETH/USDT', '2024-01-01T05:00:00Z', array_fill(50, ARRAY[30])::numeric[]) AS bars \gset
SELECT count(*) AS n FROM generate_series(11, 15) h, LATERAL api.close_hour('b_stale', pg_temp.at(h)) c \gset
SELECT is(pg_temp.state('b_stale'), 'reducing', 'five clean hours after the last breach: still reducing');
SELECT hour AS h FROM api.close_hour('b_stale', pg_temp.at(16)) \gset
SELECT results_eq($$SELECT state_before, state_after, cause, ts FROM api.risk_state_events WHERE account = 'b_stale' ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('reducing'::text, 'normal'::text, 'breaker_cleared'::text, pg_temp.at(16))$$,
                  'the sixth clean hour lifts the pause by a recorded move');
SELECT is((SELECT count(*) FROM api.halt_events WHERE scope_key LIKE 'b_%'), 0::bigint, 'no paper breaker of account scope halted anything');

-- The drawdown reduce tier ---------------------------------------------------------------------------------------
INSERT INTO risk.profile (profile, description) VALUES ('t_red', 'pgtap: reduce tier');
SELECT api.set_limit('t_red', 'drawdown_reduce_tier', 'pct', 5, 'pgtap') AS x, api.set_limit('t_red', 'max_order_notional', 'abs', 2500, 'pgtap') AS y \gset
SELECT pg_temp.new_account('red', 10000, 't_red') AS red \gset
SELECT pg_temp.trade('red', 'SOL/USDT', pg_temp.at(2), 'buy', 200, 10, 0, 'red-1') AS t \gset
SELECT hour AS h FROM api.close_hour('red', pg_temp.at(3)) \gset
SELECT is(pg_temp.reasons('red', 'BTC/USDT', pg_temp.at(3), 'buy', 20), '{}', 'reduce tier: at the peak a 2000 entry is within the 2500 order cap');
SELECT hour AS h FROM api.close_hour('red', pg_temp.at(6)) \gset
SELECT is(pg_temp.reasons('red', 'BTC/USDT', pg_temp.at(6), 'buy', 20), '{order_notional_cap}', '... beyond the 5% tier the cap is halved (1250): refused');
SELECT results_eq($$SELECT (figures -> 'caps' ->> 'drawdown_reduce_tier_active')::boolean, (figures -> 'caps' ->> 'max_order_notional')::numeric
                      FROM api.decisions WHERE account = 'red' ORDER BY signal_seq DESC LIMIT 1$$,
                  $$VALUES (true, 1250::numeric)$$, '... the decision records the active tier and the halved cap');

-- reconciliation_desync (global scope, shipped): a paper book's unclean reconciliation halts globally ---------------
SELECT pg_temp.new_account('b_rec', 10000, 'unconstrained', '2024-01-01T00:00:00Z', true) AS b \gset
SELECT clean AS c FROM api.reconcile('b_rec', pg_temp.at(2), '{"USDT": "9000"}', '{}') \gset
SELECT results_eq($$SELECT breaker, trip_scope, value, threshold, incident = (SELECT incident FROM api.incidents WHERE account = 'b_rec')
                      FROM api.breaker_trips WHERE account = 'b_rec'$$,
                  $$VALUES ('reconciliation_desync'::text, 'global'::text, 1::numeric, 0::numeric, true)$$,
                  'reconciliation_desync records its breaker_trip like every breaker, linked to the reconciliation''s incident');
SELECT results_eq($$SELECT severity, category, status FROM api.incidents WHERE account = 'b_rec'$$,
                  $$VALUES (1::smallint, 'execution'::text, 'open'::text)$$,
                  'reconciliation_desync: a balance that differs opens a severity-1 incident ...');
SELECT is((SELECT active FROM api.halts WHERE scope_kind = 'global'), true, '... a global halt');
-- The operator reconciles again, resolves the incidents and resumes.
SELECT clean AS c FROM api.reconcile('b_rec', pg_temp.at(3), '{"USDT": "10000"}', '{}') \gset
SELECT count(api.update_incident(incident, 'resolved', 'pgtap: explained')) AS n FROM api.incidents WHERE status <> 'resolved' \gset
SELECT pg_temp.approve_resume() AS approval \gset
SELECT api.resume('pgtap: reconciled') AS x \gset

-- Live lanes: every breaker halts globally -------------------------------------------------------------------------
SELECT api.create_account('lv', 'live', 'binance', 'USDT', 'live_canary', 10000, 'unconstrained', 'pgtap') AS lv \gset
SELECT pg_temp.approve_setting('live_burn_in_days', 0, 'pgtap: no burn-in for this test') AS approval \gset
SELECT api.set_setting('live_burn_in_days', 0, 'pgtap: no burn-in for this test') AS x \gset
SELECT api.deposit('lv', 10000, '2024-01-01T00:00:00Z', 'pgtap') AS x, api.register_strategy('lv', 's1', '{}', 'pgtap') AS y \gset
SELECT api.set_breaker('live_canary', 'orders_per_hour', 1, 'pgtap', 'lv', NULL, NULL, 'account') AS x \gset
SELECT is(pg_temp.reasons('lv', 'BTC/USDT', pg_temp.at(1), 'buy', 1), '{}', 'live_canary: the first order is admitted ...');
SELECT results_eq($$SELECT breaker, trip_scope FROM api.breaker_trips WHERE account = 'lv'$$,
                  $$VALUES ('orders_per_hour'::text, 'global'::text)$$, '... and its account-scope breaker escalates to a global halt');
SELECT is((SELECT active FROM api.halts WHERE scope_kind = 'global'), true, '... the global halt is in force');
SELECT is(pg_temp.reasons('lv', 'BTC/USDT', pg_temp.at(2), 'buy', 1), '{halted_global}', '... the live book is refused halted_global');
SELECT is(pg_temp.state('lv'), 'halted', '... and is halted');
SELECT throws_ok($$SELECT api.resume('pgtap: too early')$$, 'PD014', NULL, 'only an operator lifts it, after resolving its severity-1 incident (PD014)');
SELECT is(pg_temp.reasons('b_slip', 'BTC/USDT', pg_temp.at(3), 'sell', 1), '{halted_global}', 'the global halt covers paper books too ...');
SELECT is(pg_temp.state('b_slip'), 'halted', '... which move from reducing to halted');

SELECT is_empty('SELECT * FROM api.verify_chains()', 'every chain verifies, risk.state_event included');

SELECT * FROM finish();
ROLLBACK;
