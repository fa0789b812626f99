-- ops.tg_chain__append() — BEFORE INSERT row trigger of every table in ops.chained_tables().
-- Assigns seq (gapless per chain "<schema>.<table>:<book_id>"), prev_hash and row_hash, and moves the
-- chain head. The head row lock serialises appends to one chain; other books are not blocked.
-- TG_ARGV: extra columns to exclude from the hash (mutable columns).
-- Raises PD009 when the caller supplies a seq or prev_hash that does not continue the chain.
CREATE OR REPLACE FUNCTION ops.tg_chain__append()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET extra_float_digits = 1  -- float8 columns (ml) enter the hash as text: the session may not shorten them
AS $$
DECLARE
    v_chain text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME || ':' || NEW.book_id;
    v_seq   bigint;
    v_prev  bytea;
BEGIN
    UPDATE ops.chain_head h SET seq = h.seq + 1 WHERE h.chain = v_chain RETURNING h.seq, h.head_hash INTO v_seq, v_prev;
    IF NOT FOUND THEN
        INSERT INTO ops.chain_head AS h (chain, book_id, seq, head_hash)
        VALUES (v_chain, NEW.book_id, 1, ops.genesis_hash())
        ON CONFLICT (chain) DO UPDATE SET seq = h.seq + 1
        RETURNING h.seq, h.head_hash INTO v_seq, v_prev;
    END IF;
    IF (NEW.seq IS NOT NULL AND NEW.seq <> v_seq) OR (NEW.prev_hash IS NOT NULL AND NEW.prev_hash <> v_prev) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PD009',
            MESSAGE = format('insert into %s refused: it does not continue the hash chain', v_chain),
            DETAIL  = format('expected_seq=%s given_seq=%s', v_seq, NEW.seq),
            HINT    = 'Leave seq, prev_hash and row_hash empty; the chain trigger assigns them.';
    END IF;
    NEW.seq := v_seq;
    NEW.prev_hash := v_prev;
    NEW.row_hash := ops.row_hash(v_prev, to_jsonb(NEW), TG_ARGV::text[]);
    UPDATE ops.chain_head h SET head_hash = NEW.row_hash WHERE h.chain = v_chain;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION ops.tg_chain__append() IS 'Chain trigger: assigns seq, prev_hash and row_hash = sha256(prev_hash || canonical row) per book and table, and advances ops.chain_head. Raises PD009 on a supplied seq or prev_hash that breaks the chain.';
