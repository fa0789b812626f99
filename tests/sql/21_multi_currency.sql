-- 21_multi_currency.sql — multi-currency books (issue 13 item 6) and the one valuation (issue 17 item 1).
--
-- A hand-made Kraken market: BTC/USD 100, BTC/CAD 135, USD/CAD 1.35, USDC/USD 0.99, BTC/USDC 101, BTC/EUR 90 (no
-- EUR/USD pair). market.conversion_rate: identity, direct, inverse, a bar closed by the time, missing. A USD book
-- holding USD, CAD and USDC: equity in USD through the rates; an instrument in a currency not enabled refused
-- quote_currency_mismatch; cash sufficiency in the instrument's own quote; the order cap and the per-quote cap in
-- the reporting currency; the rates recorded in the decision and in the hour close; fees converted at the fill's
-- time; a currency disabled again still counts in equity; a missing rate refuses entries conversion_rate_missing.
-- api.enable_book_currency refuses bad arguments (PD011, PD012) and is audited.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(47);

SELECT count(*) AS n FROM api.upsert_instruments('kraken', $$[
    {"symbol": "BTC/CAD", "base": "BTC", "quote": "CAD"}, {"symbol": "USD/CAD", "base": "USD", "quote": "CAD"},
    {"symbol": "USDC/USD", "base": "USDC", "quote": "USD"}, {"symbol": "BTC/USDC", "base": "BTC", "quote": "USDC"},
    {"symbol": "BTC/EUR", "base": "BTC", "quote": "EUR"}]$$, 'pgtap') \gset
SELECT pg_temp.load_bars('BTC/USD', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[48])::numeric[], 'kraken')
     + pg_temp.load_bars('BTC/CAD', '2024-01-01T00:00:00Z', array_fill(135, ARRAY[48])::numeric[], 'kraken')
     + pg_temp.load_bars('USD/CAD', '2024-01-01T00:00:00Z', array_fill(1.35, ARRAY[48])::numeric[], 'kraken')
     + pg_temp.load_bars('USDC/USD', '2024-01-01T00:00:00Z', array_fill(0.99, ARRAY[48])::numeric[], 'kraken')
     + pg_temp.load_bars('BTC/USDC', '2024-01-01T00:00:00Z', array_fill(101, ARRAY[48])::numeric[], 'kraken')
     + pg_temp.load_bars('BTC/EUR', '2024-01-01T00:00:00Z', array_fill(90, ARRAY[48])::numeric[], 'kraken') AS bars \gset

INSERT INTO risk.profile (profile, description) VALUES ('t_mc', 'pgtap: multi-currency');
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.why(p_account text, p_symbol text, p_hour integer, p_direction text, p_qty numeric DEFAULT NULL)
RETURNS text[] LANGUAGE sql AS $$ SELECT pg_temp.reasons(p_account, p_symbol, pg_temp.at(p_hour), p_direction, p_qty) $$;
CREATE FUNCTION pg_temp.fig(p_account text, p_symbol text, p_hour integer) RETURNS jsonb LANGUAGE sql AS $$
    SELECT figures FROM api.decisions WHERE account = p_account AND symbol = p_symbol AND ts = pg_temp.at(p_hour) $$;
