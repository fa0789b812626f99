-- ops._anchor_heads(p_books integer[]) -> jsonb
-- The chain heads an anchor signs: [{"chain", "seq", "head"}] for every chain of the books p_books (NULL: every
-- book), sorted by chain name (bytewise): the per-book chains of ops.chain_head ("<schema>.<table>:<book>") and
-- the journal's posting chains of ledger.balance ("ledger.posting:<book>:<account>:<currency>"), the names
-- api.verify_chains reports. head is the hex row_hash of the chain's last row. Read inside the transaction that
-- appended the rows, so the heads are exactly what that transaction leaves.
CREATE OR REPLACE FUNCTION ops._anchor_heads(p_books integer[])
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('chain', x.chain, 'seq', x.seq, 'head', encode(x.head_hash, 'hex'))
                              ORDER BY x.chain COLLATE "C"), '[]'::jsonb)
      FROM (SELECT h.chain, h.seq, h.head_hash FROM ops.chain_head h
             WHERE p_books IS NULL OR h.book_id = ANY (p_books)
            UNION ALL
            SELECT 'ledger.posting:' || b.book_id || ':' || b.account_code || ':' || b.currency, b.seq, b.head_hash
              FROM ledger.balance b
             WHERE (p_books IS NULL OR b.book_id = ANY (p_books)) AND b.seq > 0) x
$$;

COMMENT ON FUNCTION ops._anchor_heads(integer[]) IS 'The heads an anchor signs: [{chain, seq, head (hex row_hash)}] of every chain of the given books (NULL: all), sorted by chain name; ops.chain_head and ledger.balance.';
