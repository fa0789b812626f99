-- 10_plpgsql_check.sql — every PL/pgSQL routine of the governed schemas and api passes plpgsql_check.
--
-- plpgsql_check compiles each routine and checks every embedded statement against the catalog (unknown
-- tables or columns, wrong types, bad assignments). Each routine must report no error; warnings are
-- allowed. Trigger functions are checked once per table they are attached to (NEW/OLD take that table's
-- row type; transition tables are passed by name).
-- No routine works in a temporary table (a definer must never read or reuse a relation its caller can
-- create: issue 9), so every statement resolves statically and every error counts.
BEGIN;
\i tests/sql/helpers/fixtures.sql
CREATE EXTENSION IF NOT EXISTS plpgsql_check;

CREATE TEMP TABLE checks AS
SELECT p.oid::regprocedure AS fn, t.tgrelid::regclass AS rel, t.tgoldtable, t.tgnewtable
  FROM pg_proc p
  JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
  LEFT JOIN LATERAL (SELECT DISTINCT ON (g.tgrelid) g.tgrelid, g.tgoldtable, g.tgnewtable
                       FROM pg_trigger g WHERE g.tgfoid = p.oid AND NOT g.tgisinternal ORDER BY g.tgrelid) t
         ON p.prorettype = 'trigger'::regtype
 WHERE p.pronamespace::regnamespace::text IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops', 'api');

SELECT plan((SELECT count(*) FROM checks)::integer + 3);

SELECT cmp_ok((SELECT count(DISTINCT fn) FROM checks), '>=', 40::bigint, 'the PL/pgSQL routines of the core are all checked');
SELECT is_empty($$SELECT fn FROM checks WHERE fn::regproc::text LIKE '%.tg\_%' AND rel IS NULL$$,
                'every trigger function is attached to a table it can be checked against');
SELECT ok(EXISTS (SELECT FROM checks WHERE fn = 'api.submit_signal(text, text, text, timestamptz, text, numeric, numeric, timestamptz, numeric, text, numeric, text)'::regprocedure),
          'api.submit_signal is among them');

SELECT is_empty(format($$SELECT r.lineno, r.statement, r.sqlstate, r.message, r.detail
                           FROM plpgsql_check_function_tb(%L::regprocedure, %s, fatal_errors => false, oldtable => %L, newtable => %L) r
                          WHERE r.level = 'error'$$,
                       c.fn, coalesce(quote_literal(c.rel::text) || '::regclass', '0'), c.tgoldtable, c.tgnewtable),
                format('plpgsql_check: no error in %s%s', c.fn, coalesce(' on ' || c.rel::text, '')))
  FROM checks c
 ORDER BY c.fn::text, c.rel::text;

SELECT * FROM finish();
ROLLBACK;
