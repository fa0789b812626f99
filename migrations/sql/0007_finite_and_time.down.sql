-- 0007_finite_and_time.down.sql — undoes 0007: drops the finiteness CHECKs and ops.setting.
SET LOCAL ROLE predator_owner;

DO $finite$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.oid::regclass AS tbl, left(c.relname || '_' || a.attname || '_is_finite', 63) AS con
          FROM pg_catalog.pg_attribute a
          JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         WHERE n.nspname IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops')
           AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND a.attnum > 0 AND NOT a.attisdropped
           AND t.typname IN ('numeric', 'timestamptz')
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', r.tbl, r.con);
    END LOOP;
END
$finite$;

DROP TABLE IF EXISTS ops.setting CASCADE;
