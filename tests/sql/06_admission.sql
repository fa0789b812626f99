-- 06_admission.sql — the pre-trade risk gate of api.submit_signal (DESIGN.md §3.7, §3.8).
--
-- Every refusal reason the gate can produce is provoked on its own (the decision's reasons are exactly
-- that code), recorded in risk.decision as a refusal, and creates no order: halted_global halted_lane
-- halted_account halted_strategy strategy_paused data_stale quote_currency_mismatch edge_below_minimum
-- insufficient_cash order_notional_cap instrument_cap cluster_cap quote_cap portfolio_cap daily_loss_limit
-- drawdown_limit below_min_notional below_min_qty qty_not_multiple_of_step order_rate_limit no_position
-- sell_exceeds_position. Orders exactly at a cap are admitted, and every admitted order respects every cap
-- in force when it was decided. An order inserted directly while a halt covers it is refused (PD008), except
-- a reduce-only kill-switch or risk-flatten exit. Bad arguments: PD011, PD012, PD013.
--
-- Limits are set with api.set_limit on profiles created for the test (no limit set = no cap).
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(75);

-- Market: flat BTC 100, ETH 50, SOL 10 (SOL and ETH share the smart_contract_l1 cluster); XRP 1.0 until
-- the 05:00 bar, then 0.5. Bars 2024-01-01 00:00 .. 2024-01-02 23:00.
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[48])::numeric[])
     + pg_temp.load_bars('ETH/USDT', '2024-01-01T00:00:00Z', array_fill(50, ARRAY[48])::numeric[])
     + pg_temp.load_bars('SOL/USDT', '2024-01-01T00:00:00Z', array_fill(10, ARRAY[48])::numeric[])
     + pg_temp.load_bars('XRP/USDT', '2024-01-01T00:00:00Z', array_fill(1, ARRAY[6]) || array_fill(0.5, ARRAY[42])::numeric[]) AS bars \gset

INSERT INTO risk.profile (profile, description) VALUES
    ('t_adm', 'pgtap: caps one at a time'), ('t_loss', 'pgtap: loss limits'), ('t_open', 'pgtap: no limits');

-- pg_temp.lim(profile, limit, mode, value, scope) -> the new revision
CREATE FUNCTION pg_temp.lim(p_profile text, p_limit text, p_mode text, p_value numeric, p_scope text DEFAULT '*')
RETURNS integer LANGUAGE sql AS $$ SELECT api.set_limit(p_profile, p_limit, p_mode, p_value, 'pgtap', p_scope) $$;
-- pg_temp.at(hour) -> 2024-01-01 00:00 UTC + hour hours
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
-- pg_temp.why(account, symbol, hour, direction, qty, edge) -> the decision's reasons ('{}' = admitted)
CREATE FUNCTION pg_temp.why(p_account text, p_symbol text, p_hour integer, p_direction text, p_qty numeric DEFAULT NULL,
                            p_edge numeric DEFAULT 50, p_strategy text DEFAULT 's1')
RETURNS text[] LANGUAGE sql AS $$
    SELECT pg_temp.reasons(p_account, p_symbol, pg_temp.at(p_hour), p_direction, p_qty, p_edge, p_strategy) $$;
-- pg_temp.cancel(account, symbol, hour, strategy) — cancels the order admitted for that decision
CREATE FUNCTION pg_temp.cancel(p_account text, p_symbol text, p_hour integer, p_strategy text DEFAULT 's1')
RETURNS text LANGUAGE sql AS $$
    SELECT api.record_order_event(d.client_order_id, 'canceled', pg_temp.at(p_hour) + interval '1 minute')
      FROM api.decisions d
     WHERE d.account = p_account AND d.symbol = p_symbol AND d.ts = pg_temp.at(p_hour) AND d.strategy = p_strategy $$;

-- Account adm: 10000 USDT; holds 10 BTC (1000) and 30 ETH (1500), bought at 01:00 with 0.1% fees:
-- cash 10000 - 2500 - 2.5 = 7497.5, equity 9997.5.
SELECT pg_temp.new_account('adm', 10000, 't_adm') AS adm \gset
SELECT pg_temp.trade('adm', 'BTC/USDT', pg_temp.at(1), 'buy', 10, 100, 1, 'A1') AS t1,
       pg_temp.trade('adm', 'ETH/USDT', pg_temp.at(1), 'buy', 30, 50, 1.5, 'A2') AS t2 \gset
