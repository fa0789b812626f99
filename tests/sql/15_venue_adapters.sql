-- 15_venue_adapters.sql — what the live venue adapters need of the database (migration 0012).
--
-- Fees in the currency the venue charged: a Binance fill paying its fee in BNB (neither base nor quote) is
-- recorded, journaled trading -> fees in BNB, valued in quote at the BNB/USDT mark for the lots, the order and
-- the hour's fees; a BNB fee larger than the book's BNB is still recorded (the rest owed to the venue, a
-- 'venue' leg) so it never stops the worker; without a BNB/USDT bar its quote value is 0. A fee in a currency
-- market.asset does not know is refused (05_orders). Venue errors classified as halt, reported through
-- api.record_venue_health (fatal_errors), trip the venue_fatal_error breaker: global halt and an incident.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(24);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 101, 102, 103, 104, 105]::numeric[]) AS n \gset
SELECT pg_temp.load_bars('BNB/USDT', '2024-01-01T00:00:00Z', ARRAY[250, 260, 270, 280, 290, 300]::numeric[]) AS n \gset
SELECT pg_temp.new_account('bnb', 10000) AS bnb \gset
SELECT api.deposit('bnb', 1, '2024-01-01T00:00:00Z', 'pgtap: BNB for fees', 'BNB') AS d \gset

CREATE FUNCTION pg_temp.bal(p_code text, p_ccy text) RETURNS numeric LANGUAGE sql AS $$
    SELECT coalesce((SELECT b.balance FROM api.balances b WHERE b.account = 'bnb' AND b.account_code = p_code
                     AND b.currency = p_ccy), 0)
$$;

-- The quote value of a fee -----------------------------------------------------------------------------------
SELECT is(trading._fee_in_quote('binance', 'BTC/USDT', 0.5, 'USDT', 101, '2024-01-01T01:01:00Z'), 0.5::numeric,
          'a fee in the quote is its own quote value');
SELECT is(trading._fee_in_quote('binance', 'BTC/USDT', 0.001, 'BTC', 101, '2024-01-01T01:01:00Z'), 0.101::numeric,
          'a fee in the base is valued at the fill price');
SELECT is(trading._fee_in_quote('binance', 'BTC/USDT', 0.1, 'BNB', 101, '2024-01-01T01:01:00Z'), 25.0::numeric,
          'a fee in BNB is valued at the BNB/USDT mark by the fill time (the 00:00 bar, closed at 01:00: 250)');
SELECT is(trading._fee_in_quote('binance', 'BTC/USDT', 0.1, 'ETH', 101, '2024-01-01T01:01:00Z'), 0::numeric,
          'a third-currency fee without a FEE/QUOTE bar is valued at 0');

-- A buy paying its fee in BNB ---------------------------------------------------------------------------------
SELECT client_order_id AS b1 FROM pg_temp.signal('bnb', 'BTC/USDT', '2024-01-01T01:00:00Z', 'buy', 1) \gset
SELECT api.record_order_event(:'b1', 'acknowledged', '2024-01-01T01:00:00Z', 'V-B1') AS e \gset
SELECT is(api.record_fill(:'b1', 'B1', 1, 101, 0.1, 'BNB', 'taker', '2024-01-01T01:01:00Z'), 'recorded',
          'a buy whose fee the venue charged in BNB is recorded');
SELECT is(pg_temp.bal('trading', 'BNB'), 0.9::numeric, 'the fee left the book''s BNB (1 - 0.1)');
SELECT is(pg_temp.bal('fees', 'BNB'), 0.1::numeric, 'the fees account holds 0.1 BNB: the fee journaled in the currency charged');
SELECT is(pg_temp.bal('trading', 'USDT'), 9899::numeric, 'the quote paid only the notional (10000 - 101)');
SELECT is(pg_temp.bal('trading', 'BTC'), 1::numeric, 'the base received is the whole quantity (no fee taken from it)');
SELECT is((SELECT f.fee_currency || ' ' || f.fee FROM api.fills f WHERE f.venue_trade_id = 'B1'), 'BNB 0.1',
          'the fill keeps the fee and its currency as the venue reported them');
