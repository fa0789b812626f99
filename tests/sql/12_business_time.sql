-- 12_business_time.sql — business time is finite and never ahead of the wall clock (issue 9).
--
-- Every api routine that records something at a business time refuses an infinite time and one later than
-- the wall clock plus the operator's max_clock_skew_seconds (ops.setting, default 300 s) with PD015: hour
-- close, signal (its expiry only when infinite: a deadline lies ahead by design), order event, fill,
-- deposit, venue transfer, venue health, reconciliation, and a candle load's clock (trigger _100_clock on
-- market.candle_load). The skew is an audited operator setting (api.set_setting). An hour never counts a
-- fill dated after it (PD013). Nothing is stored by a refusal.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(37);

CREATE FUNCTION pg_temp.governed_counts() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r record;
    v_n bigint;
    v_out jsonb := '{}';
BEGIN
    FOR r IN SELECT c.oid::regclass AS tbl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops')
                AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1 LOOP
        EXECUTE format('SELECT count(*) FROM %s', r.tbl) INTO v_n;
        v_out := v_out || jsonb_build_object(r.tbl::text, v_n);
    END LOOP;
    RETURN v_out;
END
$$;

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[8])::numeric[]) AS bars \gset
SELECT pg_temp.new_account('bt', 10000) AS bt \gset
-- An acknowledged, unfilled buy decided at 02:00.
SELECT client_order_id AS coid FROM pg_temp.signal('bt', 'BTC/USDT', '2024-01-01T02:00:00Z', 'buy', 1) \gset
SELECT api.record_order_event(:'coid', 'acknowledged', '2024-01-01T02:00:00Z', 'V-1') AS ack \gset
SELECT pg_temp.governed_counts() AS before \gset

