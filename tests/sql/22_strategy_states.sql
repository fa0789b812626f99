-- 22_strategy_states.sql — the risk state machine per strategy (issue 13 items 3 and 7), and the open buys of a
-- strategy's figures dated as of the decision (the gap gate 17 found).
--
-- A strategy's reduce tier (strategy_reduce_daily_loss, strategy_reduce_drawdown) moves it alone to reducing: its
-- entries refused strategy_reducing, its exits admitted, the book's other strategy trading on. In a paper lane a
-- daily stop lifts at the next UTC day by a recorded move (next_utc_day); in a live lane, and for a drawdown in
-- every lane, only an operator lifts it (api.resume_strategy / api.resume_reducing: operator_resume). A kill
-- (strategy_max_daily_loss at an hour close) moves the strategy to halted; the operator's api.resume_strategy moves
-- it to cooldown (strategy_cooldown refusals) and an hour close after cooldown_hours to normal. Every move is a
-- chained row of risk.state_event with scope strategy, checked by the trigger (PD020).
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(57);

-- Market: flat BTC 100 and ETH 50; XRP 1.0 until the 05:00 bar, then 0.5. Three days of bars from 2024-01-01.
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[72])::numeric[])
     + pg_temp.load_bars('ETH/USDT', '2024-01-01T00:00:00Z', array_fill(50, ARRAY[72])::numeric[])
     + pg_temp.load_bars('XRP/USDT', '2024-01-01T00:00:00Z', array_fill(1, ARRAY[6]) || array_fill(0.5, ARRAY[66])::numeric[]) AS bars \gset
INSERT INTO risk.profile (profile, description) VALUES ('t_ss', 'pgtap: strategy states'), ('t_gp', 'pgtap: open buys as of T');
SELECT pg_temp.approve_setting('live_burn_in_days', 0, 'pgtap: no burn-in for this test') AS approval \gset
SELECT api.set_setting('live_burn_in_days', 0, 'pgtap: no burn-in for this test') AS x \gset

CREATE FUNCTION pg_temp.lim(p_profile text, p_limit text, p_mode text, p_value numeric, p_scope text DEFAULT '*')
RETURNS integer LANGUAGE sql AS $$ SELECT api.set_limit(p_profile, p_limit, p_mode, p_value, 'pgtap', p_scope) $$;
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.why(p_account text, p_strategy text, p_symbol text, p_hour integer, p_direction text, p_qty numeric DEFAULT NULL)
RETURNS text[] LANGUAGE sql AS $$
    SELECT pg_temp.reasons(p_account, p_symbol, pg_temp.at(p_hour), p_direction, p_qty, 50, p_strategy) $$;
CREATE FUNCTION pg_temp.cancel(p_account text, p_strategy text, p_symbol text, p_hour integer, p_after interval DEFAULT '1 minute')
RETURNS text LANGUAGE sql AS $$
    SELECT api.record_order_event(d.client_order_id, 'canceled', pg_temp.at(p_hour) + p_after)
      FROM api.decisions d
     WHERE d.account = p_account AND d.symbol = p_symbol AND d.ts = pg_temp.at(p_hour) AND d.strategy = p_strategy $$;
CREATE FUNCTION pg_temp.sstate(p_account text, p_strategy text) RETURNS text LANGUAGE sql AS $$
    SELECT state FROM api.strategy_risk_states WHERE account = p_account AND strategy = p_strategy $$;
CREATE FUNCTION pg_temp.last_move(p_account text, p_strategy text)
RETURNS TABLE (state_before text, state_after text, cause text, ts timestamptz, until_ts timestamptz)
LANGUAGE sql AS $$
    SELECT e.state_before, e.state_after, e.cause, e.ts, e.until_ts FROM api.risk_state_events e
     WHERE e.account = p_account AND e.strategy = p_strategy ORDER BY e.seq DESC LIMIT 1 $$;
