-- 54_sellable.sql — an exit or a flatten sells what the venue takes (a review of the live path, 2026-12-06): a position
-- off the instrument's step (the venue charged its buy's fee in the base) is sold rounded down to the step, since a
-- venue, or ccxt's amount_to_precision, truncates an order to it and the book would then wait for the remainder for
-- ever; a remainder below one step stays held (dust); an exit of dust alone is refused (below_min_qty); a sell of an
-- explicit quantity off the step is refused (qty_not_multiple_of_step); without a step nothing is rounded.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(10);

SELECT pg_temp.load_bars('ETH/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[12])::numeric[]) AS e,
       pg_temp.load_bars('SOL/USDT', '2024-01-01T00:00:00Z', array_fill(10, ARRAY[12])::numeric[]) AS s \gset
UPDATE market.instrument SET step_size = 0.01 WHERE venue = 'binance' AND symbol IN ('ETH/USDT', 'SOL/USDT');
SELECT pg_temp.new_account('sell1', 10000) AS b1, pg_temp.new_account('sell2', 10000) AS b2 \gset
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
-- pg_temp.buy(account, symbol, hour, qty, price, fee in base, trade id): an admitted buy filled whole, its fee in the base.
CREATE FUNCTION pg_temp.buy(p_account text, p_symbol text, p_hour integer, p_qty numeric, p_price numeric,
                            p_fee_base numeric, p_trade text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM pg_temp.signal(p_account, p_symbol, pg_temp.at(p_hour), 'buy', p_qty);
    PERFORM api.record_order_event(v.client_order_id, 'acknowledged', pg_temp.at(p_hour), 'V-' || p_trade);
    PERFORM api.record_fill(v.client_order_id, p_trade, p_qty, p_price, p_fee_base, split_part(p_symbol, '/', 1), 'taker',
                            pg_temp.at(p_hour) + interval '1 minute');
    RETURN v.outcome;
END
$$;

SELECT is(pg_temp.buy('sell1', 'ETH/USDT', 2, 1, 100, 0.001, 'e1'), 'admitted', 'a buy of 1 ETH, its fee 0.001 ETH charged in the base');
SELECT is((SELECT quantity FROM trading.position WHERE book_id = :b1 AND symbol = 'ETH/USDT'), 0.999::numeric,
          'the position is 0.999 ETH, off the 0.01 step');
SELECT results_eq($$SELECT outcome, quantity FROM pg_temp.signal('sell1', 'ETH/USDT', pg_temp.at(3), 'exit')$$,
                  $$VALUES ('admitted'::text, 0.99::numeric)$$,
                  'an exit sells 0.99 ETH: the position rounded down to the step');
SELECT is(pg_temp.reasons('sell1', 'ETH/USDT', pg_temp.at(4), 'sell', 0.005), '{qty_not_multiple_of_step}',
          'a sell of 0.005 ETH with a 0.01 step is refused: qty_not_multiple_of_step');
SELECT api.record_order_event(client_order_id, 'acknowledged', pg_temp.at(3), 'V-e2') FROM api.orders WHERE account = 'sell1' AND side = 'sell';
SELECT is((SELECT api.record_fill(client_order_id, 'e2', 0.99, 100, 0, 'USDT', 'taker', pg_temp.at(3) + interval '2 minutes')
             FROM api.orders WHERE account = 'sell1' AND side = 'sell'), 'recorded', 'the exit fills whole');
SELECT is(pg_temp.reasons('sell1', 'ETH/USDT', pg_temp.at(5), 'exit'), '{below_min_qty}',
          'an exit of the 0.009 ETH left (dust, under one step) is refused: below_min_qty');

-- The kill switch's flatten: rounded down too; without a step, the whole position.
SELECT is(pg_temp.buy('sell2', 'ETH/USDT', 2, 2, 100, 0.002, 'f1'), 'admitted', 'book sell2 buys 2 ETH, fee 0.002 ETH');
SELECT is(pg_temp.buy('sell2', 'SOL/USDT', 2, 10, 10, 0.01, 'f2'), 'admitted', '... and 10 SOL, fee 0.01 SOL');
UPDATE market.instrument SET step_size = NULL WHERE venue = 'binance' AND symbol = 'SOL/USDT';
SELECT is((SELECT flatten_orders FROM api.kill_switch('pgtap: flatten off-step positions', flatten => true)), 2,
          'the kill switch flattens both');
SELECT results_eq($$SELECT symbol, quantity FROM api.orders WHERE account = 'sell2' AND origin = 'kill_switch' ORDER BY symbol$$,
                  $$VALUES ('ETH/USDT'::text, 1.99::numeric), ('SOL/USDT'::text, 9.99::numeric)$$,
                  'ETH 1.998 is sold as 1.99 (step 0.01); SOL 9.99 whole (no step)');

SELECT * FROM finish();
ROLLBACK;
