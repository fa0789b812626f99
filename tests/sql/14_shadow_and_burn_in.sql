-- 14_shadow_and_burn_in.sql — shadow mode and the live burn-in (migration 0011).
--
-- api.pair_shadow pairs a shadow account with a reference on its venue, once, audited, and refuses anything
-- else; api.compare_shadow compares the hours both books closed, records the decisions and their multiset
-- difference, trips shadow_divergence above its threshold (an incident and a halt), and never compares an hour
-- twice. api.register_strategy on a live account needs live_burn_in_days of forward burn-in (api.burn_in).
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(19);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[8])::numeric[]) AS bars \gset
SELECT pg_temp.new_account('ref', 10000) AS ref \gset
DO $setup$ BEGIN
    PERFORM api.create_account('shd', 'shadow', 'binance', 'USDT', 'paper', 10000, 'unconstrained', 'pgtap');
    PERFORM api.deposit('shd', 10000, '2024-01-01T00:00:00Z', 'pgtap');
    PERFORM api.register_strategy('shd', 's1', '{}', 'pgtap');
END $setup$;
SELECT book_id AS shd FROM api.accounts WHERE name = 'shd' \gset
-- Pairing.
SELECT throws_ok($$SELECT api.pair_shadow('ref', 'shd', 'pgtap')$$, 'PD012', NULL, 'only a shadow account is paired (PD012)');
SELECT throws_ok($$SELECT api.pair_shadow('shd', 'shd', 'pgtap')$$, 'PD012', NULL, 'not with itself (PD012)');
SELECT throws_ok($$SELECT api.pair_shadow('shd', 'ref', ' ')$$, 'PD012', NULL, 'not without a reason (PD012)');
SELECT throws_ok($$SELECT * FROM api.compare_shadow('shd', '2024-01-01T05:00:00Z')$$, 'PD012', NULL,
                 'an unpaired shadow is not compared (PD012)');
SELECT is(api.pair_shadow('shd', 'ref', 'pgtap: beside paper'), :shd, 'the shadow is paired with its reference');
SELECT throws_ok($$SELECT api.pair_shadow('shd', 'ref', 'again')$$, 'PD012', NULL, 'a pairing is once and for good (PD012)');
SELECT is((SELECT count(*) FROM api.audit_log WHERE action = 'pair_shadow'), 1::bigint, 'the pairing is audited');

-- Hour 02:00: both buy 1 BTC (no divergence). Hour 03:00: only the reference buys again (divergence 1).
DO $hours$ BEGIN
    PERFORM api.close_hour('ref', '2024-01-01T02:00:00Z');
    PERFORM api.close_hour('shd', '2024-01-01T02:00:00Z');
    PERFORM pg_temp.signal('ref', 'BTC/USDT', '2024-01-01T02:00:00Z', 'buy', 1);
    PERFORM pg_temp.signal('shd', 'BTC/USDT', '2024-01-01T02:00:00Z', 'buy', 1);
    PERFORM api.close_hour('ref', '2024-01-01T03:00:00Z');
    PERFORM api.close_hour('shd', '2024-01-01T03:00:00Z');
    PERFORM pg_temp.signal('ref', 'BTC/USDT', '2024-01-01T03:00:00Z', 'buy', 1);
    PERFORM api.close_hour('ref', '2024-01-01T04:00:00Z');  -- the shadow has not closed 04:00: that hour waits
END $hours$;

SELECT results_eq($$SELECT hour, divergence, threshold, tripped FROM api.compare_shadow('shd', '2024-01-01T05:00:00Z')$$,
                  $$VALUES ('2024-01-01T02:00:00Z'::timestamptz, 0, 0::numeric, false), ('2024-01-01T03:00:00Z', 1, 0, true)$$,
                  'hours both closed are compared; the divergent one trips the breaker (threshold 0)');
SELECT is((SELECT reference_decisions FROM api.shadow_comparisons WHERE shadow = 'shd' AND hour = '2024-01-01T03:00:00Z'),
          '[["BTC/USDT", "buy", "admitted"]]'::jsonb, 'the comparison keeps both sides'' decisions');
SELECT is((SELECT active FROM api.halts WHERE scope_kind = 'account' AND scope_key = 'shd'), true, 'the shadow account is halted');
SELECT is((SELECT count(*) FROM api.breaker_trips WHERE account = 'shd' AND breaker = 'shadow_divergence'), 1::bigint,
          'one shadow_divergence trip');
SELECT is_empty($$SELECT * FROM api.compare_shadow('shd', '2024-01-01T05:00:00Z')$$, 'an hour is never compared twice');
SELECT throws_ok($$UPDATE risk.shadow_comparison SET divergence = 0$$, NULL, NULL, 'comparisons are append-only');

-- Burn-in: a live account may register a strategy only after live_burn_in_days of forward paper or shadow.
DO $live$ BEGIN
    PERFORM api.create_account('live1', 'live', 'binance', 'USDT', 'live_canary', 1000, 'unconstrained', 'pgtap');
END $live$;
SELECT throws_ok($$SELECT api.register_strategy('live1', 's1', '{}', 'pgtap')$$, 'PD014', NULL,
                 'no forward burn-in: a live account cannot register the strategy (PD014)');
SELECT throws_ok($$SELECT api.set_setting('live_burn_in_days', 0.1, 'pgtap: one operator alone')$$, 'PD017', NULL,
                 'a shorter burn-in is a two-person action: refused alone (PD017)');
SELECT lives_ok($$SELECT api.set_setting('live_burn_in_days', 45, 'pgtap: a longer burn-in')$$,
                'a longer burn-in needs no approval');
SELECT pg_temp.approve_setting('live_burn_in_days', 0.2, 'pgtap: another value') AS approval \gset
SELECT throws_ok($$SELECT api.set_setting('live_burn_in_days', 0.1, 'pgtap: approved for another value')$$, 'PD017', NULL,
                 '... an approval of another value does not cover it');
SELECT pg_temp.approve_setting('live_burn_in_days', 0.1, 'pgtap: a short burn-in') AS approval \gset
DO $fwd$ BEGIN
    PERFORM api.register_run('run-pgtap-fwd', 'ref', 'paper', '{"feed": "sync"}', NULL);
    PERFORM api.set_setting('live_burn_in_days', 0.1, 'pgtap: a short burn-in');
END $fwd$;
SELECT results_eq($$SELECT account, hours FROM api.burn_in('binance', 's1')$$, $$VALUES ('ref'::text, 3::bigint)$$,
                  'the sync-fed paper account is a burn-in record of 3 hours');
SELECT lives_ok($$SELECT api.register_strategy('live1', 's1', '{}', 'pgtap')$$,
                'with enough burn-in the live account registers the strategy');

SELECT * FROM finish();
ROLLBACK;
