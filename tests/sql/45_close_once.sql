-- 45_close_once.sql — the hour close computes every strategy's figures once (issues 14/18, docs/performance.md).
--
-- A book of four strategies in three pools trades BTC and ETH over 33 closed hours across a UTC day boundary: a
-- position with its fee paid in the base, a partial sell (realized PnL), an open buy never filled, a strategy that
-- never trades. Before each close, every strategy's figures at that hour are taken from the per-strategy function
-- (risk.strategy_figures) and from the set-based one (risk.strategies_figures); the close then stores them
-- (portfolio.strategy_hour) from its single pass. Each stored figure equals the per-strategy function's, digit for
-- digit, and the two functions agree on every figure (the per-strategy one is the set-based one filtered). The
-- figures the close's rules used are the same: agg's kill (strategy_max_daily_loss) and s1's reduce move
-- (strategy_reduce_daily_loss) record the daily PnL of risk.strategy_figures. And each close calls
-- risk.strategies_figures once, risk.strategy_figures and market.bar_known never (pg_stat_xact_user_functions).
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(12);
SET LOCAL track_functions = 'all';

-- Market: BTC 100 for 10 bars, 110 for 20, then 95; ETH 50 for 20 bars, then 40. 48 bars from 2024-01-01 00:00.
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z',
                         array_fill(100, ARRAY[10]) || array_fill(110, ARRAY[20]) || array_fill(95, ARRAY[18])::numeric[])
     + pg_temp.load_bars('ETH/USDT', '2024-01-01T00:00:00Z', array_fill(50, ARRAY[20]) || array_fill(40, ARRAY[28])::numeric[])
       AS bars \gset

INSERT INTO risk.profile (profile, description) VALUES ('t_once', 'pgtap: the close computes the figures once');
SELECT api.set_limit('t_once', 'strategy_max_daily_loss', 'abs', 60, 'pgtap', 'agg') AS l1,
       api.set_limit('t_once', 'strategy_reduce_daily_loss', 'abs', 10, 'pgtap', 's1') AS l2,
       api.set_limit('t_once', 'strategy_allocation', 'pct', 50, 'pgtap', '*') AS l3 \gset
SELECT pg_temp.new_account('co', 10000, 't_once') AS co \gset
SELECT api.register_strategy('co', 'b2', '{}', 'pgtap') AS r1,
       api.register_strategy('co', 'agg', '{}', 'pgtap', 'AGGRESSIVE') AS r2,
       api.register_strategy('co', 'idle', '{}', 'pgtap', 'TAIL_RISK') AS r3 \gset

CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
-- A signal of p_strategy at hour p_hour, admitted and acknowledged; filled a minute later unless p_fill is false.
CREATE FUNCTION pg_temp.trade_as(p_strategy text, p_symbol text, p_hour integer, p_direction text, p_qty numeric,
                                 p_price numeric, p_fee numeric, p_fee_currency text, p_trade_id text,
                                 p_fill boolean DEFAULT true)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE v record;
BEGIN
    SELECT * INTO v FROM pg_temp.signal('co', p_symbol, pg_temp.at(p_hour), p_direction, p_qty, 50, p_strategy);
    IF v.outcome <> 'admitted' THEN
        RAISE EXCEPTION 'trade_as: % % % % was % (%)', p_strategy, p_direction, p_qty, p_symbol, v.outcome, v.reasons;
    END IF;
    PERFORM api.record_order_event(v.client_order_id, 'acknowledged', pg_temp.at(p_hour), 'V-' || p_trade_id);
    IF p_fill THEN
        PERFORM api.record_fill(v.client_order_id, p_trade_id, v.quantity, p_price, p_fee, p_fee_currency, 'taker',
                                pg_temp.at(p_hour) + interval '1 minute');
    END IF;
    RETURN v.client_order_id;
END $$;

-- Every strategy's figures at an hour, as text (to the digit), taken just before the close of that hour; and what
-- the function counters say the close called.
CREATE TABLE pg_temp.pre (hour timestamptz, via text, strategy text, pool text, position_value text,
                          open_buy_notional text, realized_pnl text, unrealized_pnl text, pnl text, day_start_pnl text,
                          daily_pnl text, peak_pnl text, drawdown text);