SELECT is((SELECT s.fees_quote FROM trading.order_state s WHERE s.client_order_id = :'b1'), 25.0::numeric,
          'the order''s fees in quote count the BNB fee at its mark (0.1 * 250)');
SELECT results_eq($$SELECT quantity, fee_quote FROM trading.lot WHERE venue_trade_id = 'B1'$$,
                  $$VALUES (1::numeric, 25.0::numeric)$$, 'the lot holds the whole quantity and carries the fee''s quote value');
SELECT is((SELECT fees FROM api.close_hour('bnb', '2024-01-01T02:00:00Z')), 25.0::numeric,
          'the hour''s fees count the BNB fee at its mark');

-- A sell whose BNB fee exceeds what the book holds -------------------------------------------------------------
SELECT client_order_id AS s1 FROM pg_temp.signal('bnb', 'BTC/USDT', '2024-01-01T02:00:00Z', 'sell', 1) \gset
SELECT api.record_order_event(:'s1', 'acknowledged', '2024-01-01T02:00:00Z', 'V-S1') AS e \gset
SELECT is(api.record_fill(:'s1', 'S1', 1, 103, 2, 'BNB', 'taker', '2024-01-01T02:01:00Z'), 'recorded',
          'a BNB fee larger than the book''s BNB does not refuse the fill');
SELECT is(pg_temp.bal('trading', 'BNB'), 0::numeric, 'the book''s 0.9 BNB paid what it could');
SELECT is(pg_temp.bal('venue', 'BNB'), -1.1::numeric, 'the other 1.1 BNB is owed to the venue (reconciliation will show it)');
SELECT is(pg_temp.bal('fees', 'BNB'), 2.1::numeric, 'the whole fee is journaled in BNB');
SELECT is((SELECT sum(p.amount) FROM ledger.posting p WHERE p.book_id = :bnb AND p.currency = 'BNB'
             AND p.tx_seq = (SELECT t.seq FROM ledger.transaction t WHERE t.book_id = :bnb AND t.ref = 'S1' AND t.kind = 'fill')), 0::numeric,
          'the fill''s journal transaction balances in BNB');
SELECT is((SELECT realized_pnl FROM trading.lot_allocation WHERE venue_trade_id = 'S1'), -543.0::numeric,
          'realized PnL = 1 * (103 - 101) - entry fee 25 - exit fee 2 BNB at the 01:00 bar''s 260 = -543');
SELECT is(api.record_fill(:'s1', 'S1', 1, 103, 2, 'BNB', 'taker', '2024-01-01T02:01:00Z'), 'duplicate',
          'the same trade id again is a duplicate (fills are deduplicated on the venue''s trade id)');

-- Venue errors classified as halt ----------------------------------------------------------------------------
SELECT pg_temp.new_account('vf', 10000, p_breakers => true) AS vf \gset
SELECT is(api.record_venue_health('vf', '2024-01-01T03:00:00Z', 3, 0, true, '{"fatal_errors": 0}'), false,
          'a health report without errors classified as halt trips nothing');
SELECT throws_ok($$SELECT api.record_venue_health('vf', '2024-01-01T03:00:00Z', 1, 0, true, '{"fatal_errors": "many"}')$$,
                 'PD012', NULL, 'a fatal_errors that is not a count is refused (PD012)');
SELECT is(api.record_venue_health('vf', '2024-01-01T03:10:00Z', 2, 1, true,
                                  '{"fatal_errors": 1, "fatal": ["create_order: AuthenticationError: EAPI:Invalid key"]}'),
          true, 'one venue error classified as halt trips the venue_fatal_error breaker');
SELECT results_eq($$SELECT h.active, i.category, i.severity FROM api.halts h, api.incidents i
                    WHERE h.scope_kind = 'global' AND i.title LIKE '%venue_fatal_error%'$$,
                  $$VALUES (true, 'infrastructure'::text, 1::smallint)$$,
                  '... which halts globally and opens a severity-1 infrastructure incident');

SELECT * FROM finish();
ROLLBACK;
