-- ops._lock_halts(p_exclusive boolean) -> void
-- Admissions take the halt lock shared, halts and resumes take it exclusive: once a halt has the lock,
-- every admission in flight has committed, and every later admission sees the committed halt.
CREATE OR REPLACE FUNCTION ops._lock_halts(p_exclusive boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_exclusive THEN
        PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, 0);
    ELSE
        PERFORM pg_catalog.pg_advisory_xact_lock_shared(1349731649, 0);
    END IF;
END
$$;

COMMENT ON FUNCTION ops._lock_halts(boolean) IS 'Halt lock: shared for admissions, exclusive for halts and resumes, so that no order is admitted after a halt commits.';
