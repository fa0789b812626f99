-- ops.correlation_id() -> text
-- The session's correlation id (GUC predator.correlation_id, set by Python per console request, CLI command
-- or worker hour: predator.db.connection), or NULL when unset, empty or not of the shape
-- ^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$ (at most 64 characters; the length is tested before the pattern).
-- The GUC is caller-controlled: advisory metadata that joins audit rows and log lines, read by ops._audit
-- alone, never an input of any decision or hash.
CREATE OR REPLACE FUNCTION ops.correlation_id()
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN length(v) BETWEEN 1 AND 64 AND v ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' THEN v END
      FROM (SELECT current_setting('predator.correlation_id', true) AS v) s
$$;

COMMENT ON FUNCTION ops.correlation_id() IS 'The session''s predator.correlation_id when well-formed (1-64 characters of A-Z a-z 0-9 . _ : -, starting alphanumeric), else NULL. Caller-supplied advisory metadata that joins audit rows and log lines; recorded by ops._audit, never used in a decision and not covered by any hash.';
