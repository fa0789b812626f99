-- 0008_login_roles.up.sql — separate least-privilege login roles; the group roles no longer log in.
--
-- predator_worker, predator_operator and predator_auditor stay what they were: the NOLOGIN-to-be group
-- roles that hold the privileges (grants under sql/grants). A component now logs in as
-- predator_<role>_login, a member of its group role only (INHERIT, so it uses the group's privileges with no
-- SET ROLE and current_user stays the login role), never of predator_owner or of any role that can create
-- roles or databases, replicate or bypass row security. Passwords are not here: Python sets them after
-- migrate (predator.db.logins.provision_logins) from a passfile under PREDATOR_HOME.
--
-- Roles are cluster-wide and another database of the cluster may run this migration at the same moment:
-- every step checks first and tolerates losing the race. The explicit CONNECT grant records, in the
-- shared catalog, that this database uses the login roles; 0008's down drops them only when no other
-- database still does.
DO $logins$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES ('predator_worker_login', 'predator_worker'),
                                   ('predator_operator_login', 'predator_operator'),
                                   ('predator_auditor_login', 'predator_auditor')) v(login, grp) LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r.login) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION'
                               ' NOBYPASSRLS', r.login);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;   -- created by a concurrent migration of another database
            END;
        END IF;
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m
                        WHERE m.member = r.login::regrole AND m.roleid = r.grp::regrole) THEN
            BEGIN
                EXECUTE format('GRANT %I TO %I', r.grp, r.login);
            EXCEPTION WHEN unique_violation THEN
                NULL;
            END;
        END IF;
        IF (SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = r.grp) THEN
            BEGIN
                EXECUTE format('ALTER ROLE %I NOLOGIN', r.grp);
            EXCEPTION WHEN internal_error THEN   -- "tuple concurrently updated": another database did it first
                IF (SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = r.grp) THEN
                    RAISE;
                END IF;
            END;
        END IF;
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), r.login);
    END LOOP;

    -- The claim, checked where it is made: from no login role does the membership graph reach the owner, a
    -- superuser, or a role that may create roles or databases, replicate or bypass row security; and the
    -- group roles cannot log in.
    ASSERT NOT EXISTS (
        WITH RECURSIVE reach(login, roleid) AS (
            SELECT l.oid, l.oid FROM pg_catalog.pg_roles l
             WHERE l.rolname IN ('predator_worker_login', 'predator_operator_login', 'predator_auditor_login')
            UNION
            SELECT reach.login, m.roleid FROM reach JOIN pg_catalog.pg_auth_members m ON m.member = reach.roleid)
        SELECT FROM reach JOIN pg_catalog.pg_roles g ON g.oid = reach.roleid
         WHERE g.rolname = 'predator_owner' OR g.rolsuper OR g.rolcreaterole OR g.rolcreatedb OR g.rolreplication
               OR g.rolbypassrls),
        'a predator login role reaches the owner or a privileged role';
    ASSERT NOT EXISTS (SELECT FROM pg_catalog.pg_roles
                        WHERE rolname IN ('predator_owner', 'predator_worker', 'predator_operator', 'predator_auditor')
                          AND rolcanlogin),
        'a predator group role can still log in';
END
$logins$;