CREATE FUNCTION pg_temp.kraken_account(p_name text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_book integer;
BEGIN
    v_book := api.create_account(p_name, 'paper', 'kraken', 'USD', 'paper', 10000, 't_mc', 'pgtap set-up');
    PERFORM api.deposit(p_name, 10000, pg_temp.at(0), 'pgtap set-up');
    PERFORM api.register_strategy(p_name, 's1', '{}'::jsonb, 'pgtap set-up');
    PERFORM api.set_breaker('paper', k.breaker, NULL, 'pgtap set-up: breakers off', p_name) FROM risk.breaker_kind k;
    RETURN v_book;
END $$;
CREATE FUNCTION pg_temp.fill(p_account text, p_symbol text, p_hour integer, p_price numeric, p_fee numeric, p_id text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_coid text := (SELECT client_order_id FROM api.decisions WHERE account = p_account AND symbol = p_symbol
                     AND ts = pg_temp.at(p_hour) AND outcome = 'admitted');
BEGIN
    PERFORM api.record_order_event(v_coid, 'acknowledged', pg_temp.at(p_hour), 'V-' || p_id);
    RETURN api.record_fill(v_coid, p_id, (SELECT quantity FROM api.orders WHERE client_order_id = v_coid), p_price, p_fee,
                           split_part(p_symbol, '/', 2), 'taker', pg_temp.at(p_hour) + interval '1 minute');
END $$;

-- Conversion rates ---------------------------------------------------------------------------------------------
SELECT results_eq($$SELECT rate, symbol, bar_close, inverted FROM market.conversion_rate('kraken', 'USD', 'USD', pg_temp.at(2))$$,
                  $$VALUES (1::numeric, NULL::text, NULL::timestamptz, false)$$, 'the same currency: identity, no pair');
SELECT results_eq($$SELECT rate, symbol, bar_close, inverted FROM market.conversion_rate('kraken', 'USDC', 'USD', pg_temp.at(2))$$,
                  $$VALUES (0.99::numeric, 'USDC/USD'::text, pg_temp.at(2), false)$$, 'USDC into USD: the close of USDC/USD (direct)');
SELECT results_eq($$SELECT rate, symbol, bar_close, inverted FROM market.conversion_rate('kraken', 'CAD', 'USD', pg_temp.at(2))$$,
                  $$VALUES (0.740740740741::numeric, 'USD/CAD'::text, pg_temp.at(2), true)$$,
                  'CAD into USD: 1 / the close of USD/CAD, 12 places (inverted)');
SELECT results_eq($$SELECT rate, symbol, inverted FROM market.conversion_rate('kraken', 'USD', 'CAD', pg_temp.at(2))$$,
                  $$VALUES (1.35::numeric, 'USD/CAD'::text, false)$$, 'USD into CAD: the same pair, direct');
SELECT is((SELECT bar_close FROM market.conversion_rate('kraken', 'CAD', 'USD', pg_temp.at(2) + interval '59 minutes')),
          pg_temp.at(2), 'only a bar closed by the time counts (02:59 uses the bar that closed at 02:00)');
SELECT is_empty($$SELECT * FROM market.conversion_rate('kraken', 'EUR', 'USD', pg_temp.at(2))$$,
                'EUR into USD: neither EUR/USD nor USD/EUR has a bar: no rate');
SELECT is_empty($$SELECT * FROM market.conversion_rate('kraken', 'CAD', 'USD', pg_temp.at(0))$$,
                'before the first bar closed: no rate');

-- Enabling a currency ------------------------------------------------------------------------------------------
SELECT pg_temp.kraken_account('mc') AS mc \gset
SELECT api.deposit('mc', 1350, pg_temp.at(0), 'pgtap', 'CAD') AS d1, api.deposit('mc', 500, pg_temp.at(0), 'pgtap', 'USDC') AS d2 \gset
SELECT is(pg_temp.why('mc', 'BTC/CAD', 1, 'buy', 1), '{quote_currency_mismatch}',
          'a CAD instrument in a USD book before CAD is enabled: quote_currency_mismatch');
SELECT is((SELECT equity FROM portfolio.valuation(:mc, pg_temp.at(2))), 10000::numeric,
          'before CAD and USDC are enabled only the reporting currency''s cash counts');
SELECT throws_ok($$SELECT api.enable_book_currency('mc', 'USD', 'pgtap')$$, 'PD012', NULL,
                 'the reporting currency is always enabled (PD012)');
SELECT throws_ok($$SELECT api.enable_book_currency('mc', 'XYZ', 'pgtap')$$, 'PD011', NULL, 'an unknown currency (PD011)');
SELECT throws_ok($$SELECT api.enable_book_currency('nobody', 'CAD', 'pgtap')$$, 'PD011', NULL, 'an unknown account (PD011)');
SELECT throws_ok($$SELECT api.enable_book_currency('mc', 'CAD', ' ')$$, 'PD012', NULL, 'no reason (PD012)');
SELECT is(api.enable_book_currency('mc', 'CAD', 'pgtap: trade CAD pairs'), 1, 'CAD enabled: revision 1');
SELECT is(api.enable_book_currency('mc', 'USDC', 'pgtap: trade USDC pairs'), 1, 'USDC enabled: revision 1');
SELECT is((SELECT count(*) FROM api.audit_log WHERE action = 'enable_book_currency' AND target LIKE 'mc/%'), 2::bigint,
          '... each change is audited');
SELECT results_eq($$SELECT currency, reporting, enabled, cash FROM api.book_currencies WHERE account = 'mc' ORDER BY 2 DESC, 1$$,
                  $$VALUES ('USD'::text, true, true, 10000::numeric), ('CAD', false, true, 1350), ('USDC', false, true, 500)$$,
                  'api.book_currencies: the reporting currency and the enabled ones, with their cash');

-- The valuation ------------------------------------------------------------------------------------------------
SELECT is((SELECT cash FROM portfolio.valuation(:mc, pg_temp.at(2))), 10000 + 1350 * 0.740740740741 + 500 * 0.99,
          'cash in USD: 10000 USD + 1350 CAD × (1/1.35) + 500 USDC × 0.99');
SELECT results_eq($$SELECT (c ->> 'cash')::numeric, (c ->> 'rate')::numeric, c ->> 'symbol', (c ->> 'inverted')::boolean
                      FROM portfolio.valuation($$ || :mc || $$, pg_temp.at(2)) v, jsonb_each(v.currencies) x(k, c) ORDER BY x.k$$,
                  $$VALUES (1350::numeric, 0.740740740741::numeric, 'USD/CAD'::text, true),
                           (10000, 1, NULL, false), (500, 0.99, 'USDC/USD', false)$$,
                  'per-currency cash with the rate, pair and direction used');
SELECT is((SELECT missing_rates FROM portfolio.valuation(:mc, pg_temp.at(2))), '{}'::text[], 'no rate missing');

-- Admission ----------------------------------------------------------------------------------------------------
SELECT is(pg_temp.why('mc', 'BTC/CAD', 2, 'buy', 10), '{insufficient_cash}',
          '10 BTC/CAD = 1350 CAD + fee over the 1350 CAD held: insufficient_cash, though 10000 USD are held');
SELECT api.set_limit('t_mc', 'max_order_notional', 'abs', 120, 'pgtap') AS l \gset
SELECT is(pg_temp.why('mc', 'BTC/CAD', 3, 'buy', 1.5), '{order_notional_cap}',
          '1.5 BTC/CAD = 202.5 CAD = 150 USD over a 120 USD order cap: order_notional_cap');
SELECT is(pg_temp.why('mc', 'BTC/CAD', 4, 'buy', 1), '{}',
          '1 BTC/CAD = 135 CAD = 100 USD: admitted (the cap is compared in the reporting currency)');
SELECT results_eq($$SELECT (f -> 'valuation' ->> 'rate')::numeric, f -> 'valuation' ->> 'rate_symbol',
                           (f -> 'valuation' ->> 'rate_bar_close')::timestamptz, (f -> 'valuation' ->> 'quote_cash')::numeric,
                           (f -> 'valuation' ->> 'notional_value')::numeric, (f ->> 'notional')::numeric
                      FROM pg_temp.fig('mc', 'BTC/CAD', 4) f$$,
                  $$VALUES (0.740740740741::numeric, 'USD/CAD'::text, pg_temp.at(4), 1350::numeric, 135 * 0.740740740741, 135::numeric)$$,
                  '... the decision records the rate, its pair and bar, the quote''s cash and the notional in USD');
SELECT is((SELECT (f -> 'valuation' -> 'rates' -> 'USDC' ->> 'rate')::numeric FROM pg_temp.fig('mc', 'BTC/CAD', 4) f), 0.99::numeric,
          '... and every currency''s rate');
SELECT is(pg_temp.fill('mc', 'BTC/CAD', 4, 135, 0.351, 'MC1'), 'recorded', '(filled at 135 CAD, fee 0.351 CAD)');
SELECT api.set_limit('t_mc', 'max_quote_exposure', 'abs', 150, 'pgtap', 'CAD') AS l \gset
SELECT is(pg_temp.why('mc', 'BTC/CAD', 5, 'buy', 0.5), '{quote_cap}',
          'CAD instruments: 100 USD held + 50 USD over the CAD cap of 150 USD: quote_cap');
SELECT is((pg_temp.fig('mc', 'BTC/CAD', 5) ->> 'quote_after')::numeric, 1.5 * 135 * 0.740740740741,
          '... the quote exposure after the order, in USD');
SELECT is(pg_temp.why('mc', 'BTC/USD', 5, 'buy', 0.5), '{}', 'the CAD cap does not bind a USD instrument');
SELECT is(pg_temp.why('mc', 'BTC/USDC', 5, 'buy', 1), '{}', '1 BTC/USDC = 101 USDC = 99.99 USD: admitted against the USDC cash');
SELECT is((pg_temp.fig('mc', 'BTC/USDC', 5) -> 'valuation' ->> 'notional_value')::numeric, 99.99::numeric,
          '... its notional in USD at USDC/USD 0.99');

-- The hour close records the rates -----------------------------------------------------------------------------
SELECT is((SELECT equity FROM api.close_hour('mc', pg_temp.at(6))),
          10000 + (1350 - 135 - 0.351) * 0.740740740741 + 500 * 0.99 + 1 * 135 * 0.740740740741,
          'equity at 06:00: USD cash + CAD cash and the BTC/CAD position at 135 CAD, converted, + USDC cash');
SELECT results_eq($$SELECT (valuation -> 'currencies' -> 'CAD' ->> 'rate')::numeric, valuation -> 'currencies' -> 'CAD' ->> 'symbol',
                           (valuation -> 'currencies' -> 'CAD' ->> 'bar_close')::timestamptz, valuation ->> 'reporting'
                      FROM portfolio.hourly_state WHERE book_id = $$ || :mc || $$ AND hour = pg_temp.at(6)$$,
                  $$VALUES (0.740740740741::numeric, 'USD/CAD'::text, pg_temp.at(6), 'USD'::text)$$,
                  'the hourly state records each rate with its pair and bar close');
SELECT is((SELECT fees FROM api.hourly_states WHERE account = 'mc' AND hour = pg_temp.at(6)), 0.351 * 0.740740740741,
          'the fee in CAD is counted in USD at the rate of the fill''s time');
SELECT is((SELECT e ->> 'notional' FROM portfolio.hourly_state s, jsonb_array_elements(s.exposures) e
            WHERE s.book_id = :mc AND s.hour = pg_temp.at(6) AND e ->> 'kind' = 'quote' AND e ->> 'key' = 'CAD')::numeric,
          135 * 0.740740740741, 'the hour''s CAD quote exposure, in USD');
SELECT is((SELECT equity FROM portfolio.valuation(:mc, pg_temp.at(6))),
          (SELECT equity FROM api.hourly_states WHERE account = 'mc' AND hour = pg_temp.at(6)),
          'admission and the hour close read the same valuation');
SELECT is(pg_temp.why('mc', 'BTC/CAD', 6, 'exit'), '{}', 'an exit in CAD is admitted (no cap binds a sale)');

-- Disable: entries refused, the cash still counted ---------------------------------------------------------------
SELECT is(api.enable_book_currency('mc', 'USDC', 'pgtap: no more USDC pairs', false), 2, 'USDC disabled: revision 2');
SELECT is(pg_temp.why('mc', 'BTC/USDC', 7, 'buy', 0.1), '{quote_currency_mismatch}', 'a disabled currency''s entry: quote_currency_mismatch');
SELECT is((SELECT (currencies -> 'USDC' ->> 'cash_currency')::boolean FROM portfolio.valuation(:mc, pg_temp.at(7))), true,
          '... its cash still counts in equity');

-- A missing rate -----------------------------------------------------------------------------------------------
SELECT pg_temp.kraken_account('mx') AS mx \gset
SELECT api.enable_book_currency('mx', 'EUR', 'pgtap') AS e \gset
SELECT is(pg_temp.why('mx', 'BTC/USD', 2, 'buy', 0.1), '{}', 'EUR enabled but not held: its missing rate does not stop a USD entry');
SELECT is(pg_temp.why('mx', 'BTC/EUR', 2, 'buy', 0.1), '{conversion_rate_missing,insufficient_cash}'::text[],
          'a EUR entry without a EUR rate: conversion_rate_missing (and no EUR cash)');
SELECT api.deposit('mx', 100, pg_temp.at(2), 'pgtap', 'EUR') AS d \gset
SELECT is(pg_temp.why('mx', 'BTC/EUR', 3, 'buy', 0.1), '{conversion_rate_missing}',
          'with 100 EUR held, 0.1 BTC/EUR = 9 EUR: conversion_rate_missing alone');
SELECT is(pg_temp.why('mx', 'BTC/USD', 3, 'buy', 0.1), '{conversion_rate_missing}',
          'EUR cash without a rate leaves the equity unknown: a USD entry is refused conversion_rate_missing too');
SELECT is(pg_temp.why('mx', 'BTC/USD', 4, 'sell', 0.1), '{no_position}', '... a sale never is (only no_position here: the 02:00 buy is still open)');
SELECT results_eq($$SELECT v.missing_rates, h.equity FROM api.close_hour('mx', pg_temp.at(4)) h, portfolio.valuation($$ || :mx || $$, pg_temp.at(4)) v$$,
                  $$VALUES ('{EUR}'::text[], 10000::numeric)$$,
                  'the hour close values the EUR without a rate at 0 and lists it as missing');
SELECT is((SELECT valuation -> 'currencies' -> 'EUR' -> 'rate' FROM portfolio.hourly_state WHERE book_id = :mx ORDER BY hour DESC LIMIT 1),
          'null'::jsonb, '... and records its rate as null');

SELECT * FROM finish();
ROLLBACK;