SELECT is((SELECT ARRAY[balance] FROM ledger.balance WHERE book_id = :adm AND account_code = 'trading' AND currency = 'USDT'), ARRAY[7497.5],
          'adm: cash 7497.5 with 10 BTC and 30 ETH');

-- Halts and pauses ---------------------------------------------------------------------------------------
SELECT api.halt('pgtap: global') AS h \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 2, 'buy', 1), '{halted_global}', 'a global halt refuses every order: halted_global');
SELECT pg_temp.approve_resume() AS approval \gset
SELECT api.resume('pgtap: global done') AS h \gset
SELECT api.halt('pgtap: lane', 'lane', 'paper') AS h \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 3, 'buy', 1), '{halted_lane}', 'a halt of the account''s lane: halted_lane');
SELECT api.resume('pgtap: lane done', 'lane', 'paper') AS h \gset
SELECT api.halt('pgtap: account', 'account', 'adm') AS h \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 4, 'sell', 1), '{halted_account}', 'a halt of the account, exits included: halted_account');
SELECT api.resume('pgtap: account done', 'account', 'adm') AS h \gset
SELECT api.halt('pgtap: strategy', 'strategy', 'adm/s1') AS h \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 5, 'buy', 1), '{halted_strategy}', 'a halt of the strategy: halted_strategy');
SELECT api.resume('pgtap: strategy done', 'strategy', 'adm/s1') AS h \gset
SELECT api.pause_strategy('adm', 's1', 'pgtap: pause') AS p \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 6, 'buy', 1), '{strategy_paused}', 'a paused strategy: strategy_paused');
SELECT api.resume_strategy('adm', 's1', 'pgtap: pause done') AS p \gset

-- Market data ---------------------------------------------------------------------------------------------
SELECT is(pg_temp.why('adm', 'BTC/USDT', 53, 'buy', 1), '{data_stale}',
          'no bar closed at the decision time (the last one closed at 2024-01-03 00:00, decision at 05:00): data_stale');
SELECT ok('data_stale' = ANY (pg_temp.why('adm', 'ADA/USDT', 7, 'buy', 10)), 'an instrument without any bar: data_stale');
SELECT is((SELECT outcome FROM api.decisions WHERE account = 'adm' AND symbol = 'ADA/USDT'), 'refused', '... refused');

-- Caps on entries, one at a time --------------------------------------------------------------------------
SELECT pg_temp.lim('t_adm', 'min_edge_bps', 'bps', 20) AS l \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 7, 'buy', 1, 10), '{edge_below_minimum}', 'edge 10 bps under a 20 bps minimum: edge_below_minimum');
SELECT pg_temp.lim('t_adm', 'min_edge_bps', 'bps', NULL) AS l \gset
SELECT pg_temp.lim('t_adm', 'max_claimed_edge_bps', 'bps', 10000) AS l \gset
SELECT is(pg_temp.why('adm', 'ETH/USDT', 7, 'buy', 1, 1000000), '{implausible_edge}',
          'an entry claiming 1e6 bps over a 10 000 bps bound is a corrupted score: implausible_edge');
SELECT is((SELECT (figures -> 'caps' ->> 'max_claimed_edge_bps')::numeric FROM api.decisions
            WHERE account = 'adm' AND ts = pg_temp.at(7) AND edge_bps = 1000000), 10000::numeric,
          '... the bound in force is recorded with the decision');

SELECT is(pg_temp.why('adm', 'BTC/USDT', 8, 'buy', 75), '{insufficient_cash}', '75 BTC (7500 + 7.5 fee) on 7497.5 cash: insufficient_cash');
SELECT is(pg_temp.why('adm', 'BTC/USDT', 9, 'buy', 74.9), '{}', '74.9 BTC (7490 + 7.49 fee) on 7497.5 cash is admitted');
SELECT is(pg_temp.why('adm', 'ETH/USDT', 9, 'buy', 1), '{insufficient_cash}', 'an open buy holds its cash: 50 more is refused: insufficient_cash');
SELECT is(pg_temp.cancel('adm', 'BTC/USDT', 9), 'canceled', '(the 74.9 BTC order is canceled)');

