-- 43_candles_known_since.sql — what changed in feeds' windows between two knowledges (api.candles_known_since):
-- a sync-fed worker keeps its previous hour's bars and reads only these. For two feeds in one call: every bar of
-- the window's new part as known now; of the older part only the bars a newer load wrote (a late bar, a
-- revision), at the revision api.candles_known gives; nothing of a load newer than the load id known now; the
-- whole window when nothing was read before; no rows for a feed nothing is known of. Merged into what was read
-- before, the rows give api.candles_known's window exactly. Refusals (PD012): an unknown interval, an infinite
-- bound, arrays of unequal length, a repeated symbol, an earlier load id newer than the one known now. The
-- worker and the auditor may call it, PUBLIC may not.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(13);

-- BTC: bars 00:00..02:00 (load a); ETH: bar 00:00 (load b).
SELECT l.load_id AS a FROM pg_temp.load_lines('BTC/USDT', ARRAY[
    '2024-01-01T00:00:00Z,100,101,99,100,10', '2024-01-01T01:00:00Z,100,102,99,101,10',
    '2024-01-01T02:00:00Z,101,103,100,102,10']) l \gset
SELECT l.load_id AS b FROM pg_temp.load_lines('ETH/USDT', ARRAY['2024-01-01T00:00:00Z,10,11,9,10.50,5']) l \gset
-- Newer loads: BTC revises 01:00 and brings 03:00 and 04:00 (load c); a duplicate of 00:00 (load d: no row);
-- ETH brings the late 01:00 and 02:00 (load e); BTC revises 01:00 again (load f, newer than what is asked).
SELECT l.load_id AS c FROM pg_temp.load_lines('BTC/USDT', ARRAY[
    '2024-01-01T01:00:00Z,100,102,99,101.5,10', '2024-01-01T03:00:00Z,102,104,101,103,10',
    '2024-01-01T04:00:00Z,103,105,102,104,10']) l \gset
SELECT l.load_id AS d FROM pg_temp.load_lines('BTC/USDT', ARRAY['2024-01-01T00:00:00Z,100,101,99,100,10']) l \gset
SELECT l.load_id AS e FROM pg_temp.load_lines('ETH/USDT', ARRAY[
    '2024-01-01T01:00:00Z,10.50,12,10,11,5', '2024-01-01T02:00:00Z,11,12,10,11.5,5']) l \gset
SELECT l.load_id AS f FROM pg_temp.load_lines('BTC/USDT', ARRAY['2024-01-01T01:00:00Z,100,102,99,101.75,10']) l \gset
SELECT is((SELECT duplicate FROM api.candle_loads WHERE load_id = :d), 1::bigint, 'set-up: load d is a duplicate only');

SET LOCAL ROLE predator_worker;
-- The window [00:00, 05:00) as known at (d, e), read before over [00:00, 03:00) as of (a, b).
SELECT results_eq(format($$SELECT symbol, ts, close, revision FROM api.candles_known_since('binance', '1h',
                          ARRAY['BTC/USDT', 'ETH/USDT'], ARRAY[%s, %s]::bigint[], ARRAY[%s, %s]::bigint[],
                          '2024-01-01T00:00:00Z', '2024-01-01T05:00:00Z', '2024-01-01T03:00:00Z')$$, :d, :e, :a, :b),
                  $$VALUES ('BTC/USDT'::text, '2024-01-01T01:00:00Z'::timestamptz, 101.5::numeric, 1::smallint),
                           ('BTC/USDT', '2024-01-01T03:00:00Z', 103, 0::smallint),
                           ('BTC/USDT', '2024-01-01T04:00:00Z', 104, 0::smallint),
                           ('ETH/USDT', '2024-01-01T01:00:00Z', 11, 0::smallint),
                           ('ETH/USDT', '2024-01-01T02:00:00Z', 11.5, 0::smallint)$$,
                  'the revision and the late bars of the newer loads, the new part whole, nothing of load f');

-- Merged into what was read before, the rows are api.candles_known's window, bar for bar.
SELECT results_eq(format($$
    WITH before AS (SELECT 'BTC/USDT'::text AS symbol, * FROM api.candles_known('binance', 'BTC/USDT', '1h',
                             '2024-01-01T00:00:00Z', '2024-01-01T03:00:00Z', %s)
                    UNION ALL
                    SELECT 'ETH/USDT', * FROM api.candles_known('binance', 'ETH/USDT', '1h',
                             '2024-01-01T00:00:00Z', '2024-01-01T03:00:00Z', %s)),
         changed AS (SELECT * FROM api.candles_known_since('binance', '1h', ARRAY['BTC/USDT', 'ETH/USDT'],
                             ARRAY[%s, %s]::bigint[], ARRAY[%s, %s]::bigint[],
                             '2024-01-01T00:00:00Z', '2024-01-01T05:00:00Z', '2024-01-01T03:00:00Z'))
    SELECT * FROM changed
    UNION ALL
    SELECT b.symbol, b.ts, b.open, b.high, b.low, b.close, b.volume, b.revision FROM before b
     WHERE NOT EXISTS (SELECT FROM changed c WHERE c.symbol = b.symbol AND c.ts = b.ts)
     ORDER BY 1, 2$$, :a, :b, :d, :e, :a, :b),
                  format($$SELECT 'BTC/USDT'::text, * FROM api.candles_known('binance', 'BTC/USDT', '1h',
                            '2024-01-01T00:00:00Z', '2024-01-01T05:00:00Z', %s)
                           UNION ALL
                           SELECT 'ETH/USDT', * FROM api.candles_known('binance', 'ETH/USDT', '1h',
                            '2024-01-01T00:00:00Z', '2024-01-01T05:00:00Z', %s) ORDER BY 1, 2$$, :d, :e),
                  'what was read before and what changed make the window as known now');

