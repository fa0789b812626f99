-- ops.clock_skew(p_at) -> interval
-- The operator setting max_clock_skew_seconds (ops.setting) in force at wall time p_at (default: now):
-- how far a business time may run ahead of the wall clock. Falls back to the shipped 300 seconds if no
-- revision was recorded by p_at (the shipped revision is recorded by migration 0007).
CREATE OR REPLACE FUNCTION ops.clock_skew(p_at timestamptz DEFAULT NULL)
RETURNS interval
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT make_interval(secs => coalesce(ops.setting_value('max_clock_skew_seconds', p_at), 300)::double precision)
$$;

COMMENT ON FUNCTION ops.clock_skew(timestamptz) IS 'The largest lead of a business time over the wall clock allowed at wall time p_at (default now): the setting max_clock_skew_seconds in force then, 300 s when none.';
