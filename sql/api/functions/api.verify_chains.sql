-- api.verify_chains() -> (chain, tbl, book_id, seq, problem)
-- Recomputes every hash chain from the rows' content and returns the first broken row of each broken
-- chain (empty = every chain verifies): a sequence gap, a prev_hash that is not the previous row's
-- row_hash, a row_hash that does not match the row's content, a running balance that breaks
-- continuity, or a chain head that does not match the last row. Every book: api.verify_book_chains(NULL)
-- (one book: api.verify_book_chains(book_id)). Auditor, worker and operator.
CREATE OR REPLACE FUNCTION api.verify_chains()
RETURNS TABLE (chain text, tbl text, book_id integer, seq bigint, problem text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
    SELECT v.chain, v.tbl, v.book_id, v.seq, v.problem FROM api.verify_book_chains(NULL) v
$$;

COMMENT ON FUNCTION api.verify_chains() IS 'Recomputes every hash chain (and the ledger''s running balances) from content; returns the first broken row of each broken chain, empty when all verify.';
