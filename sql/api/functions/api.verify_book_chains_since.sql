-- api.verify_book_chains_since(p_book_id integer, p_checkpoint bigint) -> (chain, tbl, book_id, seq, problem)
-- api.verify_book_chains(p_book_id) from a recorded validation run of the book (ops.validation_run seq
-- p_checkpoint; NULL: from genesis, the same as api.verify_book_chains): each chain the run's heads name is
-- verified from the head it recorded: the row at the recorded seq must still carry the recorded hash (the
-- anchor: a chain rewritten from an older row on changes it), and every later row is verified as in a full
-- verification (gapless seq, prev_hash = the previous row's row_hash, row_hash recomputed from content,
-- running balances continuous), as is every chain the run did not name, from genesis; the chain heads are
-- checked against the last rows as always. Rows before the anchor are not recomputed: an edit of their
-- content that leaves the stored hashes alone is left to the full verification (the trade-off of
-- `predator validate --incremental`, gate 10). PD011 a p_checkpoint that is not a recorded run of the book.
-- Auditor, worker and operator.
CREATE OR REPLACE FUNCTION api.verify_book_chains_since(p_book_id integer, p_checkpoint bigint)
RETURNS TABLE (chain text, tbl text, book_id integer, seq bigint, problem text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    r       record;
    v_heads jsonb := '{}'::jsonb;
    v_from  bigint;
    v_hash  text;
BEGIN
    IF p_checkpoint IS NULL OR p_book_id IS NULL THEN
        RETURN QUERY SELECT * FROM api.verify_book_chains(p_book_id);
        RETURN;
    END IF;
    SELECT v.heads INTO v_heads FROM ops.validation_run v WHERE v.book_id = p_book_id AND v.seq = p_checkpoint;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('verify_book_chains_since refused: book %s has no recorded validation run %s', p_book_id, p_checkpoint),
            DETAIL = format('book_id=%s checkpoint=%s', p_book_id, p_checkpoint),
            HINT = 'Name a run of api.validation_runs for this book (api.validation_checkpoint gives the last checkpoint), or pass NULL to verify from genesis.';
    END IF;
    FOR r IN SELECT * FROM ops.chained_tables() ORDER BY 1 LOOP
        v_from := coalesce((v_heads -> (r.tbl || ':' || p_book_id) ->> 'seq')::bigint, 0);
        v_hash := v_heads -> (r.tbl || ':' || p_book_id) ->> 'hash';
        RETURN QUERY EXECUTE format($q$
            SELECT DISTINCT ON (x.book_id) %1$L || ':' || x.book_id, %1$L::text, x.book_id, x.seq, x.problem
              FROM (SELECT t.book_id, t.seq,
                           CASE WHEN t.seq = %4$s THEN
                                    CASE WHEN t.row_hash <> decode(%5$L, 'hex')
                                         THEN 'row at the checkpoint''s head does not carry the recorded hash' END
                                WHEN t.seq <> coalesce(lag(t.seq) OVER w, 0) + 1 THEN 'sequence gap'
                                WHEN t.prev_hash <> coalesce(lag(t.row_hash) OVER w, ops.genesis_hash())
                                    THEN 'prev_hash is not the previous row''s row_hash'
                                WHEN t.row_hash <> ops.row_hash(t.prev_hash, to_jsonb(t), %2$L::text[])
                                    THEN 'row_hash does not match the row''s content'
                           END AS problem
                      FROM %1$s t
                     WHERE t.book_id = %3$s AND t.seq >= %4$s
                    WINDOW w AS (ORDER BY t.seq)) x
             WHERE x.problem IS NOT NULL
             ORDER BY x.book_id, x.seq$q$, r.tbl, r.extra_exclude, p_book_id, v_from, v_hash);
        IF v_from > 0 AND NOT EXISTS (SELECT FROM ops.chain_head h WHERE h.chain = r.tbl || ':' || p_book_id AND h.seq >= v_from) THEN
            RETURN QUERY SELECT r.tbl || ':' || p_book_id, r.tbl, p_book_id, v_from, 'chain is shorter than at the checkpoint'::text;
        END IF;
        RETURN QUERY EXECUTE format($q$
            SELECT h.chain, %1$L::text, h.book_id, h.seq, 'chain head does not match the last row'::text
              FROM ops.chain_head h
              LEFT JOIN LATERAL (SELECT t.seq, t.row_hash FROM %1$s t WHERE t.book_id = h.book_id ORDER BY t.seq DESC LIMIT 1) l ON true
             WHERE h.chain = %1$L || ':' || %2$s
               AND (l.seq IS DISTINCT FROM h.seq OR l.row_hash IS DISTINCT FROM h.head_hash)$q$,
            r.tbl, p_book_id);
    END LOOP;

    RETURN QUERY
        SELECT DISTINCT ON (x.account_code, x.currency)
               'ledger.posting:' || p_book_id || ':' || x.account_code || ':' || x.currency, 'ledger.posting'::text,
               p_book_id, x.seq, x.problem
          FROM ledger.balance b
          CROSS JOIN LATERAL (
                SELECT coalesce((v_heads -> ('ledger.posting:' || p_book_id || ':' || b.account_code || ':' || b.currency) ->> 'seq')::bigint, 0) AS from_seq,
                       v_heads -> ('ledger.posting:' || p_book_id || ':' || b.account_code || ':' || b.currency) ->> 'hash' AS from_hash) f
          CROSS JOIN LATERAL (
                SELECT t.account_code, t.currency, t.seq,
                       CASE WHEN t.seq = f.from_seq THEN
                                CASE WHEN t.row_hash <> decode(f.from_hash, 'hex')
                                     THEN 'row at the checkpoint''s head does not carry the recorded hash' END
                            WHEN t.seq <> coalesce(lag(t.seq) OVER w, 0) + 1 THEN 'sequence gap'
                            WHEN t.balance_after <> coalesce(lag(t.balance_after) OVER w, 0) + t.amount
                                THEN 'balance_after breaks continuity'
                            WHEN t.prev_hash <> coalesce(lag(t.row_hash) OVER w, ops.genesis_hash())
                                THEN 'prev_hash is not the previous row''s row_hash'
                            WHEN t.row_hash <> ops.row_hash(t.prev_hash, to_jsonb(t))
                                THEN 'row_hash does not match the row''s content'
                       END AS problem
                  FROM ledger.posting t
                 WHERE t.book_id = p_book_id AND t.account_code = b.account_code AND t.currency = b.currency
                   AND t.seq >= f.from_seq
                WINDOW w AS (ORDER BY t.seq)) x
         WHERE b.book_id = p_book_id AND x.problem IS NOT NULL
         ORDER BY x.account_code, x.currency, x.seq;
    RETURN QUERY
        SELECT 'ledger.posting:' || t.book_id || ':' || t.account_code || ':' || t.currency, 'ledger.balance'::text,
               t.book_id, t.seq, 'balance head does not match the last posting'::text
          FROM ledger.balance t
          LEFT JOIN LATERAL (SELECT p.seq, p.balance_after, p.row_hash FROM ledger.posting p
                              WHERE p.book_id = t.book_id AND p.account_code = t.account_code AND p.currency = t.currency
                              ORDER BY p.seq DESC LIMIT 1) l ON true
         WHERE t.book_id = p_book_id
           AND (l.seq IS DISTINCT FROM t.seq OR l.balance_after IS DISTINCT FROM t.balance OR l.row_hash IS DISTINCT FROM t.head_hash);
END
$$;

COMMENT ON FUNCTION api.verify_book_chains_since(integer, bigint) IS 'api.verify_book_chains for one book from a recorded validation run''s chain heads (NULL: from genesis): the row at each recorded head must carry the recorded hash, later rows verify as in a full verification, chains the run did not name verify from genesis, heads match the last rows. Rows before the recorded heads are not recomputed. PD011 not a recorded run of the book.';