SELECT pg_temp.lim('t_adm', 'max_order_notional', 'pct', 10) AS l \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 10, 'buy', 10), '{order_notional_cap}', '1000 over 10% of equity 9997.5: order_notional_cap');
SELECT pg_temp.lim('t_adm', 'max_order_notional', 'abs', 500) AS l \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 11, 'buy', 5.01), '{order_notional_cap}', '501 over an absolute 500: order_notional_cap');
SELECT is(pg_temp.why('adm', 'BTC/USDT', 12, 'buy', 5), '{}', 'exactly 500 under an absolute 500 is admitted');
SELECT is(pg_temp.cancel('adm', 'BTC/USDT', 12), 'canceled', '(canceled)');
SELECT pg_temp.lim('t_adm', 'max_order_notional', 'abs', NULL) AS l \gset

SELECT pg_temp.lim('t_adm', 'max_instrument_exposure', 'abs', 1500) AS l \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 13, 'buy', 6), '{instrument_cap}', '1000 held + 600 over 1500 per instrument: instrument_cap');
SELECT is(pg_temp.why('adm', 'BTC/USDT', 14, 'buy', 5), '{}', '1000 held + 500 = 1500 is admitted');
SELECT is(pg_temp.why('adm', 'BTC/USDT', 15, 'buy', 0.1), '{instrument_cap}', 'the open buy counts: 1500 + 10 over 1500: instrument_cap');
SELECT is(pg_temp.cancel('adm', 'BTC/USDT', 14), 'canceled', '(canceled)');
SELECT pg_temp.lim('t_adm', 'max_instrument_exposure', 'abs', NULL) AS l \gset

SELECT pg_temp.lim('t_adm', 'max_cluster_exposure', 'abs', 2000) AS l \gset
SELECT is(pg_temp.why('adm', 'SOL/USDT', 16, 'buy', 60), '{cluster_cap}', '1500 ETH + 600 SOL over 2000 in smart_contract_l1: cluster_cap');
SELECT pg_temp.lim('t_adm', 'max_cluster_exposure', 'abs', NULL) AS l \gset
SELECT pg_temp.lim('t_adm', 'max_cluster_exposure', 'abs', 2000, 'smart_contract_l1') AS l \gset
SELECT is(pg_temp.why('adm', 'SOL/USDT', 17, 'buy', 60), '{cluster_cap}', 'a cap set for the cluster by name applies: cluster_cap');
SELECT pg_temp.lim('t_adm', 'max_cluster_exposure', 'abs', NULL, 'smart_contract_l1') AS l \gset

SELECT pg_temp.lim('t_adm', 'max_quote_exposure', 'abs', 2600) AS l \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 18, 'buy', 2), '{quote_cap}', '2500 quoted in USDT + 200 over 2600: quote_cap');
SELECT pg_temp.lim('t_adm', 'max_quote_exposure', 'abs', NULL) AS l \gset

SELECT pg_temp.lim('t_adm', 'max_portfolio_exposure', 'pct', 26) AS l \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 19, 'buy', 2), '{portfolio_cap}', '2500 + 200 over 26% of 9997.5: portfolio_cap');
SELECT pg_temp.lim('t_adm', 'max_portfolio_exposure', 'pct', NULL) AS l \gset

-- Venue minimums --------------------------------------------------------------------------------------------
SELECT is(pg_temp.why('adm', 'BTC/USDT', 20, 'buy', 0.04), '{below_min_notional}', '4 USDT under Binance''s 5 USDT minimum: below_min_notional');
UPDATE market.instrument SET min_qty = 0.5 WHERE venue = 'binance' AND symbol = 'BTC/USDT';
SELECT is(pg_temp.why('adm', 'BTC/USDT', 21, 'buy', 0.1), '{below_min_qty}', '0.1 BTC under a 0.5 BTC minimum: below_min_qty');
UPDATE market.instrument SET step_size = 0.01 WHERE venue = 'binance' AND symbol = 'ETH/USDT';
SELECT is(pg_temp.why('adm', 'ETH/USDT', 21, 'buy', 0.105), '{qty_not_multiple_of_step}', '0.105 ETH with a 0.01 step: qty_not_multiple_of_step');

