-- 18_pools_strategies.sql — capital pools and several strategies per book (issue 13 items 1 and 2).
--
-- Every new refusal is provoked on its own (the decision's reasons are exactly that code) and creates no order:
-- pool_disabled pool_budget pool_daily_loss pool_drawdown strategy_allocation strategy_daily_loss
-- strategy_drawdown arbitration_refused arbitration_lost. A strategy past its own loss limit at an hour close is
-- killed alone: a system halt at its strategy scope, its open buys cancelled, its own position sold by its own
-- reduce-only exit (origin strategy_kill), while the book's other strategy keeps trading. A strategy sells only
-- what it holds itself. The operator calls (api.register_strategy's pool, api.set_lane_pool,
-- api.set_arbitration) refuse bad arguments with PD011/PD012 and are audited.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(54);

-- Market: flat BTC 100 and ETH 50; XRP 1.0 until the 05:00 bar, then 0.5. Bars 2024-01-01 00:00 .. 2024-01-02 23:00.
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[48])::numeric[])
     + pg_temp.load_bars('ETH/USDT', '2024-01-01T00:00:00Z', array_fill(50, ARRAY[48])::numeric[])
     + pg_temp.load_bars('XRP/USDT', '2024-01-01T00:00:00Z', array_fill(1, ARRAY[6]) || array_fill(0.5, ARRAY[42])::numeric[]) AS bars \gset

INSERT INTO risk.profile (profile, description) VALUES
    ('t_pool', 'pgtap: pools'), ('t_sl', 'pgtap: strategy loss'), ('t_arb', 'pgtap: arbitration');

CREATE FUNCTION pg_temp.lim(p_profile text, p_limit text, p_mode text, p_value numeric, p_scope text DEFAULT '*')
RETURNS integer LANGUAGE sql AS $$ SELECT api.set_limit(p_profile, p_limit, p_mode, p_value, 'pgtap', p_scope) $$;
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.why(p_account text, p_strategy text, p_symbol text, p_hour integer, p_direction text, p_qty numeric DEFAULT NULL)
RETURNS text[] LANGUAGE sql AS $$
    SELECT pg_temp.reasons(p_account, p_symbol, pg_temp.at(p_hour), p_direction, p_qty, 50, p_strategy) $$;
CREATE FUNCTION pg_temp.status(p_account text, p_strategy text, p_symbol text, p_hour integer)
RETURNS text LANGUAGE sql AS $$
    SELECT o.status FROM api.decisions d JOIN api.orders o ON o.client_order_id = d.client_order_id
     WHERE d.account = p_account AND d.strategy = p_strategy AND d.symbol = p_symbol AND d.ts = pg_temp.at(p_hour) $$;
CREATE FUNCTION pg_temp.cancel(p_account text, p_strategy text, p_symbol text, p_hour integer)
RETURNS text LANGUAGE sql AS $$
    SELECT api.record_order_event(d.client_order_id, 'canceled', pg_temp.at(p_hour) + interval '1 minute')
      FROM api.decisions d
     WHERE d.account = p_account AND d.symbol = p_symbol AND d.ts = pg_temp.at(p_hour) AND d.strategy = p_strategy $$;

-- Pools ---------------------------------------------------------------------------------------------------------
-- Account pl: 10000 USDT; s1 (CORE, the default), core2 (CORE), agg (AGGRESSIVE). s1 holds 5 BTC (500).
SELECT pg_temp.new_account('pl', 10000, 't_pool') AS pl \gset
SELECT api.register_strategy('pl', 'core2', '{}', 'pgtap') AS r1,
       api.register_strategy('pl', 'agg', '{}', 'pgtap', 'AGGRESSIVE') AS r2 \gset
SELECT results_eq($$SELECT strategy, pool FROM api.strategies WHERE account = 'pl' ORDER BY strategy$$,
                  $$VALUES ('agg', 'AGGRESSIVE'), ('core2', 'CORE'), ('s1', 'CORE')$$,
                  'a strategy belongs to one pool, CORE by default (api.strategies)');
SELECT pg_temp.trade('pl', 'BTC/USDT', pg_temp.at(1), 'buy', 5, 100, 0.5, 'P1') AS t \gset
SELECT pg_temp.lim('t_pool', 'pool_budget', 'abs', 1000, 'CORE') AS l \gset
SELECT is(pg_temp.why('pl', 'core2', 'ETH/USDT', 2, 'buy', 12), '{pool_budget}',
          'CORE holds 500 (s1) + 600 by core2 over a 1000 CORE budget: pool_budget');
SELECT is((SELECT (figures -> 'rules' -> 'pool' ->> 'pool_after')::numeric FROM api.decisions
            WHERE account = 'pl' AND strategy = 'core2' AND ts = pg_temp.at(2)), 1100::numeric,
          '... the decision records the pool''s exposure after the order (1100)');
