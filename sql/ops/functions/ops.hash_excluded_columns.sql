-- ops.hash_excluded_columns() -> text[]
-- Columns never covered by a row hash: the book's surrogate id (replays run in other databases),
-- the chain columns themselves, and wall-clock times (hashes cover business content only).
CREATE OR REPLACE FUNCTION ops.hash_excluded_columns()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['book_id', 'prev_hash', 'row_hash', 'recorded_at', 'effective_at', 'admitted_at']::text[] $$;

COMMENT ON FUNCTION ops.hash_excluded_columns() IS 'Columns excluded from every canonical row encoding: book_id, prev_hash, row_hash and the wall-clock columns recorded_at, effective_at, admitted_at.';
