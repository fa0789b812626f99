-- 16_reference_data.sql — venues and assets added by governed, audited calls (migration 0014): api.add_venue
-- and api.add_asset add and never change (the same values again: unchanged, nothing written; other values:
-- PD010), refuse what is outside their domain (PD012) or names an unknown cluster (PD011), and keep every
-- insert in ops.audit_log. With both, api.upsert_instruments stores an instrument it skipped before, and a
-- book can be kept in the new venue.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(20);

SELECT count(*) AS audit0 FROM ops.audit_log \gset

-- Venues ----------------------------------------------------------------------------------------------------
SELECT is(api.add_venue('binanceus', 'Binance.US spot', 10, 10, 'pgtap: a US venue'), 'inserted', 'a new venue is inserted');
SELECT is(api.add_venue('binanceus', 'Binance.US spot', 10, 10, 'pgtap: again'), 'unchanged', 'the same venue again is unchanged');
SELECT results_eq($$SELECT venue, name, maker_fee_bps, taker_fee_bps FROM api.venues WHERE venue = 'binanceus'$$,
                  $$VALUES ('binanceus'::text, 'Binance.US spot'::text, 10::numeric, 10::numeric)$$, 'api.venues shows it');
SELECT throws_ok($$SELECT api.add_venue('binanceus', 'Binance.US spot', 10, 12, 'pgtap')$$, 'PD010', NULL,
                 'other fees for a stored venue are refused (PD010): venues are added, never changed');
SELECT throws_ok($$SELECT api.add_venue('Binance.US', 'x', 10, 10, 'pgtap')$$, 'PD012', NULL, 'an id that is no ccxt id (PD012)');
SELECT throws_ok($$SELECT api.add_venue('v2', 'x', -1, 10, 'pgtap')$$, 'PD012', NULL, 'a negative fee (PD012)');
SELECT throws_ok($$SELECT api.add_venue('v2', 'x', 'NaN', 10, 'pgtap')$$, 'PD012', NULL, 'a fee that is not finite (PD012)');
SELECT throws_ok($$SELECT api.add_venue('v2', 'x', 10, 10, ' ')$$, 'PD012', NULL, 'no reason (PD012)');

-- Assets ----------------------------------------------------------------------------------------------------
SELECT is(api.add_asset('DOGE', 'crypto', 'meme', 'pgtap: DOGE'), 'inserted', 'a new crypto asset is inserted in its cluster');
SELECT is(api.add_asset('DOGE', 'crypto', 'meme', 'pgtap: again'), 'unchanged', 'the same asset again is unchanged');
SELECT is(api.add_asset('PYUSD', 'stablecoin', NULL, 'pgtap: a stablecoin'), 'inserted', 'a stablecoin has no cluster');
SELECT throws_ok($$SELECT api.add_asset('DOGE', 'crypto', 'payments', 'pgtap')$$, 'PD010', NULL,
                 'another cluster for a stored asset is refused (PD010)');
SELECT throws_ok($$SELECT api.add_asset('PEPE', 'crypto', 'memes', 'pgtap')$$, 'PD011', NULL, 'an unknown cluster (PD011)');
SELECT throws_ok($$SELECT api.add_asset('PEPE', 'crypto', NULL, 'pgtap')$$, 'PD012', NULL, 'a crypto asset without a cluster (PD012)');
SELECT throws_ok($$SELECT api.add_asset('pepe', 'crypto', 'meme', 'pgtap')$$, 'PD012', NULL, 'a code that is not uppercase (PD012)');
SELECT results_eq($$SELECT kind, cluster FROM api.assets WHERE asset = 'DOGE'$$, $$VALUES ('crypto'::text, 'meme'::text)$$,
                  'api.assets shows it');

-- Audited, and what they make possible -----------------------------------------------------------------------
SELECT results_eq(format($$SELECT action, target FROM ops.audit_log WHERE seq > 0 ORDER BY recorded_at, seq OFFSET %s$$, :audit0),
                  $$VALUES ('add_venue'::text, 'binanceus'::text), ('add_asset', 'DOGE'), ('add_asset', 'PYUSD')$$,
                  'every insert is in the audit log, and nothing else: the unchanged calls wrote nothing');
SELECT results_eq($$SELECT symbol, action FROM api.upsert_instruments('binanceus', '[{"symbol": "DOGE/USD", "base": "DOGE", "quote": "USD", "tick_size": "0.00001", "step_size": "1"}]', 'pgtap')$$,
                  $$VALUES ('DOGE/USD'::text, 'inserted'::text)$$, 'an instrument of the new venue and asset is stored');
SELECT lives_ok($$SELECT api.create_account('us1', 'paper', 'binanceus', 'USD', 'paper', 1000, 'default', 'pgtap')$$,
                'a book can be kept on the new venue');
SELECT is((SELECT cluster FROM api.instruments WHERE venue = 'binanceus' AND symbol = 'DOGE/USD'), 'meme',
          'the instrument is capped with its asset''s cluster');

SELECT * FROM finish();
ROLLBACK;
