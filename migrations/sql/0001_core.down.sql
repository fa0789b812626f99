-- 0001_core.down.sql — removes everything 0001 created in this database.
-- Roles are cluster-wide and may own objects in other databases of the same cluster; they are dropped
-- only when nothing else depends on them.
DROP SCHEMA IF EXISTS api CASCADE;
DROP SCHEMA IF EXISTS portfolio CASCADE;
DROP SCHEMA IF EXISTS risk CASCADE;
DROP SCHEMA IF EXISTS ledger CASCADE;
DROP SCHEMA IF EXISTS trading CASCADE;
DROP SCHEMA IF EXISTS market CASCADE;
DROP SCHEMA IF EXISTS ops CASCADE;
ALTER DEFAULT PRIVILEGES FOR ROLE predator_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
DO $roles$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM predator_owner, predator_worker, predator_operator, predator_auditor', current_database());
    BEGIN
        DROP ROLE predator_auditor;
        DROP ROLE predator_operator;
        DROP ROLE predator_worker;
        DROP ROLE predator_owner;
    EXCEPTION WHEN dependent_objects_still_exist THEN
        RAISE NOTICE 'predator roles kept: other databases of this cluster still use them';
    END;
END
$roles$;
