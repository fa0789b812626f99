-- 39_correlation.sql — the correlation id of an audit row (issue 16 item 7; migration 0038).
--
-- ops._audit copies the session's GUC predator.correlation_id into ops.audit_log.correlation_id when it is
-- well-formed (1-64 characters of A-Z a-z 0-9 . _ : -, starting alphanumeric), NULL otherwise. The GUC is
-- caller-controlled: it is read by ops.correlation_id alone, called by ops._audit alone, never hashed, and a
-- login cannot use it (or anything else) to change a stored audit row.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(17);

-- pg_temp.as_login(login, sql) -> 'ok' or the SQLSTATE the statement raised, run as that login.
CREATE FUNCTION pg_temp.as_login(p_login text, p_sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SET LOCAL SESSION AUTHORIZATION %I', p_login);
    BEGIN
        EXECUTE p_sql;
    EXCEPTION WHEN OTHERS THEN
        RESET SESSION AUTHORIZATION;
        RETURN SQLSTATE;
    END;
    RESET SESSION AUTHORIZATION;
    RETURN 'ok';
END
$$;
-- pg_temp.audit_with(guc) -> the correlation_id of the audit row api.set_setting writes with that GUC value.
CREATE FUNCTION pg_temp.audit_with(p_guc text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('predator.correlation_id', p_guc, true);
    PERFORM api.set_setting('retention_log_days', 30, 'pgtap: correlation');
    RETURN (SELECT correlation_id FROM ops.audit_log WHERE book_id = 0 ORDER BY seq DESC LIMIT 1);
END
$$;

SELECT has_column('ops', 'audit_log', 'correlation_id', 'ops.audit_log has correlation_id');
SELECT has_column('api', 'audit_log', 'correlation_id', 'api.audit_log exposes correlation_id');

-- Recorded when well-formed.
SELECT is(pg_temp.audit_with('0123456789abcdef0123456789abcdef'), '0123456789abcdef0123456789abcdef',
          'an audit row carries the session''s correlation id');
SELECT is((SELECT correlation_id FROM api.audit_log WHERE book_id = 0 ORDER BY seq DESC LIMIT 1),
          '0123456789abcdef0123456789abcdef', 'api.audit_log shows it');
SELECT is(pg_temp.audit_with('run-0123456789abcdef-20240101T13'), 'run-0123456789abcdef-20240101T13',
          'a worker hour''s id (run id and hour) is recorded');
SELECT is(pg_temp.audit_with(repeat('a', 64)), repeat('a', 64), '64 characters are accepted');

-- Malformed, oversized or unset: NULL, and the action itself still goes through.
SELECT is(pg_temp.audit_with(repeat('a', 65)), NULL, '65 characters are ignored (NULL)');
SELECT is(pg_temp.audit_with(repeat('a', 100000)), NULL, 'a huge value is ignored (NULL)');
SELECT is(pg_temp.audit_with('x''; DROP TABLE ops.audit_log; --'), NULL, 'quotes, spaces and semicolons are ignored');
SELECT is(pg_temp.audit_with('-leading-dash'), NULL, 'a value not starting alphanumeric is ignored');
SELECT is(pg_temp.audit_with(E'abc\n'), NULL, 'a trailing newline is ignored');
SELECT is(pg_temp.audit_with(''), NULL, 'an empty value records NULL');

-- The CHECK is the backstop against a direct insert of a bad value (by the owner: no login may insert).
SELECT throws_ok($$INSERT INTO ops.audit_log (action, reason, correlation_id) VALUES ('x', 'pgtap', 'bad id')$$,
                 '23514', NULL, 'the column''s CHECK refuses a malformed id');

-- Never hashed: the stored row hash is the same whatever the correlation id.
SELECT ok((SELECT bool_and(l.row_hash = ops.row_hash(l.prev_hash,
                jsonb_set(to_jsonb(l), '{correlation_id}', '"another-id"'), c.extra_exclude))
             FROM ops.audit_log l, ops.chained_tables() c
            WHERE c.tbl = 'ops.audit_log' AND l.correlation_id IS NOT NULL),
          'the row hash leaves the correlation id out');
SELECT is_empty($$SELECT * FROM api.verify_chains() WHERE tbl = 'ops.audit_log'$$, 'the audit chain verifies');

-- Read by ops.correlation_id alone, called by ops._audit alone: no decision depends on it. (api.close_hours only
-- sets it, with set_config, to the id the worker passed for each hour of a stretch, as the worker sets it between
-- hours; that call is the one mention not counted here.)
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname IN ('api', 'ops', 'trading', 'risk', 'ledger', 'portfolio', 'market')
                  AND (replace(p.prosrc, 'set_config(''predator.correlation_id'', coalesce(p_correlation_ids[i], ''''), false)', '')
                          ILIKE '%predator.correlation_id%'
                       OR p.prosrc ILIKE '%ops.correlation_id(%')$$,
              ARRAY['ops.correlation_id()', 'ops._audit(integer,text,text,jsonb,text)'],
              'only ops.correlation_id reads the GUC and only ops._audit calls it');

-- A worker with its own GUC cannot rewrite or remove an audit row's correlation id.
SELECT is(pg_temp.as_login('predator_worker_login',
          $$SELECT set_config('predator.correlation_id', 'forged', true);
            UPDATE ops.audit_log SET correlation_id = 'forged'$$), '42501',
          'the worker cannot update ops.audit_log (its correlation id included)');

SELECT * FROM finish();
ROLLBACK;