SELECT is(pg_temp.why('pl', 'core2', 'ETH/USDT', 3, 'buy', 10), '{}', '500 + 500 = the budget exactly is admitted');
SELECT is(pg_temp.why('pl', 's1', 'BTC/USDT', 4, 'buy', 0.1), '{pool_budget}', 'the pool''s open buys count: 1000 + 10: pool_budget');
SELECT is(pg_temp.why('pl', 'agg', 'BTC/USDT', 4, 'buy', 20), '{}', 'another pool''s budget is its own: AGGRESSIVE without a budget admits 2000');
SELECT is(pg_temp.cancel('pl', 'agg', 'BTC/USDT', 4), 'canceled', '(canceled)');
SELECT pg_temp.lim('t_pool', 'pool_budget', 'pct', 5, 'AGGRESSIVE') AS l \gset
SELECT is(pg_temp.why('pl', 'agg', 'BTC/USDT', 5, 'buy', 5.1), '{pool_budget}', '510 over 5% of equity 9999.5 for AGGRESSIVE: pool_budget');
SELECT is(pg_temp.why('pl', 'agg', 'BTC/USDT', 5, 'buy', 5.1), '{pool_budget}', '... idempotent: the same signal again, the same decision');
SELECT is(pg_temp.why('pl', 'agg', 'XRP/USDT', 5, 'sell', 1), '{no_position}', 'a pool never refuses a sell: only no_position here');
SELECT is(pg_temp.cancel('pl', 'core2', 'ETH/USDT', 3), 'canceled', '(core2''s order canceled)');

-- A lane's pools: the operator disables TAIL_RISK in paper; live_canary enables CORE only.
SELECT api.register_strategy('pl', 'tail', '{}', 'pgtap', 'TAIL_RISK') AS r \gset
SELECT is(api.set_lane_pool('paper', 'TAIL_RISK', false, 'pgtap: no tail risk in paper'), 2, 'api.set_lane_pool: a new revision');
SELECT is(pg_temp.why('pl', 'tail', 'BTC/USDT', 6, 'buy', 1), '{pool_disabled}', 'a disabled pool''s entry: pool_disabled');
SELECT is((SELECT count(*) FROM api.audit_log WHERE action = 'set_lane_pool' AND target = 'paper/TAIL_RISK'), 1::bigint,
          '... the change is audited');
SELECT is(api.set_lane_pool('paper', 'TAIL_RISK', true, 'pgtap: back'), 3, 'enabled again');
SELECT is(pg_temp.why('pl', 'tail', 'BTC/USDT', 7, 'buy', 1), '{}', '... and its entry is admitted');
SELECT is(pg_temp.cancel('pl', 'tail', 'BTC/USDT', 7), 'canceled', '(canceled)');
SELECT results_eq($$SELECT pool, enabled FROM api.pools WHERE lane = 'live_canary' ORDER BY pool$$,
                  $$VALUES ('AGGRESSIVE', false), ('CORE', true), ('TAIL_RISK', false)$$,
                  'the shipped policy: live_canary enables CORE only (seed 000)');
SELECT api.create_account('can', 'shadow', 'binance', 'USDT', 'live_canary', 10000, 't_pool', 'pgtap') AS can \gset
SELECT api.deposit('can', 10000, pg_temp.at(0), 'pgtap') AS d,
       api.register_strategy('can', 'core', '{}', 'pgtap') AS r1,
       api.register_strategy('can', 'agg', '{}', 'pgtap', 'AGGRESSIVE') AS r2 \gset
SELECT is(pg_temp.why('can', 'agg', 'BTC/USDT', 2, 'buy', 1), '{pool_disabled}', 'live_canary: an AGGRESSIVE entry is refused pool_disabled');
SELECT is(pg_temp.why('can', 'core', 'BTC/USDT', 2, 'buy', 1), '{}', 'live_canary: a CORE entry is admitted');
SELECT throws_ok($$SELECT api.set_lane_pool('paper', 'MOONSHOT', true, 'pgtap')$$, 'PD012', NULL, 'an unknown pool: PD012');
SELECT throws_ok($$SELECT api.set_lane_pool('paper', 'CORE', true, '')$$, 'PD012', NULL, 'no reason: PD012');
SELECT throws_ok($$SELECT api.register_strategy('pl', 'x', '{}', 'pgtap', 'MOONSHOT')$$, 'PD012', NULL,
                 'register_strategy in an unknown pool: PD012');

