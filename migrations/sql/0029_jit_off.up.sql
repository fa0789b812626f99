-- No JIT for the Predator database (migration 0029; docs/operations.md "JIT"): new sessions start with jit = off.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
END
$$;
