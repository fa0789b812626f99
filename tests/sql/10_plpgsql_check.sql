-- 10_plpgsql_check.sql — every PL/pgSQL routine of the governed schemas and api passes plpgsql_check.
--
-- plpgsql_check compiles each routine and checks every embedded statement against the catalog (unknown
-- tables or columns, wrong types, bad assignments). Each routine must report no error; warnings are
-- allowed. Trigger functions are checked once per table they are attached to (NEW/OLD take that table's
-- row type; transition tables are passed by name).
-- Temporary tables a routine creates for itself at run time (CREATE TEMP TABLE in its own body) cannot be
-- resolved statically: "relation ... does not exist" for exactly those names is not counted as an error.
-- For api.load_candles, two real loads (the second takes the overlap path) create them first, so that its
-- statements over them are checked too; the fixtures create the caller's pg_temp.candle_stage.
BEGIN;
\i tests/sql/helpers/fixtures.sql
CREATE EXTENSION IF NOT EXISTS plpgsql_check;

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 101]::numeric[])
     + pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 102]::numeric[]) AS n \gset

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
SELECT ok(EXISTS (SELECT FROM checks WHERE fn = 'api.submit_signal(text, text, text, timestamptz, text, numeric, numeric, timestamptz, numeric, text, numeric)'::regprocedure),
          'api.submit_signal is among them');

SELECT is_empty(format($$SELECT r.lineno, r.statement, r.sqlstate, r.message, r.detail
                           FROM plpgsql_check_function_tb(%L::regprocedure, %s, fatal_errors => false, oldtable => %L, newtable => %L) r
                          WHERE r.level = 'error'
                            AND NOT (r.sqlstate = '42P01' AND r.message = ANY (%L::text[]))$$,
                       c.fn, coalesce(quote_literal(c.rel::text) || '::regclass', '0'), c.tgoldtable, c.tgnewtable,
                       (SELECT coalesce(array_agg(format('relation "%s" does not exist', m[3])), '{}')
                          FROM pg_proc p, regexp_matches(p.prosrc, 'CREATE\s+TEMP(ORARY)?\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)', 'gi') m
                         WHERE p.oid = c.fn)),
                format('plpgsql_check: no error in %s%s', c.fn, coalesce(' on ' || c.rel::text, '')))
  FROM checks c
 ORDER BY c.fn::text, c.rel::text;

SELECT * FROM finish();
ROLLBACK;
