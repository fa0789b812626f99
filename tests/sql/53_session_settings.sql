-- 53_session_settings.sql — what a caller's session cannot change in what the governed routines store (a review of
-- the authority in the way an attacker would try it, 2026-12-06; docs/security.md "Session settings"):
-- * every SECURITY DEFINER routine pins TimeZone, DateStyle, IntervalStyle and extra_float_digits, so the times and
--   numbers it renders into stored (hashed) text and jsonb are the same under any session: a reconciliation
--   mismatch's incident under Asia/Kolkata with DateStyle 'SQL, DMY' names its hour in UTC ISO, as under UTC;
-- * no CHECK truncates an hour in the session's zone, and an operating cost from 10:30 UTC is refused under a zone
--   with a half-hour offset as under UTC;
-- * an array checked at a door is checked whole whatever its subscripts ('[0:4]={NaN,…}' starts at 0), and
--   ml.trial.returns starts at 1 and holds no NaN or ±Infinity even past the door;
-- * the actor stored is the login: SET ROLE to the group role adds ' as <role>', never hides which login acted.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(16);

-- Pinned settings.
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND NOT coalesce(p.proconfig, '{}') @> ARRAY['TimeZone=UTC', 'DateStyle=ISO, YMD', 'IntervalStyle=postgres',
                                                    'extra_float_digits=1']$$,
    'every SECURITY DEFINER routine pins TimeZone, DateStyle, IntervalStyle and extra_float_digits');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
     WHERE p.oid IN ('ops.tg_chain__append'::regproc, 'ledger.tg_posting__chain'::regproc,
                     'portfolio.window_digests'::regproc)
       AND NOT coalesce(p.proconfig, '{}') @> ARRAY['TimeZone=UTC', 'extra_float_digits=1']$$,
    'the chain triggers and the window digests hash rows under TimeZone UTC and full float precision');
SELECT is_empty($$
    SELECT conrelid::regclass, conname FROM pg_catalog.pg_constraint
     WHERE contype = 'c' AND pg_get_constraintdef(oid) ~ 'date_trunc\(''hour''::text, [a-z_]+\)'$$,
    'no CHECK truncates an hour in the session''s time zone');

-- A reconciliation mismatch under another zone and date style: the incident names its hour as UTC would.
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 100, 100, 100]::numeric[]) AS bars \gset
SELECT pg_temp.new_account('ss1', 10000) AS b1, pg_temp.new_account('ss2', 10000) AS b2 \gset
SET LOCAL TimeZone = 'Asia/Kolkata';
SET LOCAL DateStyle = 'SQL, DMY';
SELECT is((SELECT clean FROM api.reconcile('ss1', '2024-01-01T01:00:00Z', '{"USDT": "9999"}', '{}', 'hourly')), false,
          'a mismatch under Asia/Kolkata and DateStyle SQL, DMY');
RESET DateStyle;
RESET TimeZone;
SELECT is((SELECT links #>> '{hours,0}' FROM ops.incident WHERE book_id = :b1 ORDER BY seq DESC LIMIT 1),
          '2024-01-01T01:00:00+00:00', 'its incident links the hour in UTC');
SELECT ok((SELECT description LIKE '% at 2024-01-01 01:00:00+00: %' FROM ops.incident WHERE book_id = :b1 ORDER BY seq DESC LIMIT 1),
          'its description renders the hour in UTC ISO');

-- Hours: an operating cost from 10:30 UTC under a zone with a half-hour offset.
SET LOCAL TimeZone = 'Asia/Kolkata';
SELECT throws_ok($$SELECT api.declare_operating_cost('ss1', 'infra', 24, 'USDT', 'day', '2024-01-01T10:30:00Z', 'pgtap')$$,
                 'PD012', NULL, 'an operating cost from 10:30 UTC is refused under Asia/Kolkata (16:00 there)');
SELECT is(api.declare_operating_cost('ss1', 'infra', 24, 'USDT', 'day', '2024-01-01T10:00:00Z', 'pgtap'), 1,
          'one from 10:00 UTC (15:30 there) is declared');
RESET TimeZone;

-- Arrays checked whole, whatever their subscripts.
SELECT throws_ok($$SELECT ops._require_finite('pgtap', ARRAY['a', 'b'], '[0:1]={NaN,1}'::numeric[])$$, 'PD012',
                 'pgtap refused: a is not a finite number', 'a NaN at subscript 0 is refused, named by its position');
SELECT throws_ok($$SELECT ops._require_business_time('pgtap', ARRAY['a', 'b'], '[0:1]={infinity,2024-01-01T00:00:00Z}'::timestamptz[])$$,
                 'PD015', 'pgtap refused: a is not a finite time', 'an infinite time at subscript 0 is refused');
SET LOCAL ROLE predator_worker;
SELECT throws_ok($$SELECT api.record_trial('fam53', '{}', 10, 0.5, NULL, '[0:4]={NaN,0.01,0.02,-0.01,0.03}'::numeric[])$$,
                 'PD012', 'record_trial refused: p_returns[0] is not a finite number',
                 'record_trial refuses returns holding NaN at subscript 0');
SELECT throws_ok($$SELECT api.record_trial('fam53', '{}', 10, 0.5, NULL, '[0:4]={0.05,0.01,0.02,-0.01,0.03}'::numeric[])$$,
                 'PD012', 'record_trial refused: p_returns is not a series of returns',
                 'and finite returns that do not start at subscript 1');
RESET ROLE;
SET LOCAL session_replication_role = replica;  -- the chain trigger off: the CHECKs alone
SELECT throws_ok($$INSERT INTO ml.trial (seq, family, params, n_obs, sharpe, returns, prev_hash, row_hash)
                   VALUES (1, 'fam53', '{}', 10, 0.5, '{NaN,0.01,0.02,-0.01}', '\x00', '\x00')$$,
                 '23514', NULL, 'past the door, ml.trial refuses NaN in the returns');
SELECT throws_ok($$INSERT INTO ml.trial (seq, family, params, n_obs, sharpe, returns, prev_hash, row_hash)
                   VALUES (1, 'fam53', '{}', 10, 0.5, '[0:3]={0.05,0.01,0.02,-0.01}', '\x00', '\x00')$$,
                 '23514', NULL, '... and returns that do not start at subscript 1');
RESET session_replication_role;

-- The actor is the login, with the role it SET ROLE to.
SET LOCAL SESSION AUTHORIZATION predator_approver_login;
SELECT api.pause_strategy('ss2', 's1', 'pgtap: as the approver login');
SET LOCAL ROLE predator_operator;
SELECT api.resume_strategy('ss2', 's1', 'pgtap: as the approver login, SET ROLE predator_operator');
RESET ROLE;
RESET SESSION AUTHORIZATION;
SELECT is((SELECT actor FROM ops.audit_log WHERE action = 'pause_strategy' AND target = 'ss2/s1' ORDER BY seq DESC LIMIT 1),
          'predator_approver_login', 'an action of the approver login is recorded under it');
SELECT is((SELECT actor FROM ops.audit_log WHERE action = 'resume_strategy' AND target = 'ss2/s1' ORDER BY seq DESC LIMIT 1),
          'predator_approver_login as predator_operator', '... and still under it after SET ROLE to the operators'' group');

SELECT * FROM finish();
ROLLBACK;
