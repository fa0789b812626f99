-- api.anchor_chains(p_reason) -> (book_id, seq, chains)
-- Operator. Anchors the heads of every chain of every book now (on demand, beside the anchor of every hour
-- close): one ops.chain_anchor row of book 0, kind 'demand', signed under the active key. Use it after a key
-- rotation or revocation, before an export, or for books that close no hours. Audited (ops.audit_log, book 0;
-- the audit row itself is under the anchor). PD011 when no anchor key is set (api.set_anchor_key); PD012
-- without a reason.
CREATE OR REPLACE FUNCTION api.anchor_chains(p_reason text)
RETURNS TABLE (book_id integer, seq bigint, chains integer)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_seq bigint;
BEGIN
    IF NOT EXISTS (SELECT FROM ops.anchor_key) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = 'anchor_chains refused: no anchor key is set',
            HINT = 'Set one first: SELECT * FROM api.set_anchor_key(''reason'') (predator audit anchor key-set).';
    END IF;
    PERFORM ops._lock_book(0);
    PERFORM ops._audit(0, 'anchor_chains', '*', '{}'::jsonb, p_reason);
    v_seq := ops._append_anchor(0, 'demand', NULL);
    RETURN QUERY SELECT a.book_id, a.seq, jsonb_array_length(a.heads)
                   FROM ops.chain_anchor a WHERE a.book_id = 0 AND a.seq = v_seq;
END
$$;

COMMENT ON FUNCTION api.anchor_chains(text) IS 'Operator: anchors every chain''s head now (one book-0 anchor of kind demand under the active key); audited. PD011 no anchor key set; PD012 no reason.';
