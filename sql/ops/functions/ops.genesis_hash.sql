-- ops.genesis_hash() -> bytea
-- The prev_hash of the first row of every chain: 32 zero bytes. Immutable; no SET clause so that the
-- planner can inline it (the same holds for the other pure hashing helpers).
CREATE OR REPLACE FUNCTION ops.genesis_hash()
RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea $$;

COMMENT ON FUNCTION ops.genesis_hash() IS 'prev_hash of the first row of every hash chain: 32 zero bytes.';
