-- Gate 15 — no Predator role may create temporary objects in this database (issue 9, DESIGN.md §2).
-- A SECURITY DEFINER routine must never read or reuse a relation its caller can create: a temporary table
-- or view of the caller's, planted under a name the routine uses, would run the caller's code as
-- predator_owner. Migration 0006 revokes TEMPORARY from PUBLIC and predator_owner; a database created
-- from a template does not inherit that (CREATE DATABASE ... TEMPLATE copies no database privileges), so
-- every copy must be revoked again (predator.db.migrate.revoke_temporary). Superusers always hold it and
-- are not Predator roles.
-- A row is one violation: a role named predator_% (any login role added since included), or PUBLIC, that
-- holds TEMPORARY on the current database, directly or through a role it inherits from.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/15_no_temporary_privilege.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- The database's privileges: the same for every account and time range (account, from and to are ignored).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
SELECT r.rolname AS role, current_database() AS database,
       'may create temporary objects (TEMPORARY on the database)' AS problem
  FROM pg_catalog.pg_roles r
 WHERE r.rolname LIKE 'predator\_%'
   AND pg_catalog.has_database_privilege(r.oid, current_database(), 'TEMPORARY')
UNION ALL
SELECT 'PUBLIC', current_database(), 'every role may create temporary objects (TEMPORARY granted to PUBLIC)'
 WHERE pg_catalog.has_database_privilege('public', current_database(), 'TEMPORARY')
ORDER BY 1;