-- Rate ---------------------------------------------------------------------------------------------------------
SELECT pg_temp.lim('t_adm', 'max_orders_per_hour', 'count', 1) AS l \gset
SELECT is(pg_temp.why('adm', 'BTC/USDT', 23, 'buy', 1), '{}', 'the first order of the hour is admitted');
SELECT is(pg_temp.why('adm', 'ETH/USDT', 23, 'buy', 1), '{order_rate_limit}', 'the second with a limit of 1 per hour: order_rate_limit');
SELECT is(pg_temp.cancel('adm', 'BTC/USDT', 23), 'canceled', '(canceled)');
SELECT pg_temp.lim('t_adm', 'max_orders_per_hour', 'count', NULL) AS l \gset

-- Exits ------------------------------------------------------------------------------------------------------
SELECT is(pg_temp.why('adm', 'SOL/USDT', 24, 'sell', 1), '{no_position}', 'selling SOL the book does not hold: no_position');
SELECT is(pg_temp.why('adm', 'XRP/USDT', 24, 'exit'), '{no_position}', 'exiting XRP the book does not hold: no_position');
SELECT is(pg_temp.why('adm', 'BTC/USDT', 25, 'sell', 11), '{sell_exceeds_position}', 'selling 11 BTC of 10: sell_exceeds_position');
SELECT is(pg_temp.why('adm', 'BTC/USDT', 26, 'sell', 8), '{}', 'selling 8 BTC of 10 is admitted');
SELECT is(pg_temp.why('adm', 'BTC/USDT', 27, 'sell', 3), '{sell_exceeds_position}', 'with 8 already being sold, 3 more: sell_exceeds_position');
SELECT results_eq($$SELECT side, quantity FROM pg_temp.signal('adm', 'BTC/USDT', pg_temp.at(28), 'exit')$$, $$VALUES ('sell'::text, 2::numeric)$$,
                  'exit sells the free position (10 held less 8 being sold)');
SELECT pg_temp.lim('t_adm', 'max_order_notional', 'abs', 1) AS l \gset
SELECT is(pg_temp.why('adm', 'ETH/USDT', 29, 'sell', 30), '{}', 'caps apply to entries only: a 1500 sell under a 1 USDT order cap is admitted');
SELECT pg_temp.lim('t_adm', 'max_order_notional', 'abs', NULL) AS l \gset

-- Hold ---------------------------------------------------------------------------------------------------------
SELECT results_eq($$SELECT outcome, client_order_id, reasons FROM pg_temp.signal('adm', 'BTC/USDT', pg_temp.at(29), 'hold')$$,
                  $$VALUES ('hold'::text, NULL::text, '{}'::text[])$$, 'a hold is recorded as a decision and creates no order');

-- Quote currency ---------------------------------------------------------------------------------------------
SELECT api.create_account('usdc', 'paper', 'binance', 'USDC', 'paper', 1000, 't_open', 'pgtap') AS usdc \gset
SELECT api.deposit('usdc', 1000, pg_temp.at(0), 'pgtap') AS d, api.register_strategy('usdc', 's1', '{}', 'pgtap') AS r \gset
SELECT is(pg_temp.why('usdc', 'BTC/USDT', 2, 'buy', 1), '{quote_currency_mismatch}', 'a USDT instrument in a USDC book: quote_currency_mismatch');