SELECT results_eq(format($$SELECT symbol, ts, close FROM api.candles_known_since('binance', '1h', ARRAY['ETH/USDT'],
                          ARRAY[%s]::bigint[], ARRAY[NULL]::bigint[], '2024-01-01T01:00:00Z', '2024-01-01T05:00:00Z',
                          '2024-01-01T03:00:00Z')$$, :e),
                  $$VALUES ('ETH/USDT'::text, '2024-01-01T01:00:00Z'::timestamptz, 11::numeric),
                           ('ETH/USDT', '2024-01-01T02:00:00Z', 11.5)$$,
                  'nothing read before: the whole window from its start');
SELECT is_empty(format($$SELECT * FROM api.candles_known_since('binance', '1h', ARRAY['BTC/USDT', 'SOL/USDT'],
                         ARRAY[%s, NULL]::bigint[], ARRAY[%s, NULL]::bigint[], '2024-01-01T00:00:00Z',
                         '2024-01-01T05:00:00Z', '2024-01-01T05:00:00Z')$$, :c, :c),
                'the same load id and no new part: no change; a feed nothing is known of: no rows');
SELECT results_eq(format($$SELECT ts, close::text FROM api.candles_known_since('binance', '1h', ARRAY['ETH/USDT'],
                          ARRAY[%s]::bigint[], ARRAY[%s]::bigint[], '2024-01-01T00:00:00Z', '2024-01-01T01:00:00Z',
                          '2024-01-01T00:00:00Z')$$, :e, :b),
                  $$VALUES ('2024-01-01T00:00:00Z'::timestamptz, '10.50'::text)$$,
                  'a new part read whole keeps the exact value (10.50, not 10.5)');

-- Refusals.
SELECT throws_ok(format($$SELECT * FROM api.candles_known_since('binance', '7h', ARRAY['BTC/USDT'], ARRAY[%s]::bigint[],
                         ARRAY[NULL]::bigint[], '2024-01-01', '2024-01-02', '2024-01-02')$$, :c),
                 'PD012', NULL, 'an unknown interval is refused (PD012)');
SELECT throws_ok(format($$SELECT * FROM api.candles_known_since('binance', '1h', ARRAY['BTC/USDT'], ARRAY[%s]::bigint[],
                         ARRAY[NULL]::bigint[], '2024-01-01', 'infinity', '2024-01-02')$$, :c),
                 'PD012', NULL, 'an infinite bound is refused (PD012)');
SELECT throws_ok(format($$SELECT * FROM api.candles_known_since('binance', '1h', ARRAY['BTC/USDT', 'ETH/USDT'],
                         ARRAY[%s]::bigint[], ARRAY[NULL]::bigint[], '2024-01-01', '2024-01-02', '2024-01-02')$$, :c),
                 'PD012', NULL, 'arrays of unequal length are refused (PD012)');
SELECT throws_ok(format($$SELECT * FROM api.candles_known_since('binance', '1h', ARRAY['BTC/USDT', 'BTC/USDT'],
                         ARRAY[%s, %s]::bigint[], ARRAY[NULL, NULL]::bigint[], '2024-01-01', '2024-01-02',
                         '2024-01-02')$$, :a, :c),
                 'PD012', NULL, 'a repeated symbol is refused (PD012)');
SELECT throws_ok(format($$SELECT * FROM api.candles_known_since('binance', '1h', ARRAY['BTC/USDT'], ARRAY[%s]::bigint[],
                         ARRAY[%s]::bigint[], '2024-01-01', '2024-01-02', '2024-01-02')$$, :a, :c),
                 'PD012', NULL, 'an earlier load id newer than the one known now is refused (PD012)');

RESET ROLE;
SET LOCAL ROLE predator_auditor;
SELECT lives_ok(format($$SELECT * FROM api.candles_known_since('binance', '1h', ARRAY['BTC/USDT'], ARRAY[%s]::bigint[],
                        ARRAY[NULL]::bigint[], '2024-01-01', '2024-01-02', '2024-01-02')$$, :c),
                'the auditor may call it');
RESET ROLE;
SELECT ok(NOT has_function_privilege('public', 'api.candles_known_since(text, text, text[], bigint[], bigint[], timestamptz, timestamptz, timestamptz)', 'EXECUTE'),
          'PUBLIC may not call it');

SELECT * FROM finish();
ROLLBACK;