-- A strategy's allocation ----------------------------------------------------------------------------------------
SELECT pg_temp.lim('t_pool', 'pool_budget', 'pct', NULL, 'AGGRESSIVE') AS l \gset
SELECT pg_temp.lim('t_pool', 'strategy_allocation', 'abs', 300, 'agg') AS l \gset
SELECT is(pg_temp.why('pl', 'agg', 'BTC/USDT', 8, 'buy', 4), '{strategy_allocation}', '400 over agg''s 300 allocation: strategy_allocation');
SELECT is(pg_temp.why('pl', 'agg', 'BTC/USDT', 9, 'buy', 3), '{}', 'exactly 300 is admitted');
SELECT is(pg_temp.why('pl', 'tail', 'BTC/USDT', 9, 'buy', 4), '{}', 'the allocation scoped to agg does not bind tail');

-- A strategy sells only what it holds itself ----------------------------------------------------------------------
SELECT is(pg_temp.why('pl', 'core2', 'BTC/USDT', 10, 'exit'), '{no_position}', 'core2 holds no BTC though the book does: no_position');
SELECT is(pg_temp.why('pl', 's1', 'BTC/USDT', 10, 'sell', 6), '{sell_exceeds_position}', 's1 holds 5 of its own: 6 is sell_exceeds_position');

-- A strategy's own loss limits, and its kill -------------------------------------------------------------------
-- Account sl: rk (AGGRESSIVE) buys 1000 XRP at 1.0 (fee 1) at 02:00; s1 (CORE) buys 1 ETH. By 08:00 XRP marks 0.5:
-- rk's own PnL is -501 since the day began, the book's -501 too; s1's is -0.05 (its fee).
SELECT pg_temp.new_account('sl', 10000, 't_sl') AS sl \gset
SELECT api.register_strategy('sl', 'rk', '{}', 'pgtap', 'AGGRESSIVE') AS r \gset
CREATE FUNCTION pg_temp.trade_as(p_account text, p_strategy text, p_symbol text, p_hour integer, p_qty numeric, p_price numeric,
                                 p_fee numeric, p_trade_id text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE v record;
BEGIN
    SELECT * INTO v FROM pg_temp.signal(p_account, p_symbol, pg_temp.at(p_hour), 'buy', p_qty, 50, p_strategy);
    PERFORM api.record_order_event(v.client_order_id, 'acknowledged', pg_temp.at(p_hour), 'V-' || p_trade_id);
    PERFORM api.record_fill(v.client_order_id, p_trade_id, p_qty, p_price, p_fee, 'USDT', 'taker', pg_temp.at(p_hour) + interval '1 minute');
    RETURN v.outcome;
END $$;
SELECT pg_temp.trade_as('sl', 'rk', 'XRP/USDT', 2, 1000, 1, 1, 'R1') AS a, pg_temp.trade_as('sl', 's1', 'ETH/USDT', 2, 1, 50, 0.05, 'S1') AS b \gset
SELECT count(*) AS c FROM api.close_hour('sl', pg_temp.at(3)) \gset
SELECT results_eq('SELECT pnl, daily_pnl FROM risk.strategy_figures(' || :sl || $$, 'rk', pg_temp.at(8))$$, $$VALUES (-501::numeric, -501::numeric)$$,
                  'risk.strategy_figures: rk''s own PnL from its own fills, marked (1000 XRP at 0.5 − 1001 paid)');
SELECT pg_temp.lim('t_sl', 'pool_max_daily_loss', 'abs', 400, 'AGGRESSIVE') AS l \gset
SELECT is(pg_temp.why('sl', 'rk', 'BTC/USDT', 8, 'buy', 1), '{pool_daily_loss}', 'the AGGRESSIVE pool lost 501 today over 400: pool_daily_loss');
SELECT is(pg_temp.why('sl', 's1', 'BTC/USDT', 8, 'buy', 1), '{}', '... the CORE pool trades on');
SELECT pg_temp.lim('t_sl', 'pool_max_daily_loss', 'abs', NULL, 'AGGRESSIVE') AS l \gset
SELECT pg_temp.lim('t_sl', 'pool_max_drawdown', 'abs', 400, 'AGGRESSIVE') AS l \gset
SELECT is(pg_temp.why('sl', 'rk', 'ETH/USDT', 8, 'buy', 1), '{pool_drawdown}', 'the AGGRESSIVE pool is 501 below its peak (0): pool_drawdown');
SELECT pg_temp.lim('t_sl', 'pool_max_drawdown', 'abs', NULL, 'AGGRESSIVE') AS l \gset
SELECT pg_temp.lim('t_sl', 'strategy_max_drawdown', 'pct', 4, 'rk') AS l \gset
SELECT is(pg_temp.why('sl', 'rk', 'BTC/USDT', 6, 'buy', 1), '{}', 'before the fall (XRP still 1.0 at 06:00) rk is within its drawdown limit');
SELECT is(pg_temp.why('sl', 'rk', 'ETH/USDT', 7, 'buy', 1), '{strategy_drawdown}', 'rk 501 below its peak over 4% of the peak equity: strategy_drawdown');
SELECT pg_temp.lim('t_sl', 'strategy_max_drawdown', 'pct', NULL, 'rk') AS l \gset
SELECT pg_temp.lim('t_sl', 'strategy_max_daily_loss', 'abs', 400) AS l \gset
SELECT is(pg_temp.why('sl', 'rk', 'BTC/USDT', 9, 'buy', 1), '{strategy_daily_loss}', 'rk lost 501 today over 400: strategy_daily_loss');
SELECT is(pg_temp.why('sl', 's1', 'ETH/USDT', 9, 'buy', 1), '{}', '... s1, under the same limit, lost 0.05: admitted');
SELECT is(pg_temp.why('sl', 'rk', 'XRP/USDT', 9, 'exit'), '{}', 'rk may still exit on its own');
SELECT is(pg_temp.cancel('sl', 'rk', 'XRP/USDT', 9), 'canceled', '(rk''s exit canceled: the kill will sell)');