-- Loss limits: account loss buys 1000 XRP at 1.0 (fee 1), closes 03:00 at equity 9999 (peak and day
-- start); by 08:00 XRP marks 0.5, equity 9499: a daily loss and a drawdown of 500 (5%).
SELECT pg_temp.new_account('loss', 10000, 't_loss') AS loss \gset
SELECT pg_temp.trade('loss', 'XRP/USDT', pg_temp.at(2), 'buy', 1000, 1, 1, 'L1') AS t \gset
SELECT count(*) AS c FROM api.close_hour('loss', pg_temp.at(3)) \gset
SELECT is((SELECT ARRAY[equity, peak_equity, day_start_equity] FROM api.hourly_states WHERE account = 'loss'), ARRAY[9999, 9999, 9999]::numeric[],
          'loss: equity, peak and day start 9999 at 03:00');
SELECT pg_temp.lim('t_loss', 'max_daily_loss', 'pct', 4) AS l \gset
SELECT is(pg_temp.why('loss', 'BTC/USDT', 8, 'buy', 1), '{daily_loss_limit}', 'a 500 loss today over 4% of 9999: daily_loss_limit');
SELECT is((SELECT (figures ->> 'daily_pnl')::numeric FROM api.decisions WHERE account = 'loss' AND ts = pg_temp.at(8)), -500::numeric,
          '... the decision records daily PnL -500');
SELECT pg_temp.lim('t_loss', 'max_daily_loss', 'abs', 501) AS l \gset
SELECT is(pg_temp.why('loss', 'BTC/USDT', 9, 'buy', 1), '{}', 'a 500 loss under an absolute 501 is admitted');
SELECT pg_temp.lim('t_loss', 'max_daily_loss', 'abs', NULL) AS l \gset
SELECT pg_temp.lim('t_loss', 'max_drawdown', 'pct', 4) AS l \gset
SELECT is(pg_temp.why('loss', 'ETH/USDT', 10, 'buy', 1), '{drawdown_limit}', 'a 5% drawdown over a 4% limit: drawdown_limit');
SELECT is(pg_temp.why('loss', 'XRP/USDT', 10, 'sell', 100), '{}', 'the drawdown limit stops entries, not exits');
SELECT pg_temp.lim('t_loss', 'max_drawdown', 'pct', NULL) AS l \gset

-- Every refusal is recorded, with its reasons, and created nothing -----------------------------------------
SELECT is_empty($$
    SELECT r FROM unnest(ARRAY['halted_global', 'halted_lane', 'halted_account', 'halted_strategy', 'strategy_paused', 'data_stale',
                               'quote_currency_mismatch', 'edge_below_minimum', 'insufficient_cash', 'order_notional_cap',
                               'instrument_cap', 'cluster_cap', 'quote_cap', 'portfolio_cap', 'daily_loss_limit', 'drawdown_limit',
                               'below_min_notional', 'below_min_qty', 'qty_not_multiple_of_step', 'order_rate_limit', 'no_position',
                               'sell_exceeds_position']) r
    EXCEPT SELECT unnest(d.reasons) FROM risk.decision d WHERE d.outcome = 'refused'$$,
    'every reason code is recorded in risk.decision');
SELECT is_empty($$SELECT d.* FROM risk.decision d WHERE d.outcome = 'refused' AND (d.client_order_id IS NOT NULL OR cardinality(d.reasons) = 0)$$,
                'every refusal has reasons and no order');
SELECT is_empty($$SELECT r.* FROM trading.order_request r JOIN risk.decision d ON d.book_id = r.book_id AND d.signal_seq = r.signal_seq
                   WHERE d.outcome <> 'admitted'$$,
                'no order request belongs to a refused signal');
SELECT is((SELECT count(*) FROM risk.decision WHERE outcome = 'admitted' AND book_id IN (:adm, :loss, :usdc)),
          (SELECT count(*) FROM trading.order_request WHERE origin = 'signal' AND book_id IN (:adm, :loss, :usdc)),
          'one order request per admission, none otherwise');
SELECT is((SELECT count(*) FROM risk.decision WHERE outcome = 'refused' AND book_id IN (:adm, :loss, :usdc)), 30::bigint,
          '30 refusals recorded, one per refused signal above');

