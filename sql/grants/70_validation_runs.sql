-- grants/70_validation_runs.sql — recorded validation runs (migration 0015). The auditor writes nothing of a
-- book, but it records its own attestations: api.record_validation (the one volatile api routine it may
-- execute) appends a chained row to ops.validation_run saying which gates it ran over what and with what
-- outcome. Everyone may read where an incremental validation resumes.
GRANT EXECUTE ON FUNCTION api.record_validation(text, timestamptz, timestamptz, boolean, jsonb) TO predator_auditor;
GRANT EXECUTE ON FUNCTION api.validation_checkpoint(text) TO predator_worker, predator_auditor;
GRANT EXECUTE ON FUNCTION api.verify_book_chains_since(integer, bigint) TO predator_worker, predator_auditor;
