-- 02_privileges.sql — no login role writes a governed table (DESIGN.md §2), proven with SET ROLE.
--
-- For predator_worker, predator_operator and predator_auditor, INSERT, UPDATE, DELETE and TRUNCATE on every
-- table of market, trading, ledger, risk, portfolio, ops and ml (the list comes from the catalog, candle
-- partitions included), nextval/setval on their sequences, writes through the auto-updatable api views,
-- calls of the internal routines outside api, and the ways around the triggers (ALTER TABLE ... DISABLE
-- TRIGGER, session_replication_role) are refused with SQLSTATE 42501; the one exception, the load inbox
-- market.candle_stage, takes INSERT of (load_key, raw) from the worker and nothing else. The auditor
-- reads every table but the anchor signing secrets (ops.anchor_key, 37_anchors.sql) and every view, runs
-- api.verify_chains() and api.hour_digests(), and may call no write procedure but api.record_validation and
-- api.record_replay, which record its own validation runs and replays (17_validation_runs.sql,
-- 42_replay_runs.sql).
-- The login roles (migration 0008) reach no privileged role through their memberships, the group
-- roles cannot log in, and as each login SET ROLE to the owner or to a superuser is refused with 42501
-- (SET SESSION AUTHORIZATION and RESET ROLE over a real login: tests/integration/test_logins.py).
BEGIN;
\i tests/sql/helpers/fixtures.sql

-- Some data everywhere it is cheap to get (a candle partition, an account, an order, a fill, a closed
-- hour), so that the writes below would have rows to touch.
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 101, 102, 103]::numeric[]) AS loaded \gset
SELECT pg_temp.new_account('priv') AS book \gset
SELECT pg_temp.trade('priv', 'BTC/USDT', '2024-01-01T03:00:00Z', 'buy', 1, 102, 0.1, 'P1') AS coid \gset
SELECT count(*) FROM api.close_hour('priv', '2024-01-01T04:00:00Z') \gset

-- The governed relations, from the catalog.
CREATE TEMP TABLE governed AS
SELECT c.oid::regclass AS tbl, c.relkind, c.relispartition,
       (SELECT quote_ident(a.attname) FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity = '' AND a.attgenerated = ''
         ORDER BY a.attnum LIMIT 1) AS col
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops', 'ml') AND c.relkind IN ('r', 'p');
CREATE TEMP TABLE governed_seq AS
SELECT c.oid::regclass AS seq
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops', 'ml') AND c.relkind = 'S';
-- api views PostgreSQL would write through (simple single-table views), with their last column (the first
-- may be an identity column, which UPDATE refuses for another reason).
CREATE TEMP TABLE writable_views AS
SELECT c.oid::regclass AS vw,
       (SELECT quote_ident(a.attname) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
         ORDER BY a.attnum DESC LIMIT 1) AS col
  FROM pg_class c
 WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v' AND pg_relation_is_updatable(c.oid, false) <> 0;
-- Routines outside api: worker and operator may call none of them; the auditor only the read helpers.
CREATE TEMP TABLE internal_routines AS
SELECT p.oid::regprocedure AS fn, p.prorettype = 'trigger'::regtype AS is_trigger,
       format('SELECT %s.%s(%s)', quote_ident(n.nspname), quote_ident(p.proname),
              (SELECT coalesce(string_agg(format('NULL::%s', format_type(t, NULL)), ', ' ORDER BY i), '')
                 FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i))) AS call
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops');
-- The api routines that may write: the volatile ones (PostgreSQL refuses writes in STABLE and IMMUTABLE
-- functions, so the others only read).
CREATE TEMP TABLE write_procedures AS
SELECT format('SELECT api.%I(%s)', p.proname,
              (SELECT coalesce(string_agg(format('NULL::%s', format_type(t, NULL)), ', ' ORDER BY i), '')
                 FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i))) AS call, p.proname
  FROM pg_proc p
 WHERE p.pronamespace = 'api'::regnamespace AND p.provolatile = 'v';
GRANT SELECT ON governed, governed_seq, writable_views, internal_routines, write_procedures TO PUBLIC;

-- pg_temp.refusals() — run as the role under test: every write is refused with 42501.
CREATE FUNCTION pg_temp.refusals() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    r    record;
    who  text := current_user;
