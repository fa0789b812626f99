-- 0038_audit_correlation.up.sql — the correlation id of an audit row (issue 16 item 7; docs/operations.md,
-- "Correlation ids").
--
-- Every unit of work (a console request, a CLI command, a worker's hour) has a correlation id that its log lines
-- carry (structlog) and that Python sets on its database session as the GUC predator.correlation_id.
-- ops._audit copies it into ops.audit_log.correlation_id, so an audit row joins the log lines of the request
-- that wrote it. The GUC is caller-controlled: it is advisory metadata, never an input of any decision;
-- ops._audit stores NULL for a value of the wrong shape (the CHECK below is the backstop).
-- The column is left out of the row hash (ops.chained_tables: extra exclusion of ops.audit_log): a console
-- request's id is random, like a wall-clock time it says where and when a row was written, not what happened.
-- Rows written before 0038 have NULL, which the canonical encoding drops anyway: every stored hash stays valid.
SET LOCAL ROLE predator_owner;

ALTER TABLE ops.audit_log ADD COLUMN correlation_id text
    CONSTRAINT audit_correlation_id_shape CHECK (correlation_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$');
COMMENT ON COLUMN ops.audit_log.correlation_id IS 'Correlation id of the unit of work that wrote the row (GUC predator.correlation_id of the session: a console request, a CLI command, a worker hour), NULL when unset or malformed. Caller-supplied advisory metadata to join log lines; never used in a decision; not covered by the row hash.';
