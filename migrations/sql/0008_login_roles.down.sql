-- 0008_login_roles.down.sql — undoes 0008: this database stops granting CONNECT to the login roles; when no
-- other database of the cluster still does (the shared catalog says so), the login roles are dropped and
-- the group roles log in again as before 0008. While another database is at 0008 or later, the roles are
-- left as they are (cluster-wide: dropping them would lock that database's components out).
DO $logins$
DECLARE
    r         record;
    v_dropped boolean := false;
BEGIN
    FOR r IN SELECT rolname FROM pg_catalog.pg_roles
              WHERE rolname IN ('predator_worker_login', 'predator_operator_login', 'predator_auditor_login') LOOP
        EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM %I', current_database(), r.rolname);
    END LOOP;
    BEGIN
        DROP ROLE IF EXISTS predator_auditor_login, predator_operator_login, predator_worker_login;
        v_dropped := true;
    EXCEPTION WHEN dependent_objects_still_exist THEN
        RAISE NOTICE 'predator login roles kept: other databases of this cluster still use them';
    END;
    IF v_dropped THEN
        FOR r IN SELECT rolname FROM pg_catalog.pg_roles
                  WHERE rolname IN ('predator_worker', 'predator_operator', 'predator_auditor') AND NOT rolcanlogin LOOP
            BEGIN
                EXECUTE format('ALTER ROLE %I LOGIN', r.rolname);
            EXCEPTION WHEN internal_error THEN   -- "tuple concurrently updated": another database did it first
                NULL;
            END;
        END LOOP;
    END IF;
END
$logins$;