BEGIN
    FOR r IN SELECT * FROM pg_temp.governed ORDER BY tbl::text LOOP
        IF r.tbl = 'market.candle_stage'::regclass THEN
            -- The load inbox: the worker may insert (load_key, raw) and nothing more (here: line_no).
            RETURN NEXT throws_ok($i$INSERT INTO market.candle_stage (load_key, line_no, raw) OVERRIDING SYSTEM VALUE
                                     VALUES (gen_random_uuid(), 1, 'x')$i$, '42501', NULL,
                                  format('%s cannot INSERT INTO %s beyond (load_key, raw)', who, r.tbl));
        ELSE
            RETURN NEXT throws_ok(format('INSERT INTO %s DEFAULT VALUES', r.tbl), '42501', NULL, format('%s cannot INSERT INTO %s', who, r.tbl));
        END IF;
        RETURN NEXT throws_ok(format('UPDATE %s SET %s = %2$s', r.tbl, r.col), '42501', NULL, format('%s cannot UPDATE %s', who, r.tbl));
        RETURN NEXT throws_ok(format('DELETE FROM %s', r.tbl), '42501', NULL, format('%s cannot DELETE FROM %s', who, r.tbl));
        RETURN NEXT throws_ok(format('TRUNCATE %s', r.tbl), '42501', NULL, format('%s cannot TRUNCATE %s', who, r.tbl));
    END LOOP;
    FOR r IN SELECT * FROM pg_temp.governed_seq ORDER BY seq::text LOOP
        RETURN NEXT throws_ok(format('SELECT nextval(%L)', r.seq), '42501', NULL, format('%s cannot advance %s', who, r.seq));
        RETURN NEXT throws_ok(format('SELECT setval(%L, 1000)', r.seq), '42501', NULL, format('%s cannot set %s', who, r.seq));
    END LOOP;
    FOR r IN SELECT * FROM pg_temp.writable_views ORDER BY vw::text LOOP
        RETURN NEXT throws_ok(format('INSERT INTO %s DEFAULT VALUES', r.vw), '42501', NULL, format('%s cannot INSERT through view %s', who, r.vw));
        RETURN NEXT throws_ok(format('UPDATE %s SET %s = %2$s', r.vw, r.col), '42501', NULL, format('%s cannot UPDATE through view %s', who, r.vw));
        RETURN NEXT throws_ok(format('DELETE FROM %s', r.vw), '42501', NULL, format('%s cannot DELETE through view %s', who, r.vw));
    END LOOP;
    -- The ways around the triggers. (SET ROLE predator_owner cannot be tested here: SET ROLE is checked
    -- against the session user, a superuser in this suite; 01_surface.sql proves no login role is a member.)
    RETURN NEXT throws_ok('ALTER TABLE ledger.posting DISABLE TRIGGER USER', '42501', NULL, format('%s cannot disable the journal triggers', who));
    RETURN NEXT throws_ok('SET LOCAL session_replication_role = replica', '42501', NULL, format('%s cannot switch triggers off with session_replication_role', who));
END
$$;

-- pg_temp.internal_calls() — run as the role under test: calls of routines outside api refused with 42501. Trigger
-- functions are skipped when the role can see the schema (PostgreSQL refuses a direct call of a trigger
-- function before it checks EXECUTE); the auditor's granted read helpers are skipped for the auditor.
CREATE FUNCTION pg_temp.internal_calls() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    r   record;
    who text := current_user;
BEGIN
    FOR r IN SELECT * FROM pg_temp.internal_routines ORDER BY fn::text LOOP
        CONTINUE WHEN who = 'predator_auditor' AND (r.is_trigger OR has_function_privilege(r.fn, 'EXECUTE'));
        RETURN NEXT throws_ok(r.call, '42501', NULL, format('%s cannot call %s', who, r.fn));
    END LOOP;
END
$$;