-- Hour close: 2099 and ±infinity (either would freeze the account: every later hour refused PD013).
SELECT throws_ok($$SELECT * FROM api.close_hour('bt', '2099-01-01T00:00:00Z')$$, 'PD015', NULL, 'close_hour at 2099-01-01 is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.close_hour('bt', 'infinity')$$, 'PD015', NULL, 'close_hour at infinity is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.close_hour('bt', '-infinity')$$, 'PD015', NULL, 'close_hour at -infinity is refused (PD015)');
-- The close of the hour after the running one lies at least an hour ahead of the clock whatever the minute
-- (the running hour's own close may be within the 5-minute skew near the end of the hour).
SELECT throws_ok(format('SELECT * FROM api.close_hour(%L, %L)', 'bt', date_trunc('hour', clock_timestamp()) + interval '2 hours'),
                 'PD015', NULL, 'close_hour of an hour that has not begun (its close an hour or more ahead of the clock) is refused');

-- Signals.
SELECT throws_ok($$SELECT * FROM api.submit_signal('bt', 's1', 'BTC/USDT', '2099-01-01T00:00:00Z', 'buy', 0.6, 50, '2099-01-01T01:00:00Z', 1)$$,
                 'PD015', NULL, 'a signal decided in 2099 is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.submit_signal('bt', 's1', 'BTC/USDT', 'infinity', 'buy', 0.6, 50, 'infinity', 1)$$,
                 'PD015', NULL, 'a signal at infinity is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.submit_signal('bt', 's1', 'BTC/USDT', '2024-01-01T03:00:00Z', 'buy', 0.6, 50, 'infinity', 1)$$,
                 'PD015', NULL, 'a signal expiring at infinity is refused (PD015)');

-- Order events and fills.
SELECT throws_ok(format('SELECT api.record_order_event(%L, %L, %L)', :'coid', 'canceled', '2099-01-01T00:00:00Z'),
                 'PD015', NULL, 'an order event dated 2099 is refused (PD015)');
SELECT throws_ok(format('SELECT api.record_order_event(%L, %L, %L)', :'coid', 'canceled', 'infinity'),
                 'PD015', NULL, 'an order event at infinity is refused (PD015)');
SELECT throws_ok(format('SELECT api.record_fill(%L, %L, 1, 100, 0.1, %L, %L, %L)', :'coid', 'F-2099', 'USDT', 'taker', '2099-01-01T00:00:00Z'),
                 'PD015', NULL, 'a fill dated 2099 for a 2024 order is refused (PD015)');
SELECT throws_ok(format('SELECT api.record_fill(%L, %L, 1, 100, 0.1, %L, %L, %L)', :'coid', 'F-inf', 'USDT', 'taker', 'infinity'),
                 'PD015', NULL, 'a fill at infinity is refused (PD015)');

-- Capital and venue observations.
SELECT throws_ok($$SELECT api.deposit('bt', 100, '2099-01-01T00:00:00Z', 'pgtap')$$, 'PD015', NULL, 'a deposit dated 2099 is refused (PD015)');
SELECT throws_ok($$SELECT api.deposit('bt', 100, '-infinity', 'pgtap')$$, 'PD015', NULL, 'a deposit at -infinity is refused (PD015)');
SELECT throws_ok($$SELECT api.record_venue_transfer('bt', 'deposit', 'USDT', 100, 'T-2099', '2099-01-01T00:00:00Z')$$,
                 'PD015', NULL, 'a venue transfer dated 2099 is refused (PD015)');
SELECT throws_ok($$SELECT api.record_venue_health('bt', '2099-01-01T00:00:00Z', 1, 0, true)$$,
                 'PD015', NULL, 'venue health dated 2099 is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.reconcile('bt', '2099-01-01T00:00:00Z', '{"USDT": "10000"}', '{}')$$,
                 'PD015', NULL, 'a reconciliation dated 2099 is refused (PD015)');
SELECT throws_ok($$SELECT * FROM api.reconcile('bt', 'infinity', '{"USDT": "10000"}', '{}')$$,
                 'PD015', NULL, 'a reconciliation at infinity is refused (PD015)');

-- A candle load whose clock runs ahead (it would admit bars from the future): the load's row is refused.
SELECT throws_ok($$INSERT INTO market.candle_load (load_id, venue, symbol, interval, source, clock, read, loaded, duplicate, corrected, quarantined)
                   VALUES (nextval('market.candle_load_id_seq'), 'binance', 'BTC/USDT', '1h', 'pgtap', '2099-01-01T00:00:00Z', 0, 0, 0, 0, 0)$$,
                 'PD015', NULL, 'a candle load with its clock in 2099 is refused (PD015)');

SELECT is(pg_temp.governed_counts(), :'before'::jsonb, 'no governed table gained a row through a refused business time');

-- The message names what was refused; DETAIL the argument, the wall clock and the skew; HINT what to do.
SELECT pg_temp.governed_counts() AS before \gset
CREATE FUNCTION pg_temp.diag(p_sql text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    v_state text;
    v_msg text;
    v_detail text;
    v_hint text;
BEGIN
    EXECUTE p_sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL,
                            v_hint = PG_EXCEPTION_HINT;
    RETURN ARRAY[v_state, v_msg, v_detail, v_hint];
END
$$;
SELECT pg_temp.diag($$SELECT * FROM api.close_hour('bt', '2099-01-01T00:00:00Z')$$) AS d \gset
SELECT is((:'d'::text[])[2], 'api.close_hour refused: p_hour 2099-01-01 00:00:00+00 is later than the wall clock plus the allowed skew',
          'the message says what was refused');
SELECT ok((:'d'::text[])[3] ~ '^argument=p_hour value=2099-01-01 00:00:00\+00 wall_clock=.* max_clock_skew=00:05:00$',
          'DETAIL names the argument, the wall clock and the skew in force');
SELECT ok((:'d'::text[])[4] LIKE '%api.set_setting%', 'HINT says what to do');

-- The skew is an operator setting: 4 minutes ahead passes the default 5, 6 minutes does not; widened to 10
-- minutes, 6 passes. Business time within the skew of the wall clock is fine in the present, too.
SELECT lives_ok(format('SELECT api.deposit(%L, 1, %L, %L)', 'bt', clock_timestamp() + interval '4 minutes', 'pgtap'),
                'a deposit 4 minutes ahead of the wall clock passes the default skew of 5 minutes');
SELECT throws_ok(format('SELECT api.deposit(%L, 1, %L, %L)', 'bt', clock_timestamp() + interval '6 minutes', 'pgtap'),
                 'PD015', NULL, 'a deposit 6 minutes ahead is refused with the default skew');
SELECT throws_ok($$SELECT api.set_setting('max_clock_skew_seconds', 600, 'pgtap: alone')$$, 'PD017', NULL,
                 'widening the skew alone is refused: it needs a second operator''s approval (PD017)');
SELECT pg_temp.approve_setting('max_clock_skew_seconds', 600, 'pgtap: venue clock drifts') AS approval \gset
SELECT is(api.set_setting('max_clock_skew_seconds', 600, 'pgtap: venue clock drifts'), 2, 'the operator widens the skew to 10 minutes with an approval (revision 2)');
SELECT is((SELECT value FROM api.settings WHERE name = 'max_clock_skew_seconds'), 600::numeric, 'api.settings shows the setting in force');
SELECT is((SELECT args ->> 'value' FROM ops.audit_log WHERE action = 'set_setting' ORDER BY seq DESC LIMIT 1), '600',
          'the change is audited');
SELECT lives_ok(format('SELECT api.deposit(%L, 1, %L, %L)', 'bt', clock_timestamp() + interval '6 minutes', 'pgtap'),
                'with a 10-minute skew, 6 minutes ahead passes');
SELECT throws_ok($$SELECT api.set_setting('max_clock_skew_seconds', 86400, 'pgtap')$$, 'PD012', NULL, 'a skew of a day is refused (PD012)');
SELECT throws_ok($$SELECT api.set_setting('max_clock_skew_seconds', 'NaN', 'pgtap')$$, 'PD012', NULL, 'a NaN skew is refused (PD012)');
SELECT throws_ok($$SELECT api.set_setting('max_clock_skew', 60, 'pgtap')$$, 'PD011', NULL, 'an unknown setting is refused (PD011)');
SELECT throws_ok($$SELECT api.set_setting('max_clock_skew_seconds', 60, '')$$, 'PD012', NULL, 'a setting needs a reason (PD012)');
SELECT throws_ok($$UPDATE ops.setting SET value = 86400$$, 'PD001', NULL, 'ops.setting is append-only (PD001)');

-- A fill is never counted by an hour that closes before it: the fill at 05:30 (recorded before the 03:00
-- close) makes close_hour(03:00) refuse (PD013); the account is not stuck: the 06:00 close counts it.
SELECT api.record_fill(:'coid', 'F-0530', 1, 100, 0.1, 'USDT', 'taker', '2024-01-01T05:30:00Z') AS f \gset
SELECT throws_ok($$SELECT * FROM api.close_hour('bt', '2024-01-01T03:00:00Z')$$, 'PD013', NULL,
                 'an hour that would count a fill dated after it is refused (PD013)');
SELECT is((SELECT hour FROM api.close_hour('bt', '2024-01-01T06:00:00Z')), '2024-01-01T06:00:00Z'::timestamptz,
          'the first hour at or after the fill closes and counts it');
SELECT is((SELECT fees FROM api.hourly_states WHERE account = 'bt' AND hour = '2024-01-01T06:00:00Z'), 0.1,
          'the 06:00 hour counts the fill''s fee');

SELECT * FROM finish();
ROLLBACK;