-- The hour closes at 10:00: rk is killed alone.
SELECT count(*) AS c FROM api.close_hour('sl', pg_temp.at(10)) \gset
SELECT ok((SELECT active FROM risk.halt_state WHERE scope_kind = 'strategy' AND scope_key = 'sl/rk'),
          'the hour close kills rk: a halt at its strategy scope');
SELECT ok((SELECT reason LIKE 'strategy_killed: strategy_daily_loss%' AND source = 'system' AND ts = pg_temp.at(10)
             FROM api.halt_events WHERE scope_key = 'sl/rk'), '... a system halt at business time with its cause');
SELECT is(pg_temp.status('sl', 'rk', 'BTC/USDT', 6), 'canceled', 'rk''s open buy is cancelled');
SELECT is(pg_temp.status('sl', 's1', 'ETH/USDT', 9), 'new', 's1''s open buy is untouched');
SELECT results_eq($$SELECT strategy, symbol, side, quantity, reduce_only FROM api.orders WHERE account = 'sl' AND origin = 'strategy_kill'$$,
                  $$VALUES ('rk'::text, 'XRP/USDT'::text, 'sell'::text, 1000::numeric, true)$$,
                  'rk''s own position is sold by its own reduce-only exit (origin strategy_kill)');
SELECT ok((SELECT 'strategy_killed' = ANY (actions) FROM api.strategy_hours WHERE account = 'sl' AND strategy = 'rk' AND hour = pg_temp.at(10)),
          'api.strategy_hours records the kill');
SELECT is(pg_temp.why('sl', 'rk', 'ETH/USDT', 11, 'buy', 1), '{halted_strategy,strategy_daily_loss}', 'rk''s next entry: halted_strategy');
SELECT is(pg_temp.why('sl', 's1', 'ETH/USDT', 11, 'buy', 1), '{}', 's1 keeps trading');

-- Arbitration ------------------------------------------------------------------------------------------------------
-- Account ar: s1 holds 5 BTC; s2 (CORE) holds none.
SELECT pg_temp.new_account('ar', 10000, 't_arb') AS ar \gset
SELECT api.register_strategy('ar', 's2', '{}', 'pgtap') AS r \gset
SELECT pg_temp.trade('ar', 'BTC/USDT', pg_temp.at(1), 'buy', 5, 100, 0.5, 'A1') AS t \gset
SELECT is(pg_temp.why('ar', 's2', 'BTC/USDT', 5, 'buy', 1), '{}', 's2 buys BTC at 05:00: admitted');
SELECT is(pg_temp.why('ar', 's1', 'BTC/USDT', 5, 'exit'), '{arbitration_refused}', 's1 exits BTC the same hour (refuse_both): arbitration_refused');
SELECT is(pg_temp.status('ar', 's2', 'BTC/USDT', 5), 'canceled', '... and s2''s buy, never sent, is cancelled: both refused');
SELECT throws_ok($$SELECT api.set_arbitration('t_arb', 'average', 'pgtap')$$, 'PD012', NULL, 'an unknown rule: PD012');
SELECT is(api.set_arbitration('t_arb', 'priority', 'pgtap: priority'), 1, 'api.set_arbitration: priority');
SELECT api.register_strategy('ar', 's2', '{}', 'pgtap', 'CORE', 5) AS r \gset
SELECT is(pg_temp.why('ar', 's2', 'BTC/USDT', 6, 'buy', 1), '{}', 's2 (priority 5) buys at 06:00');
SELECT is(pg_temp.why('ar', 's1', 'BTC/USDT', 6, 'sell', 1), '{arbitration_lost}', 's1 (priority 0) sells the same hour: arbitration_lost');
SELECT is(pg_temp.status('ar', 's2', 'BTC/USDT', 6), 'new', '... s2''s buy stands');

SELECT * FROM finish();
ROLLBACK;
