-- 0015_validation_runs.down.sql — the recorded validation runs and their chain heads go (api routines and views
-- live under sql/ and are dropped with the api schema).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DELETE FROM ops.chain_head WHERE split_part(chain, ':', 1) = 'ops.validation_run';
DROP TABLE ops.validation_run;