-- Every admitted entry respects every cap in force at its decision (the figures it recorded).
SELECT is_empty($$
    SELECT d.book_id, d.seq, d.figures
      FROM risk.decision d JOIN trading.order_request r ON r.client_order_id = d.client_order_id
     WHERE d.outcome = 'admitted' AND r.side = 'buy'
       AND (   (d.figures ->> 'notional')::numeric > (d.figures -> 'caps' ->> 'max_order_notional')::numeric
            OR (d.figures ->> 'instrument_after')::numeric > (d.figures -> 'caps' ->> 'max_instrument_exposure')::numeric
            OR (d.figures ->> 'cluster_after')::numeric > (d.figures -> 'caps' ->> 'max_cluster_exposure')::numeric
            OR (d.figures ->> 'quote_after')::numeric > (d.figures -> 'caps' ->> 'max_quote_exposure')::numeric
            OR (d.figures ->> 'portfolio_after')::numeric > (d.figures -> 'caps' ->> 'max_portfolio_exposure')::numeric
            OR (d.figures ->> 'notional')::numeric * (1 + (d.figures ->> 'fee_rate')::numeric)
                 > (d.figures ->> 'cash')::numeric - (d.figures ->> 'open_buy_notional')::numeric * (1 + (d.figures ->> 'fee_rate')::numeric)
            OR r.quantity * r.decision_price <> (d.figures ->> 'notional')::numeric)$$,
    'every admitted buy respects the caps it was checked against');
SELECT ok((SELECT count(*) FROM risk.decision d JOIN trading.order_request r ON r.client_order_id = d.client_order_id
            WHERE d.outcome = 'admitted' AND r.side = 'buy' AND d.figures -> 'caps' ->> 'max_order_notional' IS NOT NULL) > 0,
          '... and some of them were checked against a cap');

-- PD008: the halt holds for orders inserted directly -----------------------------------------------------------
SELECT api.halt('pgtap: direct inserts') AS h \gset
SELECT throws_ok(format($$INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type, quantity,
                                                            decision_price, origin, ts, expiry)
                          SELECT %s, 'PDdirectsignal00000000000000001', s.seq, s.strategy, 'BTC/USDT', 'buy', 'market', 1, 100, 'signal',
                                 pg_temp.at(30), pg_temp.at(31)
                            FROM trading.signal s WHERE s.book_id = %1$s ORDER BY s.seq LIMIT 1$$, :adm),
                 'PD008', NULL, 'a signal order inserted directly during a halt is refused (PD008)');
SELECT throws_ok(format($$INSERT INTO trading.order_request (book_id, client_order_id, symbol, side, order_type, quantity, decision_price,
                                                            reduce_only, origin, ts, expiry)
                          VALUES (%s, 'PDkillswitchbuy000000000000001', 'BTC/USDT', 'buy', 'market', 1, 100, false, 'kill_switch',
                                  pg_temp.at(30), pg_temp.at(31))$$, :adm),
                 'PD008', NULL, 'a kill-switch order that is not reduce-only is refused during a halt (PD008)');
SELECT throws_ok(format($$INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type, quantity,
                                                            decision_price, reduce_only, origin, ts, expiry)
                          SELECT %s, 'PDdirectsignalsell000000000001', s.seq, s.strategy, 'BTC/USDT', 'sell', 'market', 1, 100, true, 'signal',
                                 pg_temp.at(30), pg_temp.at(31)
                            FROM trading.signal s WHERE s.book_id = %1$s ORDER BY s.seq LIMIT 1$$, :adm),
                 'PD008', NULL, 'a reduce-only sell from a signal is refused during a halt too (PD008)');
SELECT lives_ok(format($$INSERT INTO trading.order_request (book_id, client_order_id, symbol, side, order_type, quantity, decision_price,
                                                           reduce_only, origin, ts, expiry)
                         VALUES (%s, 'PDkillswitchsell00000000000001', 'BTC/USDT', 'sell', 'market', 1, 100, true, 'kill_switch',
                                 pg_temp.at(30), pg_temp.at(31))$$, :adm),
                'a reduce-only kill-switch exit is allowed during a halt');