SELECT plan(
      3 * (4 * (SELECT count(*) FROM governed)::integer + 2 * (SELECT count(*) FROM governed_seq)::integer
           + 3 * (SELECT count(*) FROM writable_views)::integer + 2)
    + 2 * (SELECT count(*) FROM internal_routines)::integer
    + (SELECT count(*) FROM internal_routines WHERE NOT is_trigger AND NOT has_function_privilege('predator_auditor', fn, 'EXECUTE'))::integer
    + 7 + 4 + 3
    + (SELECT count(*) FROM governed)::integer + (SELECT count(*) FROM pg_class WHERE relnamespace = 'api'::regnamespace AND relkind = 'v')::integer
    + 4 + (SELECT count(*) FROM write_procedures WHERE proname NOT IN ('record_validation', 'record_replay'))::integer
    + 3 + 3 * 3);

-- The catalog lists what we expect to cover, and the auditor's routines only read.
SELECT cmp_ok((SELECT count(*) FROM governed WHERE NOT relispartition), '>=', 36::bigint, 'the 36 tables of the core (and any added since) are covered');
SELECT ok(EXISTS (SELECT FROM governed WHERE relispartition), 'a candle partition created at run time is covered');
SELECT ok(EXISTS (SELECT FROM governed WHERE tbl = 'ledger.posting'::regclass), 'ledger.posting is covered');
SELECT cmp_ok((SELECT count(*) FROM governed_seq), '=', 7::bigint, 'the governed sequences are covered (market.candle_stage''s line_no, ops.alert_outbox''s seq, ops.approval_request''s request_id, ops.safe_mode_application''s application_id, ops.session''s session_id and two more)');
SELECT ok(EXISTS (SELECT FROM writable_views), 'the auto-updatable api views are covered');
SELECT cmp_ok((SELECT count(*) FROM write_procedures), '>=', 14::bigint, 'the 14 write procedures of the core (and any added since) are covered');
SELECT is_empty($$SELECT p.oid::regprocedure FROM pg_proc p
                   WHERE p.pronamespace = 'api'::regnamespace AND p.provolatile = 'v'
                     AND has_function_privilege('predator_auditor', p.oid, 'EXECUTE')
                     AND p.proname NOT IN ('record_validation', 'record_replay')$$,
                'every api routine the auditor may execute is read-only (STABLE or IMMUTABLE), but api.record_validation and api.record_replay (its own attestations)');

-- predator_worker -----------------------------------------------------------------------------------
SET LOCAL ROLE predator_worker;
SELECT * FROM pg_temp.refusals();
SELECT * FROM pg_temp.internal_calls();
-- The one write it may do: stage lines for api.load_candles (and read nothing back, nor meet a temp table).
SELECT lives_ok($$INSERT INTO market.candle_stage (load_key, raw) VALUES (gen_random_uuid(), 'x')$$,
                'predator_worker may stage a line in market.candle_stage');
SELECT throws_ok('SELECT count(*) FROM market.candle_stage', '42501', NULL, 'predator_worker cannot read market.candle_stage');
SELECT throws_ok('CREATE TEMP TABLE candle_stage (line_no bigint, raw text)', '42501', NULL,
                 'predator_worker cannot create a temporary table');
RESET ROLE;

-- predator_operator ---------------------------------------------------------------------------------
SET LOCAL ROLE predator_operator;
SELECT * FROM pg_temp.refusals();
SELECT * FROM pg_temp.internal_calls();
RESET ROLE;

-- predator_auditor ----------------------------------------------------------------------------------
SET LOCAL ROLE predator_auditor;
SELECT * FROM pg_temp.refusals();
SELECT * FROM pg_temp.internal_calls();
-- It reads everything but the anchor signing secrets (grants/98_anchors.sql; tests/sql/37_anchors.sql) ...
SELECT lives_ok(format('SELECT count(*) FROM %s', tbl), format('predator_auditor can SELECT %s', tbl))
  FROM governed WHERE tbl <> 'ops.anchor_key'::regclass ORDER BY tbl::text;
SELECT throws_ok('SELECT count(*) FROM ops.anchor_key', '42501', NULL, 'predator_auditor cannot SELECT ops.anchor_key (the signing secrets)');
SELECT lives_ok(format('SELECT count(*) FROM %s', c.oid::regclass), format('predator_auditor can SELECT %s', c.oid::regclass))
  FROM pg_class c WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v' ORDER BY c.oid::regclass::text;
