-- ops._lock_book(p_book_id integer) -> void
-- Serialises governed writes of one book (DESIGN.md §9: locks are per book). Transaction-scoped.
CREATE OR REPLACE FUNCTION ops._lock_book(p_book_id integer)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$ SELECT pg_catalog.pg_advisory_xact_lock(1349731649, p_book_id) $$;

COMMENT ON FUNCTION ops._lock_book(integer) IS 'Transaction-scoped advisory lock that serialises the governed writes of one book.';
