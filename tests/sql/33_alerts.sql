-- 33_alerts.sql — the alerts outbox (migration 0030; issue 16 item 5; docs/operator.md "Alerts").
--
-- An alertable event writes its alert in its own transaction (AFTER INSERT triggers, ops.tg_alert__enqueue): a
-- halt writes exactly one outbox row, a rolled-back halt none; the kill switch one (not a second for its halt); a
-- withdrawal, a reconciliation turning dirty (once, not every dirty hour) and a breaker trip theirs. The outbox and
-- the attempts are append-only (PD001). The notifier role may only call api.alerts_pending and
-- api.record_alert_attempt: it cannot write the outbox or any governed table, nor halt. The database decides each
-- attempt's status (delivered, retry, failed at alert_max_attempts, deduplicated) and masks the error.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(47);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[24])::numeric[]) AS bars \gset
SELECT pg_temp.new_account('al1') AS b1 \gset
CREATE FUNCTION pg_temp.n() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM ops.alert_outbox $$;
CREATE FUNCTION pg_temp.last_alert() RETURNS ops.alert_outbox LANGUAGE sql AS $$
    SELECT * FROM ops.alert_outbox ORDER BY seq DESC LIMIT 1 $$;

-- A halt writes exactly one alert, in its transaction ---------------------------------------------------------
SELECT pg_temp.n() AS before \gset
SELECT api.halt('pgtap: venue outage') AS h \gset
SELECT is(pg_temp.n(), (:before + 1)::bigint, 'a global halt writes exactly one outbox row');
SELECT results_eq($$SELECT category, severity, account, dedup_key, source_table, payload ->> 'reason'
                      FROM ops.alert_outbox ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('halt'::text, 'critical'::text, NULL::text, 'halt:global:*'::text, 'risk.halt_event'::text,
                            'pgtap: venue outage'::text)$$,
                  '... category halt, critical, no account, key halt:global:*, raised by risk.halt_event, the reason in the payload');
SELECT is((SELECT title FROM pg_temp.last_alert()), 'HALT global:* (operator): pgtap: venue outage', '... with a title an operator reads');
SELECT is((SELECT source_key FROM pg_temp.last_alert()), '0:' || (SELECT max(seq) FROM risk.halt_event WHERE book_id = 0),
          '... naming the halt event it came from');
SELECT pg_temp.approve_resume() AS approval \gset
SELECT api.resume('pgtap: venue back') AS r \gset
SELECT results_eq($$SELECT category, severity, dedup_key FROM ops.alert_outbox ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('resume'::text, 'info'::text, 'resume:global:*'::text)$$, 'a resume writes an info alert');

SELECT pg_temp.n() AS before \gset
SAVEPOINT before_halt;
SELECT api.halt('pgtap: rolled back') AS h \gset
SELECT is(pg_temp.n(), (:before + 1)::bigint, 'inside the halt''s transaction its alert is there ...');
ROLLBACK TO SAVEPOINT before_halt;
SELECT is(pg_temp.n(), :before::bigint, '... and a rolled-back halt leaves none');
SELECT is((SELECT count(*) FROM ops.alert_outbox WHERE title LIKE '%rolled back%'), 0::bigint, '... not even its title');

-- Scopes, dedup keys ---------------------------------------------------------------------------------------------
SELECT api.halt('pgtap: account first', 'account', 'al1') AS h \gset
SELECT api.resume('pgtap: ok', 'account', 'al1') AS r \gset
SELECT api.halt('pgtap: account again', 'account', 'al1') AS h \gset
SELECT api.resume('pgtap: ok', 'account', 'al1') AS r \gset
SELECT results_eq($$SELECT severity, account, dedup_key FROM ops.alert_outbox WHERE category = 'halt' AND account = 'al1' ORDER BY seq$$,
                  $$VALUES ('warning'::text, 'al1'::text, 'halt:account:al1'::text), ('warning', 'al1', 'halt:account:al1')$$,
                  'two account halts: two warnings with the same dedup key (the notifier delivers one per window)');
SELECT api.halt('pgtap: lane', 'lane', 'paper') AS h \gset
SELECT is((SELECT dedup_key || '/' || severity FROM pg_temp.last_alert()), 'halt:lane:paper/critical', 'a lane halt is critical, its own key');
SELECT api.resume('pgtap: ok', 'lane', 'paper') AS r \gset