SELECT is_empty('SELECT * FROM api.verify_chains()', 'predator_auditor runs api.verify_chains(): every chain verifies');
SELECT isnt_empty($$SELECT * FROM api.hour_digests('priv', '2024-01-01', '2024-01-02')$$, 'predator_auditor runs api.hour_digests()');
SELECT is((SELECT count(*) FROM ledger.posting), 12::bigint, 'predator_auditor sees the journal postings (with the treasury memos, docs/treasury.md)');
SELECT lives_ok($$SELECT ops.row_hash(p.prev_hash, to_jsonb(p)) FROM ledger.posting p$$, 'predator_auditor recomputes row hashes');
-- ... and calls no write procedure.
SELECT throws_ok(w.call, '42501', NULL, format('predator_auditor cannot call api.%s', w.proname))
  FROM write_procedures w WHERE w.proname NOT IN ('record_validation', 'record_replay') ORDER BY w.proname;
RESET ROLE;

-- The login roles ------------------------------------------------------------------------------------
SELECT is_empty($$
    WITH RECURSIVE reach(login, roleid) AS (
        SELECT oid, oid FROM pg_roles
         WHERE rolname IN ('predator_worker_login', 'predator_operator_login', 'predator_auditor_login')
        UNION
        SELECT reach.login, m.roleid FROM reach JOIN pg_auth_members m ON m.member = reach.roleid)
    SELECT reach.login::regrole, r.rolname FROM reach JOIN pg_roles r ON r.oid = reach.roleid
     WHERE r.rolname = 'predator_owner' OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication
           OR r.rolbypassrls$$,
    'no login role reaches the owner, a superuser, or a role that may create roles or databases, replicate or bypass row security');
SELECT is_empty($$SELECT rolname FROM pg_roles
                   WHERE rolname IN ('predator_owner', 'predator_worker', 'predator_operator', 'predator_auditor')
                     AND rolcanlogin$$,
                'the owner and the group roles cannot log in');
SELECT is((SELECT count(*) FROM pg_roles
            WHERE rolname IN ('predator_worker_login', 'predator_operator_login', 'predator_auditor_login')
              AND rolcanlogin AND NOT rolsuper),
          3::bigint, 'the three login roles log in, none a superuser');
SELECT session_user AS superuser \gset
SET LOCAL SESSION AUTHORIZATION predator_worker_login;
SELECT throws_ok('SET ROLE predator_owner', '42501', NULL, 'predator_worker_login cannot SET ROLE predator_owner');
SELECT throws_ok(format('SET ROLE %I', :'superuser'), '42501', NULL, 'predator_worker_login cannot SET ROLE to a superuser');
SELECT is(current_user::text, 'predator_worker_login', 'predator_worker_login stays itself');
RESET SESSION AUTHORIZATION;
SET LOCAL SESSION AUTHORIZATION predator_operator_login;
SELECT throws_ok('SET ROLE predator_owner', '42501', NULL, 'predator_operator_login cannot SET ROLE predator_owner');
SELECT throws_ok(format('SET ROLE %I', :'superuser'), '42501', NULL, 'predator_operator_login cannot SET ROLE to a superuser');
SELECT is(current_user::text, 'predator_operator_login', 'predator_operator_login stays itself');
RESET SESSION AUTHORIZATION;
SET LOCAL SESSION AUTHORIZATION predator_auditor_login;
SELECT throws_ok('SET ROLE predator_owner', '42501', NULL, 'predator_auditor_login cannot SET ROLE predator_owner');
SELECT throws_ok(format('SET ROLE %I', :'superuser'), '42501', NULL, 'predator_auditor_login cannot SET ROLE to a superuser');
SELECT is(current_user::text, 'predator_auditor_login', 'predator_auditor_login stays itself');
RESET SESSION AUTHORIZATION;

-- Nothing was written by any of the attempts above.
SELECT is((SELECT count(*) FROM ledger.posting), 12::bigint, 'the journal holds only the set-up postings');
SELECT is((SELECT count(*) FROM trading.fill), 1::bigint, 'trading.fill holds only the set-up fill');
SELECT is((SELECT count(*) FROM trading.account), 1::bigint, 'trading.account holds only the set-up account');
SELECT is_empty('SELECT * FROM api.verify_chains()', 'every chain still verifies');

SELECT * FROM finish();
ROLLBACK;
