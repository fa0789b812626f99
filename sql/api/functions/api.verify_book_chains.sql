-- api.verify_book_chains(p_book_id integer) -> (chain, tbl, book_id, seq, problem)
-- api.verify_chains() restricted to one book (NULL: every book): recomputes the book's hash chains from the
-- rows' content and returns the first broken row of each broken chain (empty = every chain of the book
-- verifies): a sequence gap, a prev_hash that is not the previous row's row_hash, a row_hash that does not
-- match the row's content, a running balance that breaks continuity, or a chain head that does not match
-- the last row. The book's rows are reached through the (book_id, …) primary keys, so the time it takes
-- grows with that book, not with the database (`predator validate --account`, gate 10). An unknown book
-- id verifies nothing (empty). Auditor, worker and operator.
CREATE OR REPLACE FUNCTION api.verify_book_chains(p_book_id integer)
RETURNS TABLE (chain text, tbl text, book_id integer, seq bigint, problem text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    r record;
    -- a literal predicate (not a parameter), so each scan is planned for this book: an index range on
    -- book_id for one book, a plain scan for all
    in_book text := CASE WHEN p_book_id IS NULL THEN 'true' ELSE format('t.book_id = %s', p_book_id) END;
BEGIN
    FOR r IN SELECT * FROM ops.chained_tables() ORDER BY 1 LOOP
        RETURN QUERY EXECUTE format($q$
            SELECT DISTINCT ON (x.book_id) %1$L || ':' || x.book_id, %1$L::text, x.book_id, x.seq, x.problem
              FROM (SELECT t.book_id, t.seq,
                           CASE WHEN t.seq <> coalesce(lag(t.seq) OVER w, 0) + 1 THEN 'sequence gap'
                                WHEN t.prev_hash <> coalesce(lag(t.row_hash) OVER w, ops.genesis_hash())
                                    THEN 'prev_hash is not the previous row''s row_hash'
                                WHEN t.row_hash <> ops.row_hash(t.prev_hash, to_jsonb(t), %2$L::text[])
                                    THEN 'row_hash does not match the row''s content'
                           END AS problem
                      FROM %1$s t
                     WHERE %3$s
                    WINDOW w AS (PARTITION BY t.book_id ORDER BY t.seq)) x
             WHERE x.problem IS NOT NULL
             ORDER BY x.book_id, x.seq$q$, r.tbl, r.extra_exclude, in_book);
        RETURN QUERY EXECUTE format($q$
            SELECT h.chain, %1$L::text, h.book_id, h.seq, 'chain head does not match the last row'::text
              FROM ops.chain_head h
              LEFT JOIN LATERAL (SELECT t.seq, t.row_hash FROM %1$s t WHERE t.book_id = h.book_id ORDER BY t.seq DESC LIMIT 1) l ON true
             WHERE split_part(h.chain, ':', 1) = %1$L
               AND %2$s
               AND (l.seq IS DISTINCT FROM h.seq OR l.row_hash IS DISTINCT FROM h.head_hash)$q$,
            r.tbl, replace(in_book, 't.', 'h.'));
    END LOOP;

    RETURN QUERY EXECUTE format($q$
        SELECT DISTINCT ON (x.book_id, x.account_code, x.currency)
               'ledger.posting:' || x.book_id || ':' || x.account_code || ':' || x.currency, 'ledger.posting'::text,
               x.book_id, x.seq, x.problem
          FROM (SELECT t.book_id, t.account_code, t.currency, t.seq,
                       CASE WHEN t.seq <> coalesce(lag(t.seq) OVER w, 0) + 1 THEN 'sequence gap'
                            WHEN t.balance_after <> coalesce(lag(t.balance_after) OVER w, 0) + t.amount
                                THEN 'balance_after breaks continuity'
                            WHEN t.prev_hash <> coalesce(lag(t.row_hash) OVER w, ops.genesis_hash())
                                THEN 'prev_hash is not the previous row''s row_hash'
                            WHEN t.row_hash <> ops.row_hash(t.prev_hash, to_jsonb(t))
                                THEN 'row_hash does not match the row''s content'
                       END AS problem
                  FROM ledger.posting t
                 WHERE %1$s
                WINDOW w AS (PARTITION BY t.book_id, t.account_code, t.currency ORDER BY t.seq)) x
         WHERE x.problem IS NOT NULL
         ORDER BY x.book_id, x.account_code, x.currency, x.seq$q$, in_book);
    RETURN QUERY EXECUTE format($q$
        SELECT 'ledger.posting:' || t.book_id || ':' || t.account_code || ':' || t.currency, 'ledger.balance'::text,
               t.book_id, t.seq, 'balance head does not match the last posting'::text
          FROM ledger.balance t
          LEFT JOIN LATERAL (SELECT p.seq, p.balance_after, p.row_hash FROM ledger.posting p
                              WHERE p.book_id = t.book_id AND p.account_code = t.account_code AND p.currency = t.currency
                              ORDER BY p.seq DESC LIMIT 1) l ON true
         WHERE %1$s
           AND (l.seq IS DISTINCT FROM t.seq OR l.balance_after IS DISTINCT FROM t.balance OR l.row_hash IS DISTINCT FROM t.head_hash)$q$,
        in_book);
END
$$;

COMMENT ON FUNCTION api.verify_book_chains(integer) IS 'api.verify_chains() for one book (NULL: every book): recomputes the book''s hash chains and running balances from content through its primary keys; returns the first broken row of each broken chain, empty when all verify.';
