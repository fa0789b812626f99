-- 31_feed_quality.sql — the data-quality breakers of the feed faults (issue 14 item 2; migration 0025, docs/risk.md):
-- market.feed_quality measures a run of flat repeated bars (flat_feed_hours) and the wick of the bar that closed at
-- the hour (bar_outlier_pct); api.close_hour trips them on a book whose breakers are on: a paper book reduces with a
-- severity-2 data incident, and lifts by itself once the figure stays clean. One flat bar (an exchange halt hour)
-- and an ordinary wick do not trip anything.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(13);

SELECT results_eq($$SELECT breaker, lane, threshold, trip_scope FROM risk.breaker_setting
                     WHERE breaker IN ('flat_feed_hours', 'bar_outlier_pct') AND account = '*' ORDER BY 1, 2$$,
                  $$VALUES ('bar_outlier_pct'::text, 'live_canary'::text, 25::numeric, 'account'::text),
                           ('bar_outlier_pct', 'live_promoted', 25, 'account'), ('bar_outlier_pct', 'paper', 25, 'account'),
                           ('flat_feed_hours', 'live_canary', 3, 'account'), ('flat_feed_hours', 'live_promoted', 3, 'account'),
                           ('flat_feed_hours', 'paper', 3, 'account')$$,
                  'both breakers are shipped on every lane at account scope (flat 3 hours, wick 25 %)');

-- BTC: 00:00-03:00 ordinary bars, 04:00 one halt hour (flat at the close, volume 0), 05:00 ordinary again, then
-- 06:00-09:00 four flat repeats (volume 0, then the same volume), 10:00 ordinary.
SELECT pg_temp.load_lines('BTC/USDT', ARRAY[
    '2024-01-01T00:00:00Z,100,101,99,100,10', '2024-01-01T01:00:00Z,100,102,99,101,12',
    '2024-01-01T02:00:00Z,101,103,100,102,11', '2024-01-01T03:00:00Z,102,103,101,102,13',
    '2024-01-01T04:00:00Z,102,102,102,102,0', '2024-01-01T05:00:00Z,102,104,101,103,9',
    '2024-01-01T06:00:00Z,103,103,103,103,0', '2024-01-01T07:00:00Z,103,103,103,103,0',
    '2024-01-01T08:00:00Z,103,103,103,103,0', '2024-01-01T09:00:00Z,103,103,103,103,0',
    '2024-01-01T10:00:00Z,103,105,102,104,14', '2024-01-01T11:00:00Z,104,106,103,105,15']) AS x \gset
-- ETH: ordinary bars, one with a 20 % wick (02:00) and one with a 30 % wick below its body (05:00).
SELECT pg_temp.load_lines('ETH/USDT', ARRAY[
    '2024-01-01T00:00:00Z,50,51,49,50,10', '2024-01-01T01:00:00Z,50,51,49,50.5,10',
    '2024-01-01T02:00:00Z,50.5,51,40,50,10', '2024-01-01T03:00:00Z,50,51,49,50,10',
    '2024-01-01T04:00:00Z,50,51,49,50,10', '2024-01-01T05:00:00Z,50,52,35,51,10',
    '2024-01-01T06:00:00Z,51,52,50,51,10', '2024-01-01T07:00:00Z,51,52,50,51,10',
    '2024-01-01T08:00:00Z,51,52,50,51,10', '2024-01-01T09:00:00Z,51,52,50,51,10',
    '2024-01-01T10:00:00Z,51,52,50,51,10', '2024-01-01T11:00:00Z,51,52,50,51,10',
    '2024-01-01T12:00:00Z,51,52,50,51,10', '2024-01-01T13:00:00Z,51,52,50,51,10']) AS y \gset

SELECT results_eq($$SELECT flat_run, wick_pct FROM market.feed_quality('binance', ARRAY['BTC/USDT'], '2024-01-01T05:00:00Z')$$,
                  $$VALUES (1, 0::numeric)$$, 'one flat bar at the previous close (a halt hour): a run of 1, no wick');
SELECT results_eq($$SELECT h, q.flat_run FROM generate_series(7, 12) h,
                          market.feed_quality('binance', ARRAY['BTC/USDT'], '2024-01-01T00:00:00Z'::timestamptz + h * interval '1 hour') q$$,
                  $$VALUES (7, 1), (8, 2), (9, 3), (10, 4), (11, 0), (12, 0)$$,
                  'four flat repeats: the run counts 1 to 4, and 0 after the first ordinary bar');