SELECT lives_ok(format($$INSERT INTO trading.order_request (book_id, client_order_id, symbol, side, order_type, quantity, decision_price,
                                                           reduce_only, origin, ts, expiry)
                         VALUES (%s, 'PDriskflattensell0000000000001', 'ETH/USDT', 'sell', 'market', 1, 50, true, 'risk_flatten',
                                 pg_temp.at(30), pg_temp.at(31))$$, :adm),
                'a reduce-only risk-flatten exit is allowed during a halt');
SELECT is(pg_temp.why('loss', 'XRP/USDT', 30, 'sell', 1), '{halted_global}', 'through the gate, even an exit is refused during a halt');
SELECT pg_temp.approve_resume() AS approval \gset
SELECT api.resume('pgtap: direct inserts done') AS h \gset
SELECT throws_ok(format($$INSERT INTO trading.order_request (book_id, client_order_id, symbol, side, order_type, quantity, decision_price,
                                                            reduce_only, origin, ts, expiry)
                          VALUES (%s, 'PDunknowninstrument00000000001', 'BTC/EUR', 'sell', 'market', 1, 100, true, 'kill_switch',
                                  pg_temp.at(30), pg_temp.at(31))$$, :adm),
                 'PD011', NULL, 'an order on an instrument the venue does not list is refused (PD011)');

-- Argument errors ------------------------------------------------------------------------------------------------
SELECT throws_ok($$SELECT * FROM pg_temp.signal('nobody', 'BTC/USDT', pg_temp.at(40), 'buy', 1)$$, 'PD011', NULL, 'unknown account (PD011)');
SELECT throws_ok($$SELECT * FROM pg_temp.signal('adm', 'BTC/USDT', pg_temp.at(40), 'buy', 1, 50, 'nostrategy')$$, 'PD011', NULL,
                 'unregistered strategy (PD011)');
SELECT throws_ok($$SELECT * FROM pg_temp.signal('adm', 'BTC/USD', pg_temp.at(40), 'buy', 1)$$, 'PD011', NULL, 'instrument not on the account''s venue (PD011)');
SELECT throws_ok($$SELECT * FROM pg_temp.signal('adm', 'BTC/USDT', pg_temp.at(40), 'short', 1)$$, 'PD012', NULL, 'unknown direction (PD012)');
SELECT throws_ok($$SELECT * FROM pg_temp.signal('adm', 'BTC/USDT', pg_temp.at(40), 'buy')$$, 'PD012', NULL, 'a buy without a quantity (PD012)');
SELECT throws_ok($$SELECT * FROM pg_temp.signal('adm', 'BTC/USDT', pg_temp.at(40), 'sell', -1)$$, 'PD012', NULL, 'a negative quantity (PD012)');
SELECT throws_ok($$SELECT * FROM api.submit_signal('adm', 's1', 'BTC/USDT', pg_temp.at(40), 'buy', 1.5, 50, pg_temp.at(41), 1)$$, 'PD012', NULL,
                 'a confidence above 1 (PD012)');
SELECT throws_ok($$SELECT * FROM api.submit_signal('adm', 's1', 'BTC/USDT', pg_temp.at(40), 'buy', 0.5, 50, pg_temp.at(40), 1)$$, 'PD012', NULL,
                 'an expiry not after the decision time (PD012)');
SELECT throws_ok($$SELECT * FROM api.submit_signal('adm', 's1', 'BTC/USDT', pg_temp.at(40), 'buy', 0.5, 50, pg_temp.at(41), 1, 'limit')$$, 'PD012', NULL,
                 'a limit order without a limit price (PD012)');
SELECT throws_ok($$SELECT * FROM api.submit_signal('adm', 's1', 'BTC/USDT', pg_temp.at(40), 'buy', 0.5, 50, pg_temp.at(41), 1, 'market', 99)$$, 'PD012', NULL,
                 'a market order with a limit price (PD012)');
SELECT throws_ok($$SELECT * FROM pg_temp.signal('loss', 'BTC/USDT', pg_temp.at(2), 'buy', 1)$$, 'PD013', NULL,
                 'a decision time before the account''s last closed hour (PD013)');
SELECT is((SELECT count(*) FROM trading.signal s WHERE s.ts = pg_temp.at(40)), 0::bigint, 'no argument error recorded a signal');

SELECT * FROM finish();
ROLLBACK;