-- The kill switch: one alert, not a second one for its halt ----------------------------------------------------
SELECT pg_temp.n() AS before \gset
SELECT count(*) AS k FROM api.kill_switch('pgtap: drill', flatten => false) \gset
SELECT is(pg_temp.n(), (:before + 1)::bigint, 'the kill switch writes one alert (its global halt raises none of its own)');
SELECT results_eq($$SELECT category, severity, dedup_key, payload ->> 'reason', (payload ->> 'flatten')::boolean
                      FROM ops.alert_outbox ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('kill_switch'::text, 'critical'::text, 'kill_switch'::text, 'pgtap: drill'::text, false)$$,
                  '... category kill_switch, critical, with its reason and flatten');
SELECT pg_temp.approve_resume() AS approval \gset
SELECT api.resume('pgtap: drill over') AS r \gset

-- A breaker trip -------------------------------------------------------------------------------------------------
SELECT pg_temp.new_account('al3') AS b3 \gset
SELECT api.set_breaker('paper', 'worker_rss_mb', 512, 'pgtap: a 512 MB ceiling', 'al3') AS rev \gset
SELECT is(api.record_worker_health('al3', '2024-01-01T01:00:00Z', 600 * 1024), true, 'the memory breaker trips');
SELECT results_eq($$SELECT category, severity, account, dedup_key, payload ->> 'trip_scope' FROM ops.alert_outbox WHERE source_table = 'risk.breaker_trip'$$,
                  $$VALUES ('breaker'::text, 'warning'::text, 'al3'::text, 'breaker:worker_rss_mb:al3'::text, 'reducing'::text)$$,
                  '... a breaker alert: a paper pause is a warning');

-- A stale feed: the stale_data_hours breaker ------------------------------------------------------------------
SELECT pg_temp.load_bars('ETH/USDT', '2024-01-01T00:00:00Z', array_fill(50, ARRAY[5])::numeric[]) AS bars \gset
SELECT pg_temp.new_account('al4') AS b4 \gset
SELECT api.set_breaker('paper', 'stale_data_hours', 3, 'pgtap', 'al4', 1, 1, 'account') AS rev \gset
-- its run reads ETH
SELECT pg_temp.run_feeds('al4', ARRAY['ETH/USDT']) AS r \gset
SELECT hour AS h FROM api.close_hour('al4', '2024-01-01T09:00:00Z') \gset
SELECT results_eq($$SELECT category, severity, dedup_key FROM ops.alert_outbox WHERE account = 'al4'$$,
                  $$VALUES ('stale_feed'::text, 'warning'::text, 'breaker:stale_data_hours:al4'::text)$$,
                  'no ETH bar for 4 hours: the stale_data_hours trip is a stale_feed alert');

-- Risk breaches and a negative rolling surplus (rows as the hour close writes them, inserted here directly) ----------
INSERT INTO risk.state_event (book_id, scope_kind, scope_key, state_before, state_after, cause, reason, until_ts, ts)
VALUES (:b1, 'book', 'al1', 'normal', 'reducing', 'daily_loss_halt', 'pgtap: daily loss 11% >= 10%',
        '2024-01-02T00:00:00Z', '2024-01-01T06:00:00Z');
SELECT results_eq($$SELECT category, severity, dedup_key, payload ->> 'cause' FROM ops.alert_outbox WHERE source_table = 'risk.state_event'$$,
                  $$VALUES ('risk_breach'::text, 'warning'::text, 'risk:daily_loss_halt:al1'::text, 'daily_loss_halt'::text)$$,
                  'the daily-loss stop moving a book to reducing is a risk_breach alert');
INSERT INTO risk.state_event (book_id, scope_kind, scope_key, state_before, state_after, cause, reason, until_ts, ts)
VALUES (:b1, 'book', 'al1', 'reducing', 'normal', 'next_utc_day', 'pgtap: new day', NULL, '2024-01-02T00:00:00Z');
SELECT is((SELECT count(*) FROM ops.alert_outbox WHERE source_table = 'risk.state_event'), 1::bigint, '... its lifting is no alert');
CREATE FUNCTION pg_temp.treasury(p_day date, p_surplus numeric) RETURNS void LANGUAGE sql AS $$
    INSERT INTO portfolio.treasury_status (book_id, day, window_days, period_from, period_to, complete, currency, realized_pnl,
                                           trading_fees, operating_costs, reserve_accrual, surplus, equity, principal,
                                           principal_protected)
    SELECT book_id, p_day, 30, p_day - 29, p_day + 1, true, 'USDT', p_surplus, 0, 0, 0, p_surplus, 10000 + p_surplus, 10000,
           p_surplus >= 0
      FROM trading.account WHERE name = 'al1' $$;