SELECT is((SELECT round(wick_pct, 4) FROM market.feed_quality('binance', ARRAY['ETH/USDT'], '2024-01-01T06:00:00Z')), 30.0000,
          'a bar with low 35 under a body of 50..51: a wick of 30 %');
SELECT is((SELECT wick_pct FROM market.feed_quality('binance', ARRAY['ETH/USDT'], '2024-01-01T07:30:00Z'::timestamptz)), NULL,
          'no bar closed exactly at the time: no wick figure (a missing bar is the stale-data breaker''s)');
SELECT is((SELECT count(*) FROM market.feed_quality('binance', ARRAY['SOL/USDT'], '2024-01-01T06:00:00Z')), 0::bigint,
          'a symbol without bars has no row');

-- A paper book with every breaker on (the shipped settings), traded symbols BTC and ETH.
SELECT pg_temp.new_account('fq', 10000, 'unconstrained', '2024-01-01T00:00:00Z', true) AS fq \gset
-- its first run reads BTC
SELECT pg_temp.run_feeds('fq', ARRAY['BTC/USDT'], 'fq-1') AS r \gset
SELECT count(*) AS n FROM generate_series(1, 5) h,
       LATERAL api.close_hour('fq', '2024-01-01T00:00:00Z'::timestamptz + h * interval '1 hour') c \gset
SELECT is((SELECT count(*) FROM api.breaker_trips WHERE account = 'fq'), 0::bigint,
          'BTC through its halt hour (a run of 1): nothing trips');
SELECT count(*) AS n FROM generate_series(6, 9) h,
       LATERAL api.close_hour('fq', '2024-01-01T00:00:00Z'::timestamptz + h * interval '1 hour') c \gset
SELECT results_eq($$SELECT breaker, ts, value, trip_scope FROM api.breaker_trips WHERE account = 'fq'$$,
                  $$VALUES ('flat_feed_hours'::text, '2024-01-01T09:00:00Z'::timestamptz, 3::numeric, 'reducing'::text)$$,
                  'three flat repeats in a row: flat_feed_hours trips at 09:00, the paper book reduces');
SELECT results_eq($$SELECT severity, category FROM api.incidents WHERE account = 'fq'$$, $$VALUES (2::smallint, 'data'::text)$$,
                  '... with a severity-2 data incident');
SELECT ok('risk_reducing' = ANY (pg_temp.reasons('fq', 'BTC/USDT', '2024-01-01T09:00:00Z', 'buy', 0.1)),
          'an entry while the frozen feed pauses the book is refused risk_reducing');
-- its next run reads ETH only
SELECT pg_temp.run_feeds('fq', ARRAY['ETH/USDT'], 'fq-2') AS r \gset
SELECT count(*) AS n FROM generate_series(10, 16) h,
       LATERAL api.close_hour('fq', '2024-01-01T00:00:00Z'::timestamptz + h * interval '1 hour') c \gset
SELECT results_eq($$SELECT state_after, cause FROM api.risk_state_events WHERE account = 'fq' AND strategy IS NULL ORDER BY seq$$,
                  $$VALUES ('reducing'::text, 'breaker:flat_feed_hours'::text), ('normal', 'breaker_cleared')$$,
                  'six clean hours later the pause lifts by itself');

-- The wick: a second book trading ETH only.
SELECT pg_temp.new_account('fw', 10000, 'unconstrained', '2024-01-01T00:00:00Z', true) AS fw \gset
SELECT pg_temp.run_feeds('fw', ARRAY['ETH/USDT']) AS r \gset
SELECT count(*) AS n FROM generate_series(1, 6) h,
       LATERAL api.close_hour('fw', '2024-01-01T00:00:00Z'::timestamptz + h * interval '1 hour') c \gset
SELECT results_eq($$SELECT breaker, ts, round(value, 4), trip_scope FROM api.breaker_trips WHERE account = 'fw'$$,
                  $$VALUES ('bar_outlier_pct'::text, '2024-01-01T06:00:00Z'::timestamptz, 30.0000, 'reducing'::text)$$,
                  'the 20 % wick at 03:00 is no outlier; the 30 % wick of the bar closing at 06:00 trips bar_outlier_pct');
SELECT is((SELECT count(*) FROM api.halt_events WHERE scope_key IN ('fq', 'fw')), 0::bigint,
          'a paper book is paused, never halted, by a data-quality breaker');

SELECT * FROM finish();
ROLLBACK;
