-- 0006_owner_staging.down.sql — undoes 0006: drops the staging table and gives TEMPORARY back to PUBLIC and
-- predator_owner (the grants of a database before 0006). The definitions of the routines that staged in
-- temporary tables are not restored: they are current definitions, and they come back only with the
-- commit that had them.
DROP TABLE IF EXISTS market.candle_stage;

DO $temporary$
BEGIN
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO predator_owner', current_database());
END
$temporary$;
