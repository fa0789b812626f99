-- 13_hour_knowledge.sql — what an hour of a sync-fed run knew of the market (migration 0010).
--
-- api.record_hour_knowledge records per symbol the feed's last load id (NULL when nothing is loaded), is
-- idempotent within the hour, refuses an hour already closed (PD013), a misaligned hour or no symbols (PD012)
-- and a future hour (PD015); api.candles_known gives the bars as of a load id: a late bar is absent before the
-- load that brought it, a revised bar shows the revision known at that load. The table is append-only.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(15);

SELECT pg_temp.new_account('kn', 10000) AS kn \gset
SELECT l.load_id AS first_load FROM pg_temp.load_lines('BTC/USDT', ARRAY[
    '2024-01-01T00:00:00Z,100,101,99,100,10', '2024-01-01T01:00:00Z,100,102,99,101,10']) l \gset

SELECT results_eq($$SELECT symbol, load_id FROM api.record_hour_knowledge('kn', '2024-01-01T02:00:00Z', ARRAY['BTC/USDT', 'ETH/USDT'])$$,
                  format($$VALUES ('BTC/USDT'::text, %s::bigint), ('ETH/USDT', NULL)$$, :first_load),
                  'the hour knows the last load of each feed (NULL: nothing loaded)');

-- A load after the record does not change it; recording the same hour again returns what was recorded.
SELECT l.load_id AS second_load FROM pg_temp.load_lines('BTC/USDT', ARRAY[
    '2024-01-01T01:00:00Z,100,102,99,101.5,10', '2024-01-01T02:00:00Z,101,103,100,102,10']) l \gset
SELECT results_eq($$SELECT load_id FROM api.record_hour_knowledge('kn', '2024-01-01T02:00:00Z', ARRAY['BTC/USDT'])$$,
                  format($$VALUES (%s::bigint)$$, :first_load), 'recording an hour again returns what it knew');
SELECT is((SELECT count(*) FROM api.hour_knowledge WHERE account = 'kn'), 2::bigint, 'one row per hour and symbol');

-- candles_known: as of the first load, bar 01:00 is revision 0 and bar 02:00 unknown; as of the second, revised.
SELECT results_eq(format($$SELECT ts, close, revision FROM api.candles_known('binance', 'BTC/USDT', '1h',
                         '2024-01-01T00:00:00Z', '2024-01-01T03:00:00Z', %s)$$, :first_load),
                  $$VALUES ('2024-01-01T00:00:00Z'::timestamptz, 100::numeric, 0::smallint), ('2024-01-01T01:00:00Z', 101, 0::smallint)$$,
                  'as of the first load: the revision then known, no later bar');
SELECT results_eq(format($$SELECT ts, close, revision FROM api.candles_known('binance', 'BTC/USDT', '1h',
                         '2024-01-01T00:00:00Z', '2024-01-01T03:00:00Z', %s)$$, :second_load),
                  $$VALUES ('2024-01-01T00:00:00Z'::timestamptz, 100::numeric, 0::smallint), ('2024-01-01T01:00:00Z', 101.5, 1::smallint),
                           ('2024-01-01T02:00:00Z', 102, 0::smallint)$$,
                  'as of the second load: the correction and the late bar');
SELECT is_empty($$SELECT * FROM api.candles_known('binance', 'BTC/USDT', '1h', '2024-01-01', '2024-01-02', NULL)$$,
                'nothing known: no bars');
SELECT throws_ok($$SELECT * FROM api.candles_known('binance', 'BTC/USDT', '7h', '2024-01-01', '2024-01-02', 1)$$,
                 'PD012', NULL, 'candles_known: an unknown interval is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.candles_known('binance', 'BTC/USDT', '1h', '-infinity', '2024-01-02', 1)$$,
                 'PD012', NULL, 'candles_known: an infinite bound is refused (PD012)');

-- Refusals.
SELECT throws_ok($$SELECT * FROM api.record_hour_knowledge('kn', '2024-01-01T02:30:00Z', ARRAY['BTC/USDT'])$$,
                 'PD012', NULL, 'a misaligned hour is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_hour_knowledge('kn', '2024-01-01T03:00:00Z', ARRAY[]::text[])$$,
                 'PD012', NULL, 'no symbols is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.record_hour_knowledge('kn', '2099-01-01T00:00:00Z', ARRAY['BTC/USDT'])$$,
                 'PD015', NULL, 'an hour in the future of the wall clock is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.record_hour_knowledge('nobody', '2024-01-01T03:00:00Z', ARRAY['BTC/USDT'])$$,
                 'PD011', NULL, 'an unknown account is refused (PD011)');
SELECT lives_ok($$SELECT * FROM api.close_hour('kn', '2024-01-01T03:00:00Z')$$, 'hour 03:00 closes');
SELECT throws_ok($$SELECT * FROM api.record_hour_knowledge('kn', '2024-01-01T03:00:00Z', ARRAY['BTC/USDT'])$$,
                 'PD013', NULL, 'an hour already closed is refused: the record would come after the decision (PD013)');

-- Append-only.
SELECT throws_ok($$UPDATE portfolio.hour_knowledge SET load_id = NULL$$, NULL, NULL, 'hour_knowledge refuses UPDATE');

SELECT * FROM finish();
ROLLBACK;
