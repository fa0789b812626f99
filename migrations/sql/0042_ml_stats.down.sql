-- 0042_ml_stats.down.sql — schema ml goes, with the functions sql/ml/functions put in it.
SET LOCAL ROLE predator_owner;
DROP SCHEMA ml CASCADE;