SELECT pg_temp.treasury('2024-02-01', 5);
SELECT pg_temp.treasury('2024-02-02', -3);
SELECT pg_temp.treasury('2024-02-03', -4);
SELECT results_eq($$SELECT category, severity, dedup_key, payload ->> 'surplus' FROM ops.alert_outbox WHERE category = 'treasury_deficit'$$,
                  $$VALUES ('treasury_deficit'::text, 'warning'::text, 'treasury:al1'::text, '-3'::text)$$,
                  'a rolling surplus turning negative is one treasury_deficit alert, not one per negative day');

-- A withdrawal (it halts globally; nothing resumes after it here) ---------------------------
SELECT coalesce(max(seq), 0) AS before_seq FROM ops.alert_outbox \gset
SELECT api.record_venue_transfer('al1', 'withdrawal', 'USDT', 25, 'wd-1', '2024-01-01T02:00:00Z') AS t \gset
SELECT is((SELECT count(*) FROM ops.alert_outbox WHERE category = 'withdrawal'), 1::bigint, 'a withdrawal writes a withdrawal alert');
SELECT results_eq($$SELECT severity, account, dedup_key, payload ->> 'amount' FROM ops.alert_outbox WHERE category = 'withdrawal'$$,
                  $$VALUES ('critical'::text, 'al1'::text, 'withdrawal:al1:wd-1'::text, '25'::text)$$,
                  '... critical, the account, keyed by its venue reference, the amount in the payload');
SELECT ok(EXISTS (SELECT FROM ops.alert_outbox WHERE category = 'halt' AND seq > :before_seq AND payload ->> 'source' = 'system'),
          '... and the system halt it causes has its own alert');

-- Reconciliation: the turn to dirty, once ------------------------------------------------------------------------
SELECT pg_temp.new_account('al2') AS b2 \gset
SELECT clean AS c FROM api.reconcile('al2', '2024-01-01T01:00:00Z', '{"USDT": "10000"}', '{}') \gset
SELECT is((SELECT count(*) FROM ops.alert_outbox WHERE category = 'reconciliation_mismatch'), 0::bigint, 'a clean reconciliation: no alert');
SELECT clean AS c FROM api.reconcile('al2', '2024-01-01T02:00:00Z', '{"USDT": "9000"}', '{}') \gset
SELECT results_eq($$SELECT severity, account, dedup_key FROM ops.alert_outbox WHERE category = 'reconciliation_mismatch'$$,
                  $$VALUES ('critical'::text, 'al2'::text, 'reconciliation:al2'::text)$$, 'the first dirty one: one critical alert');
SELECT clean AS c FROM api.reconcile('al2', '2024-01-01T03:00:00Z', '{"USDT": "9000"}', '{}') \gset
SELECT is((SELECT count(*) FROM ops.alert_outbox WHERE category = 'reconciliation_mismatch'), 1::bigint, 'still dirty an hour later: no second alert');

-- Append-only -----------------------------------------------------------------------------------------------------
SELECT throws_ok($$UPDATE ops.alert_outbox SET title = 'x'$$, 'PD001', NULL, 'the outbox refuses UPDATE (PD001)');
SELECT throws_ok($$DELETE FROM ops.alert_outbox$$, 'PD001', NULL, 'the outbox refuses DELETE (PD001)');

-- The notifier's role ---------------------------------------------------------------------------------------------
SET LOCAL ROLE predator_notifier;
SELECT throws_ok($$INSERT INTO ops.alert_outbox (category, severity, dedup_key, title, source_table, source_key)
                   VALUES ('halt', 'critical', 'k', 'forged', 'x', 'y')$$, '42501', NULL,
                 'the notifier cannot write the outbox directly (42501)');
SELECT throws_ok($$INSERT INTO ops.alert_attempt (alert_seq, channel, attempt, ok, status) VALUES (1, 'c', 1, true, 'delivered')$$,
                 '42501', NULL, '... nor the attempts table');