CREATE TABLE pg_temp.calls (hour timestamptz, func text, n bigint);
CREATE FUNCTION pg_temp.close_checked(p_hour integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_book  integer := (SELECT a.book_id FROM trading.account a WHERE a.name = 'co');
    v_h     timestamptz := pg_temp.at(p_hour);
    v_funcs text[] := ARRAY['api.close_hour', 'risk.strategies_figures', 'risk.strategy_figures', 'market.bar_known'];
BEGIN
    INSERT INTO pg_temp.pre
    SELECT v_h, 'one', s.strategy, f.pool, f.position_value::text, f.open_buy_notional::text, f.realized_pnl::text,
           f.unrealized_pnl::text, f.pnl::text, f.day_start_pnl::text, f.daily_pnl::text, f.peak_pnl::text, f.drawdown::text
      FROM trading.strategy s CROSS JOIN LATERAL risk.strategy_figures(v_book, s.strategy, v_h) f
     WHERE s.book_id = v_book;
    INSERT INTO pg_temp.pre
    SELECT v_h, 'all', f.strategy, f.pool, f.position_value::text, f.open_buy_notional::text, f.realized_pnl::text,
           f.unrealized_pnl::text, f.pnl::text, f.day_start_pnl::text, f.daily_pnl::text, f.peak_pnl::text, f.drawdown::text
      FROM risk.strategies_figures(v_book, v_h) f;
    INSERT INTO pg_temp.calls
    SELECT v_h, n.f, -coalesce((SELECT s.calls FROM pg_stat_xact_user_functions s WHERE s.schemaname || '.' || s.funcname = n.f), 0)
      FROM unnest(v_funcs) n(f);
    PERFORM api.close_hour('co', v_h);
    INSERT INTO pg_temp.calls
    SELECT v_h, n.f, coalesce((SELECT s.calls FROM pg_stat_xact_user_functions s WHERE s.schemaname || '.' || s.funcname = n.f), 0)
      FROM unnest(v_funcs) n(f);
END $$;

-- The run: s1 buys 2 BTC at 01:00 paying its fee in BTC, agg 10 ETH at 02:00, b2 bids 1 BTC at 03:00 (never filled),
-- s1 sells 1 BTC at 05:00 at 101; idle never trades. ETH falls to 40 at 21:00 (agg's daily loss 100 + fee over its
-- 60: killed), BTC to 95 at 31:00 (s1's 14.97 over its 10: reduced).
SELECT pg_temp.close_checked(1);
SELECT pg_temp.trade_as('s1', 'BTC/USDT', 1, 'buy', 2, 100, 0.002, 'BTC', 'T1') AS t1 \gset
SELECT pg_temp.close_checked(2);
SELECT pg_temp.trade_as('agg', 'ETH/USDT', 2, 'buy', 10, 50, 0.5, 'USDT', 'T2') AS t2 \gset
SELECT pg_temp.close_checked(3);
SELECT pg_temp.trade_as('b2', 'BTC/USDT', 3, 'buy', 1, NULL, NULL, NULL, 'T3', false) AS t3 \gset
SELECT pg_temp.close_checked(4);
SELECT pg_temp.close_checked(5);
SELECT pg_temp.trade_as('s1', 'BTC/USDT', 5, 'sell', 1, 101, 0.101, 'USDT', 'T4') AS t4 \gset
SELECT count(pg_temp.close_checked(h)) AS closed FROM generate_series(6, 33) h \gset

SELECT is((SELECT count(*) FROM portfolio.strategy_hour h WHERE h.book_id = :co), 4 * 33::bigint,
          'the close stored every strategy''s figures at each of the 33 hours');
SELECT is((SELECT count(*) FROM pg_temp.pre p
             JOIN portfolio.strategy_hour h ON h.book_id = :co AND h.strategy = p.strategy AND h.hour = p.hour
            WHERE p.via = 'one'
              AND (h.pool, h.position_value::text, h.open_buy_notional::text, h.realized_pnl::text, h.unrealized_pnl::text,
                   h.pnl::text, h.day_start_pnl::text, h.peak_pnl::text)
                  IS NOT DISTINCT FROM (p.pool, p.position_value, p.open_buy_notional, p.realized_pnl, p.unrealized_pnl,
                                        p.pnl, p.day_start_pnl, p.peak_pnl)), 4 * 33::bigint,
          'each figure the close stored equals risk.strategy_figures of its strategy at that hour, digit for digit');
SELECT is((SELECT count(*) FROM pg_temp.pre o JOIN pg_temp.pre a ON a.via = 'all' AND a.hour = o.hour AND a.strategy = o.strategy
            WHERE o.via = 'one'
              AND (a.pool, a.position_value, a.open_buy_notional, a.realized_pnl, a.unrealized_pnl, a.pnl, a.day_start_pnl,
                   a.daily_pnl, a.peak_pnl, a.drawdown)
                  IS NOT DISTINCT FROM (o.pool, o.position_value, o.open_buy_notional, o.realized_pnl, o.unrealized_pnl,
                                        o.pnl, o.day_start_pnl, o.daily_pnl, o.peak_pnl, o.drawdown)), 4 * 33::bigint,
          'risk.strategies_figures gives every strategy the figures risk.strategy_figures gives it, at every hour');
SELECT results_eq($$SELECT strategy, position_value, open_buy_notional, realized_pnl
                      FROM api.strategy_hours WHERE account = 'co' AND hour = pg_temp.at(6) ORDER BY strategy$$,
                  $$VALUES ('agg', 500::numeric, 0::numeric, -0.5::numeric), ('b2', 0, 100, 0), ('idle', 0, 0, 0),
                           ('s1', 99.8, 0, 0.699)$$,
                  'at 06:00: agg holds 10 ETH at 50 (its fee realized), b2 bids 1 BTC, s1 holds 0.998 BTC and sold 1 at 101');
SELECT results_eq(format('SELECT * FROM risk.strategies_figures(%s, %L, ARRAY[''agg'', ''nobody''])', :co, pg_temp.at(12)),
                  format('SELECT s, f.* FROM unnest(ARRAY[''agg'', ''nobody'']) s CROSS JOIN LATERAL risk.strategy_figures(%s, s, %L) f',
                         :co, pg_temp.at(12)),
                  'the strategies named, a strategy not registered too (pool NULL, nothing traded), as risk.strategy_figures');

-- The rules of the close read the same figures.
SELECT is((SELECT reason FROM api.halt_events WHERE scope_key = 'co/agg'),
          (SELECT format('strategy_killed: strategy_daily_loss: daily pnl %s (limit 60), drawdown %s (limit %s)',
                         round(p.daily_pnl::numeric, 8), round(p.drawdown::numeric, 8), NULL)
             FROM pg_temp.pre p WHERE p.via = 'one' AND p.strategy = 'agg' AND p.hour = pg_temp.at(21)),
          'agg is killed at 21:00 by its own daily loss, its cause quoting risk.strategy_figures');
SELECT is((SELECT array_agg(hour ORDER BY hour) FROM portfolio.strategy_hour
            WHERE book_id = :co AND strategy = 'agg' AND 'strategy_killed' = ANY (actions)), ARRAY[pg_temp.at(21)],
          '... once, recorded in its strategy hour');
SELECT is((SELECT reason FROM api.risk_state_events WHERE account = 'co' AND strategy = 's1' AND state_after = 'reducing'),
          (SELECT format('strategy_reduce_daily_loss: daily pnl %s (limit 10); entries refused until 2024-01-03T00:00Z',
                         round(p.daily_pnl::numeric, 8))
             FROM pg_temp.pre p WHERE p.via = 'one' AND p.strategy = 's1' AND p.hour = pg_temp.at(31)),
          's1 is reduced at 31:00 by its daily loss, quoting risk.strategy_figures');

-- Once per close.
CREATE TABLE pg_temp.per_close AS SELECT hour, func, sum(n) AS n FROM pg_temp.calls GROUP BY hour, func;
SELECT is((SELECT count(*) FROM pg_temp.per_close WHERE func = 'api.close_hour' AND n = 1), 33::bigint,
          '(the counters saw each of the 33 closes)');
SELECT is((SELECT count(*) FROM pg_temp.per_close WHERE func = 'risk.strategies_figures' AND n = 1), 33::bigint,
          'each close computes the strategies'' figures in one call of risk.strategies_figures');
SELECT is((SELECT sum(n) FROM pg_temp.per_close WHERE func = 'risk.strategy_figures'), 0::numeric,
          '... and never one strategy at a time (risk.strategy_figures)');
SELECT is((SELECT sum(n) FROM pg_temp.per_close WHERE func = 'market.bar_known'), 0::numeric,
          '... reading the bars it needs set-based (market.bars_known), never symbol by symbol');

SELECT * FROM finish();
ROLLBACK;
