-- grants/70_replay_runs.sql — recorded replays (migration 0041). Like api.record_validation
-- (grants/70_validation_runs.sql), api.record_replay records the auditor's own attestation (which hours of which
-- run a replay compared, with what outcome), never a book's data: granted to predator_auditor alone, the role a
-- replay reads the original as. api.replay_runs is read like every api view (grants/00_core.sql).
GRANT EXECUTE ON FUNCTION api.record_replay(text, text, timestamptz, timestamptz, integer, integer, timestamptz, jsonb,
                                            integer, integer) TO predator_auditor;