SELECT throws_ok($$SELECT api.halt('notifier tries')$$, '42501', NULL, '... nor halt (42501)');
SELECT throws_ok($$SELECT count(*) FROM api.orders$$, '42501', NULL, '... nor read the book''s views');
SELECT ok((SELECT count(*) FROM api.alerts_pending(ARRAY['tg'], 1000)) > 0, 'it reads the pending alerts of its channels');
RESET ROLE;
SELECT is_empty($$SELECT c.oid::regclass FROM pg_class c
                   WHERE c.relnamespace IN ('market'::regnamespace, 'trading'::regnamespace, 'ledger'::regnamespace,
                                            'risk'::regnamespace, 'portfolio'::regnamespace, 'ops'::regnamespace)
                     AND c.relkind IN ('r', 'p', 'v')
                     AND has_table_privilege('predator_notifier', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')$$,
                'the notifier holds no privilege on any governed table');
SELECT is(ARRAY(SELECT p.proname::text FROM pg_proc p WHERE p.pronamespace = 'api'::regnamespace
                   AND has_function_privilege('predator_notifier', p.oid, 'EXECUTE') ORDER BY 1),
          ARRAY['alerts_pending', 'record_alert_attempt'], 'the notifier may execute exactly two api routines');

-- Attempts: the database decides the status --------------------------------------------------------------------
SELECT seq AS k1 FROM ops.alert_outbox WHERE category = 'kill_switch' \gset
SET LOCAL ROLE predator_notifier;
SELECT is(api.record_alert_attempt(:k1, 'tg', true), 'delivered', 'a sent alert is delivered');
SELECT throws_ok(format('SELECT api.record_alert_attempt(%s, %L, true)', :k1, 'tg'), 'PD012', NULL,
                 'a delivered alert takes no further attempt on its channel (PD012)');
SELECT ok(NOT EXISTS (SELECT FROM api.alerts_pending(ARRAY['tg'], 1000) WHERE seq = :k1), '... and is no longer pending there');
SELECT ok(EXISTS (SELECT FROM api.alerts_pending(ARRAY['mail'], 1000) WHERE seq = :k1), '... but still on another channel');
SELECT throws_ok($$SELECT api.record_alert_attempt(999999999, 'tg', true)$$, 'PD011', NULL, 'an unknown alert is refused (PD011)');
SELECT throws_ok(format('SELECT api.record_alert_attempt(%s, %L, true)', :k1, 'Bad Channel'), 'PD012', NULL,
                 'a channel that is not a name is refused (PD012)');
RESET ROLE;
SELECT api.set_setting('alert_max_attempts', 2, 'pgtap: two attempts') AS rev \gset
SELECT seq AS w1 FROM ops.alert_outbox WHERE category = 'withdrawal' \gset
SET LOCAL ROLE predator_notifier;
SELECT is(api.record_alert_attempt(:w1, 'tg', false, 'POST json://ops:hunter2secret@127.0.0.1:9/hook refused; token=abc123def456'),
          'retry', 'a failed attempt below alert_max_attempts: retry');
SELECT is(api.record_alert_attempt(:w1, 'tg', false, 'tgram://123456789:AAEabcdefghijklmnopqrstuvwxyz0123/-100 timed out'),
          'failed', 'the attempt that reaches alert_max_attempts: failed (given up, never forever)');
SELECT throws_ok(format('SELECT api.record_alert_attempt(%s, %L, false)', :w1, 'tg'), 'PD012', NULL, 'a failed alert takes no further attempt');
RESET ROLE;
SELECT is((SELECT string_agg(error, ' | ' ORDER BY attempt) FROM ops.alert_attempt WHERE alert_seq = :w1),
          'POST json://ops:[REDACTED]@127.0.0.1:9/hook refused; token=[REDACTED] | tgram://[REDACTED]/-100 timed out',
          'errors are stored masked: a URL password, a token parameter, a bot token');
SELECT is((SELECT channels FROM api.alerts WHERE seq = :w1), '{"tg": "failed"}'::jsonb, 'api.alerts shows the alert failed on its channel');

-- Deduplication: the same key within the window ------------------------------------------------------------------
SELECT min(seq) AS a1, max(seq) AS a2 FROM ops.alert_outbox WHERE dedup_key = 'halt:account:al1' \gset
SET LOCAL ROLE predator_notifier;
SELECT is(api.record_alert_attempt(:a1, 'tg', true), 'delivered', 'the first alert of a key is delivered');
SELECT is((SELECT duplicate_of FROM api.alerts_pending(ARRAY['tg'], 1000) WHERE seq = :a2), :a1::bigint,
          'the second alert of the same key within the window names the first as its original');
SELECT is(api.record_alert_attempt(:a2, 'tg', true, NULL, :a1), 'deduplicated', '... and is recorded deduplicated, not sent');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