CREATE FUNCTION pg_temp.close(p_account text, p_from integer, p_to integer) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM generate_series(p_from, p_to) h, LATERAL api.close_hour(p_account, pg_temp.at(h)) c $$;
-- A book where rk (AGGRESSIVE) buys 1000 XRP at 1.0 (fee 1) at 02:00 and s1 (CORE) 1 ETH at 50 (fee 0.05); from
-- 07:00 XRP marks 0.5: rk's own PnL is -501 for the day, s1's -0.05.
CREATE FUNCTION pg_temp.losing_book(p_name text, p_lane text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_book integer;
    v record;
BEGIN
    IF p_lane = 'paper' THEN
        v_book := pg_temp.new_account(p_name, 10000, 't_ss');
    ELSE
        v_book := api.create_account(p_name, 'live', 'binance', 'USDT', p_lane, 10000, 't_ss', 'pgtap');
        PERFORM api.deposit(p_name, 10000, pg_temp.at(0), 'pgtap'), api.register_strategy(p_name, 's1', '{}', 'pgtap');
        PERFORM api.set_breaker(p_lane, k.breaker, NULL, 'pgtap: breakers off', p_name) FROM risk.breaker_kind k;
    END IF;
    PERFORM api.register_strategy(p_name, 'rk', '{}', 'pgtap', 'CORE');
    FOR v IN SELECT * FROM (VALUES ('rk', 'XRP/USDT', 1000::numeric, 1::numeric, 1::numeric), ('s1', 'ETH/USDT', 1, 50, 0.05)) x(st, sym, qty, px, fee) LOOP
        PERFORM api.record_order_event(d.client_order_id, 'acknowledged', pg_temp.at(2), 'V-' || p_name || v.st),
                api.record_fill(d.client_order_id, p_name || v.st, v.qty, v.px, v.fee, 'USDT', 'taker', pg_temp.at(2) + interval '1 minute')
          FROM pg_temp.signal(p_name, v.sym, pg_temp.at(2), 'buy', v.qty, 50, v.st) d;
    END LOOP;
    PERFORM api.close_hour(p_name, pg_temp.at(3));
    RETURN v_book;
END $$;

-- Paper: the daily reduce tier, alone, and its lift at the next UTC day ---------------------------------------------
SELECT pg_temp.losing_book('pp', 'paper') AS pp \gset
SELECT pg_temp.lim('t_ss', 'strategy_reduce_daily_loss', 'abs', 300) AS l \gset
SELECT is(pg_temp.why('pp', 'rk', 'BTC/USDT', 8, 'buy', 1), '{strategy_reducing}',
          'rk lost 501 today over its 300 reduce tier: its entry is refused strategy_reducing');
SELECT results_eq($$SELECT * FROM pg_temp.last_move('pp', 'rk')$$,
                  $$VALUES ('normal'::text, 'reducing'::text, 'strategy_daily_loss'::text, pg_temp.at(8), '2024-01-02T00:00:00Z'::timestamptz)$$,
                  '... rk moved normal -> reducing (strategy_daily_loss) at the decision time, until the next 00:00 UTC');
SELECT is(pg_temp.why('pp', 'rk', 'XRP/USDT', 8, 'sell', 100), '{}', '... its exits are admitted');
SELECT is(pg_temp.why('pp', 's1', 'BTC/USDT', 8, 'buy', 1), '{}', 's1 (lost 0.05) keeps trading: its entry is admitted');
SELECT is(pg_temp.sstate('pp', 's1'), 'normal', '... s1 stays normal');
SELECT is((SELECT state FROM api.risk_states WHERE account = 'pp'), 'normal', '... and so does the book');
SELECT is(pg_temp.close('pp', 8, 23), 16::bigint, '(hours 08:00 .. 23:00 closed)');
SELECT is(pg_temp.sstate('pp', 'rk'), 'reducing', 'rk still reduces at 23:00, with one move only');
SELECT is((SELECT count(*) FROM api.risk_state_events WHERE account = 'pp' AND strategy = 'rk'), 1::bigint, '... (one recorded move)');
SELECT is(pg_temp.close('pp', 24, 24), 1::bigint, '(00:00 closed)');
SELECT results_eq($$SELECT * FROM pg_temp.last_move('pp', 'rk')$$,
                  $$VALUES ('reducing'::text, 'normal'::text, 'next_utc_day'::text, pg_temp.at(24), NULL::timestamptz)$$,
                  'the close of 00:00 UTC lifts rk''s daily stop by a recorded move (next_utc_day)');
SELECT is(pg_temp.why('pp', 'rk', 'BTC/USDT', 24, 'buy', 1), '{}',
          '... and rk''s entry is admitted again (one daily stop per UTC day: the day that ended at 00:00 had its stop)');

-- Live lane: the same daily stop waits for an operator ------------------------------------------------------------
SELECT pg_temp.losing_book('lc', 'live_canary') AS lc \gset
SELECT is(pg_temp.why('lc', 'rk', 'BTC/USDT', 8, 'buy', 1), '{strategy_reducing}', 'live_canary: rk reduces too ...');
SELECT results_eq($$SELECT state, cause, until_ts, hold FROM api.strategy_risk_states WHERE account = 'lc' AND strategy = 'rk'$$,
                  $$VALUES ('reducing'::text, 'strategy_daily_loss'::text, NULL::timestamptz, 'strategy_daily_loss'::text)$$,
                  '... with no until: held for an operator');
SELECT is(pg_temp.close('lc', 8, 30), 23::bigint, '(hours 08:00 .. day 2 06:00 closed)');
SELECT is(pg_temp.sstate('lc', 'rk'), 'reducing', '... still reducing the next day');
SELECT is(pg_temp.why('lc', 's1', 'BTC/USDT', 30, 'buy', 1), '{}', '... while s1 trades');
SELECT is((SELECT count(*) FROM api.halts WHERE active), 0::bigint, '... and nothing is halted');
SELECT lives_ok($$SELECT api.resume_strategy('lc', 'rk', 'pgtap: inspected')$$, 'the operator resumes rk (api.resume_strategy)');
SELECT results_eq($$SELECT * FROM pg_temp.last_move('lc', 'rk')$$,
                  $$VALUES ('reducing'::text, 'normal'::text, 'operator_resume'::text, pg_temp.at(30), NULL::timestamptz)$$,
                  '... a recorded move reducing -> normal (operator_resume) at the last closed hour');

-- Drawdown: held in every lane; api.resume_reducing releases a strategy ------------------------------------------
SELECT pg_temp.losing_book('pd', 'paper') AS pd \gset
SELECT pg_temp.lim('t_ss', 'strategy_reduce_daily_loss', 'abs', NULL) AS l \gset
SELECT pg_temp.lim('t_ss', 'strategy_reduce_drawdown', 'abs', 400, 'rk') AS l \gset
SELECT is(pg_temp.close('pd', 4, 8), 5::bigint, '(hours 04:00 .. 08:00 closed)');
SELECT results_eq($$SELECT state, cause, hold FROM api.strategy_risk_states WHERE account = 'pd' AND strategy = 'rk'$$,
                  $$VALUES ('reducing'::text, 'strategy_drawdown'::text, 'strategy_drawdown'::text)$$,
                  'a paper strategy 501 below its peak over its 400 drawdown reduce tier reduces at the hour close, held');
SELECT is(pg_temp.close('pd', 9, 26), 18::bigint, '(into the next day)');
SELECT is(pg_temp.sstate('pd', 'rk'), 'reducing', '... a drawdown does not clear by itself');
SELECT throws_ok($$SELECT api.resume_reducing('pd', 'pgtap', 's1')$$, 'PD014', NULL, 'api.resume_reducing of a strategy nothing holds: PD014');
SELECT throws_ok($$SELECT api.resume_reducing('pd', 'pgtap', 'nope')$$, 'PD011', NULL, '... of an unknown strategy: PD011');
SELECT pg_temp.lim('t_ss', 'strategy_reduce_drawdown', 'abs', NULL, 'rk') AS l \gset
SELECT is(api.resume_reducing('pd', 'pgtap: drawdown accepted', 'rk'), 'normal', 'api.resume_reducing releases rk: normal');

-- A kill moves the strategy to halted; api.resume_strategy to cooldown; an hour close after cooldown_hours to normal
SELECT pg_temp.losing_book('pk', 'paper') AS pk \gset
SELECT pg_temp.lim('t_ss', 'strategy_max_daily_loss', 'abs', 450, 'rk') AS l \gset
SELECT pg_temp.lim('t_ss', 'cooldown_hours', 'count', 2, 'rk') AS l \gset
SELECT is(pg_temp.close('pk', 4, 9), 6::bigint, '(hours 04:00 .. 09:00 closed: rk is killed at 07:00)');
SELECT results_eq($$SELECT state_before, state_after, cause FROM api.risk_state_events WHERE account = 'pk' AND strategy = 'rk' ORDER BY seq$$,
                  $$VALUES ('normal'::text, 'halted'::text, 'halt'::text)$$,
                  'the kill moves rk to halted (cause halt) at the hour close');
SELECT is(pg_temp.why('pk', 'rk', 'BTC/USDT', 9, 'buy', 1), '{halted_strategy,strategy_daily_loss}', '... its entries are refused halted_strategy');
SELECT is(pg_temp.why('pk', 's1', 'BTC/USDT', 9, 'buy', 1), '{}', '... s1 keeps trading');
SELECT pg_temp.lim('t_ss', 'strategy_max_daily_loss', 'abs', NULL, 'rk') AS l \gset
SELECT lives_ok($$SELECT api.resume_strategy('pk', 'rk', 'pgtap: inspected')$$, 'the operator resumes rk');
SELECT results_eq($$SELECT * FROM pg_temp.last_move('pk', 'rk')$$,
                  $$VALUES ('halted'::text, 'cooldown'::text, 'halt_lifted'::text, pg_temp.at(9), pg_temp.at(11))$$,
                  '... halted -> cooldown (halt_lifted) until the last closed hour + its 2 cooldown hours');
SELECT is((SELECT active FROM api.halts WHERE scope_kind = 'strategy' AND scope_key = 'pk/rk'), false, '... its strategy-scope halt is lifted');
SELECT is(pg_temp.why('pk', 'rk', 'BTC/USDT', 10, 'buy', 1), '{strategy_cooldown}', 'during the cooldown its entries are refused strategy_cooldown');
SELECT is(pg_temp.close('pk', 10, 10), 1::bigint, '(10:00 closed)');
SELECT is(pg_temp.sstate('pk', 'rk'), 'cooldown', '... still cooling down at 10:00');
SELECT is(pg_temp.close('pk', 11, 11), 1::bigint, '(11:00 closed)');
SELECT results_eq($$SELECT * FROM pg_temp.last_move('pk', 'rk')$$,
                  $$VALUES ('cooldown'::text, 'normal'::text, 'cooldown_elapsed'::text, pg_temp.at(11), NULL::timestamptz)$$,
                  'the close of 11:00 ends the cooldown by a recorded move');

-- The trigger guards the strategy scope ---------------------------------------------------------------------------
SELECT throws_ok(format($$INSERT INTO risk.state_event (book_id, scope_kind, scope_key, state_before, state_after, cause, reason, ts)
                          VALUES (%s, 'strategy', 'rk', 'normal', 'cooldown', 'pgtap', 'pgtap', %L)$$, :pk, pg_temp.at(12)),
                 'PD020', NULL, 'an illegal strategy move (normal -> cooldown): PD020');
SELECT throws_ok(format($$INSERT INTO risk.state_event (book_id, scope_kind, scope_key, state_before, state_after, cause, reason, ts)
                          VALUES (%s, 'strategy', 'ghost', 'normal', 'reducing', 'pgtap', 'pgtap', %L)$$, :pk, pg_temp.at(12)),
                 'PD020', NULL, 'a move of a strategy the book does not have: PD020');

-- Open buys as of the decision time (the gap gate 17 found) --------------------------------------------------------
-- CORE's budget is 1000. s1 buys 6 BTC (600) at 02:00; the order is cancelled at 02:30. Another entry decided at
-- 02:00 must still count it (it was open at 02:00), as gate 17 does: 600 + 600 > 1000.
SELECT pg_temp.new_account('gp', 10000, 't_gp') AS gp \gset
SELECT pg_temp.lim('t_gp', 'pool_budget', 'abs', 1000, 'CORE') AS l \gset
SELECT is(pg_temp.why('gp', 's1', 'BTC/USDT', 2, 'buy', 6), '{}', 's1 buys 600 of BTC at 02:00 in a 1000 CORE budget');
SELECT is(pg_temp.cancel('gp', 's1', 'BTC/USDT', 2, '30 minutes'), 'canceled', '(cancelled at 02:30)');
SELECT is(pg_temp.why('gp', 's1', 'ETH/USDT', 2, 'buy', 12), '{pool_budget}',
          'an entry decided at 02:00 still counts that buy (open at 02:00): 600 + 600 over 1000, pool_budget');
SELECT is((SELECT (figures -> 'rules' -> 'pool' ->> 'pool_after')::numeric FROM api.decisions
            WHERE account = 'gp' AND symbol = 'ETH/USDT'), 1200::numeric, '... the decision records 1200, the figure gate 17 re-derives');

-- Net arbitration -------------------------------------------------------------------------------------------------
-- Account nt (rule net): s1 holds 5 BTC; s2 holds none.
INSERT INTO risk.profile (profile, description) VALUES ('t_net', 'pgtap: net arbitration');
SELECT is(api.set_arbitration('t_net', 'net', 'pgtap: net'), 1, 'api.set_arbitration: net');
SELECT pg_temp.new_account('nt', 10000, 't_net') AS nt \gset
SELECT api.register_strategy('nt', 's2', '{}', 'pgtap') AS r \gset
SELECT pg_temp.trade('nt', 'BTC/USDT', pg_temp.at(1), 'buy', 5, 100, 0.5, 'N1') AS t \gset
SELECT is(pg_temp.why('nt', 's2', 'BTC/USDT', 5, 'buy', 3), '{}', 's2 buys 3 BTC at 05:00');
SELECT is(pg_temp.why('nt', 's1', 'BTC/USDT', 5, 'sell', 1), '{arbitration_netted}',
          's1 sells 1 the same hour (net): the smaller side is refused arbitration_netted');
SELECT results_eq($$SELECT (figures -> 'rules' -> 'arbitration' -> 'arbitration' ->> 'offset')::numeric,
                           (figures -> 'rules' -> 'arbitration' -> 'arbitration' ->> 'other_quantity')::numeric
                      FROM api.decisions WHERE account = 'nt' AND strategy = 's1' AND ts = pg_temp.at(5)$$,
                  $$VALUES (1::numeric, 3::numeric)$$, '... its figures record the offset 1 against 3');
SELECT results_eq($$SELECT strategy, side, quantity, status FROM api.orders WHERE account = 'nt' AND ts = pg_temp.at(5) ORDER BY quantity$$,
                  $$VALUES ('s2'::text, 'buy'::text, 2::numeric, 'new'::text), ('s2', 'buy', 3, 'canceled')$$,
                  '... s2''s buy of 3 is cancelled and replaced by its residual 2, still s2''s own order');
SELECT is((SELECT origin FROM api.orders WHERE account = 'nt' AND ts = pg_temp.at(5) AND quantity = 2), 'arbitration_net',
          '... the residual''s origin is arbitration_net');
SELECT is(pg_temp.why('nt', 's2', 'BTC/USDT', 6, 'buy', 1), '{}', 's2 buys 1 BTC at 06:00');
SELECT is(pg_temp.why('nt', 's1', 'BTC/USDT', 6, 'sell', 4), '{}', 's1 sells 4 the same hour: the larger side is admitted ...');
SELECT results_eq($$SELECT o.quantity, (d.figures ->> 'notional')::numeric, (d.figures -> 'rules' -> 'arbitration' -> 'arbitration' ->> 'offset')::numeric
                      FROM api.decisions d JOIN api.orders o ON o.client_order_id = d.client_order_id
                     WHERE d.account = 'nt' AND d.strategy = 's1' AND d.ts = pg_temp.at(6)$$,
                  $$VALUES (3::numeric, 300::numeric, 1::numeric)$$, '... for its residual 3 (4 less the offset 1), recorded');
SELECT is((SELECT status FROM api.orders WHERE account = 'nt' AND strategy = 's2' AND ts = pg_temp.at(6)), 'canceled',
          '... and s2''s buy of 1 is cancelled (arbitration_netted)');
SELECT ok((SELECT reason LIKE 'arbitration_netted:%' FROM api.order_events e JOIN api.orders o USING (client_order_id)
            WHERE o.account = 'nt' AND o.strategy = 's2' AND o.ts = pg_temp.at(6) AND e.status_after = 'canceled'),
          '... its cancellation names the rule');

SELECT is_empty('SELECT * FROM api.verify_chains()', 'every chain verifies, the strategies'' moves included');

SELECT * FROM finish();
ROLLBACK;
