-- ops._lock_book(p_book_id integer) -> void
-- Serialises governed writes of one book (DESIGN.md §9: locks are per book). Transaction-scoped.
-- Takes the halt lock in shared mode first, so that the lock order is the same everywhere (halt lock,
-- then book lock): a global halt (exclusive halt lock) taken later in the same transaction, as a
-- reconciliation or breaker trip does, cannot deadlock with this book's other writers.
CREATE OR REPLACE FUNCTION ops._lock_book(p_book_id integer)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock_shared(1349731649, 0);
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731650, p_book_id);
END
$$;

COMMENT ON FUNCTION ops._lock_book(integer) IS 'Transaction-scoped book lock (after the shared halt lock): serialises the governed writes of one book.';
