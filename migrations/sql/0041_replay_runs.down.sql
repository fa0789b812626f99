-- 0041_replay_runs.down.sql — the recorded replays and their chain heads go (api.record_replay and
-- api.replay_runs live under sql/ and are dropped with the api schema).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DELETE FROM ops.chain_head WHERE split_part(chain, ':', 1) = 'ops.replay_run';
DROP TABLE ops.replay_run;
