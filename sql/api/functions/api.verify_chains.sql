-- api.verify_chains() -> (chain, tbl, book_id, seq, problem)
-- Recomputes every hash chain from the rows' content and returns the first broken row of each broken
-- chain (empty = every chain verifies): a sequence gap, a prev_hash that is not the previous row's
-- row_hash, a row_hash that does not match the row's content, a running balance that breaks
-- continuity, or a chain head that does not match the last row. Auditor, worker and operator.
CREATE OR REPLACE FUNCTION api.verify_chains()
RETURNS TABLE (chain text, tbl text, book_id integer, seq bigint, problem text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
    r record;
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
                    WINDOW w AS (PARTITION BY t.book_id ORDER BY t.seq)) x
             WHERE x.problem IS NOT NULL
             ORDER BY x.book_id, x.seq$q$, r.tbl, r.extra_exclude);
        RETURN QUERY EXECUTE format($q$
            SELECT h.chain, %1$L::text, h.book_id, h.seq, 'chain head does not match the last row'::text
              FROM ops.chain_head h
              LEFT JOIN LATERAL (SELECT t.seq, t.row_hash FROM %1$s t WHERE t.book_id = h.book_id ORDER BY t.seq DESC LIMIT 1) l ON true
             WHERE split_part(h.chain, ':', 1) = %1$L
               AND (l.seq IS DISTINCT FROM h.seq OR l.row_hash IS DISTINCT FROM h.head_hash)$q$, r.tbl);
    END LOOP;

    RETURN QUERY
        SELECT DISTINCT ON (x.book_id, x.account_code, x.currency)
               'ledger.posting:' || x.book_id || ':' || x.account_code || ':' || x.currency, 'ledger.posting'::text,
               x.book_id, x.seq, x.problem
          FROM (SELECT p.book_id, p.account_code, p.currency, p.seq,
                       CASE WHEN p.seq <> coalesce(lag(p.seq) OVER w, 0) + 1 THEN 'sequence gap'
                            WHEN p.balance_after <> coalesce(lag(p.balance_after) OVER w, 0) + p.amount
                                THEN 'balance_after breaks continuity'
                            WHEN p.prev_hash <> coalesce(lag(p.row_hash) OVER w, ops.genesis_hash())
                                THEN 'prev_hash is not the previous row''s row_hash'
                            WHEN p.row_hash <> ops.row_hash(p.prev_hash, to_jsonb(p))
                                THEN 'row_hash does not match the row''s content'
                       END AS problem
                  FROM ledger.posting p
                WINDOW w AS (PARTITION BY p.book_id, p.account_code, p.currency ORDER BY p.seq)) x
         WHERE x.problem IS NOT NULL
         ORDER BY x.book_id, x.account_code, x.currency, x.seq;
    RETURN QUERY
        SELECT 'ledger.posting:' || b.book_id || ':' || b.account_code || ':' || b.currency, 'ledger.balance'::text,
               b.book_id, b.seq, 'balance head does not match the last posting'::text
          FROM ledger.balance b
          LEFT JOIN LATERAL (SELECT p.seq, p.balance_after, p.row_hash FROM ledger.posting p
                              WHERE p.book_id = b.book_id AND p.account_code = b.account_code AND p.currency = b.currency
                              ORDER BY p.seq DESC LIMIT 1) l ON true
         WHERE l.seq IS DISTINCT FROM b.seq OR l.balance_after IS DISTINCT FROM b.balance OR l.row_hash IS DISTINCT FROM b.head_hash;
END
$$;

COMMENT ON FUNCTION api.verify_chains() IS 'Recomputes every hash chain (and the ledger''s running balances) from content; returns the first broken row of each broken chain, empty when all verify.';
