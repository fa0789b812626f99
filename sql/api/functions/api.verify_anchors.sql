-- api.verify_anchors(p_anchors jsonb) -> (subject, book_id, seq, problem, breaks)
-- Checks exported anchors (`predator audit anchor export`: a JSON array of ops.chain_anchor rows, each
-- {book_id, seq, kind, hour, heads, key_id, prev_signature, signature}) against the database, without revealing
-- any key. Each anchor's signature is recomputed under its key id (ops.hmac_sha256 over ops._anchor_message):
-- an altered or forged anchor, or one under an unknown key, breaks; one under a revoked key is reported but not
-- trusted (breaks false) and its heads are not checked; a trusted anchor the database no longer holds, or holds
-- differently, breaks (ops.chain_anchor was tampered with). Then every head of every trusted anchor is checked
-- against the chain's rows themselves (never the ops.chain_head or ledger.balance caches, which a careful
-- tamperer fixes up): a chain that now ends before an anchored seq lost its newest rows ("rows deleted ... seq
-- a..b missing"), a row at an anchored seq whose row_hash is not the anchored head was rewritten. One row per
-- broken chain and problem; subject is the chain name ("trading.fill:3", "ledger.posting:3:trading:USDT") or
-- "anchor <book>/<seq>". Empty: every anchor verifies and no chain is behind or differs. Operator and auditor.
-- Dynamic SQL: the table names come from ops.chained_tables() (schema-qualified, never from the input); the
-- input reaches each query only as a bound parameter ($1).
CREATE OR REPLACE FUNCTION api.verify_anchors(p_anchors jsonb)
RETURNS TABLE (subject text, book_id integer, seq bigint, problem text, breaks boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    a         jsonb;
    i         bigint;
    v_book    integer;
    v_seq     bigint;
    v_kind    text;
    v_hour    timestamptz;
    v_heads   jsonb;
    v_key     integer;
    v_prev    bytea;
    v_sig     bytea;
    v_secret  bytea;
    v_revoked timestamptz;
    v_stored  bytea;
    v_trusted bigint[] := '{}';
    r         record;
BEGIN
    IF p_anchors IS NULL OR jsonb_typeof(p_anchors) <> 'array' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'verify_anchors refused: the anchors are not a JSON array',
            HINT = 'Pass the lines of an export (predator audit anchor export) as one JSON array.';
    END IF;
    FOR a, i IN SELECT x.e, x.n FROM jsonb_array_elements(p_anchors) WITH ORDINALITY x(e, n) LOOP
        BEGIN
            v_book := (a ->> 'book_id')::integer;
            v_seq := (a ->> 'seq')::bigint;
            v_kind := a ->> 'kind';
            v_hour := (a ->> 'hour')::timestamptz;
            v_heads := a -> 'heads';
            v_key := (a ->> 'key_id')::integer;
            v_prev := decode(a ->> 'prev_signature', 'hex');
            v_sig := decode(a ->> 'signature', 'hex');
            IF v_book IS NULL OR v_seq IS NULL OR v_kind IS NULL OR v_key IS NULL OR v_prev IS NULL OR v_sig IS NULL
               OR jsonb_typeof(v_heads) IS DISTINCT FROM 'array' OR NOT isfinite(coalesce(v_hour, 'epoch')) THEN
                RAISE EXCEPTION 'a field is missing, or an hour is infinite';
            END IF;
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT format('anchor #%s', i), NULL::integer, NULL::bigint,
                                format('malformed anchor (line %s): %s', i, SQLERRM), true;
            CONTINUE;
        END;
        subject := format('anchor %s/%s', v_book, v_seq);
        SELECT k.secret INTO v_secret FROM ops.anchor_key k WHERE k.key_id = v_key;
        IF NOT FOUND THEN
            RETURN QUERY SELECT subject, v_book, v_seq, format('signed under key %s, which the database does not know', v_key), true;
            CONTINUE;
        END IF;
        IF ops.hmac_sha256(v_secret, ops._anchor_message(v_book, v_seq, v_kind, v_hour, v_heads, v_key, v_prev)) <> v_sig THEN
            RETURN QUERY SELECT subject, v_book, v_seq,
                                format('the signature does not verify under key %s: the anchor was altered or forged', v_key), true;
            CONTINUE;
        END IF;
        SELECT x.revoked_at INTO v_revoked FROM ops.anchor_key_revocation x WHERE x.key_id = v_key;
        IF FOUND THEN
            RETURN QUERY SELECT subject, v_book, v_seq,
                                format('signed under key %s, revoked at %s: not trusted, its heads are not checked', v_key, v_revoked), false;
            CONTINUE;
        END IF;
        SELECT c.signature INTO v_stored FROM ops.chain_anchor c WHERE c.book_id = v_book AND c.seq = v_seq;
        IF NOT FOUND THEN
            RETURN QUERY SELECT subject, v_book, v_seq, 'the database no longer holds this anchor (ops.chain_anchor rows deleted)'::text, true;
        ELSIF v_stored <> v_sig THEN
            RETURN QUERY SELECT subject, v_book, v_seq, 'the database holds another anchor under this seq'::text, true;
        END IF;
        v_trusted := v_trusted || i;
    END LOOP;
    IF cardinality(v_trusted) = 0 AND jsonb_array_length(p_anchors) > 0 THEN
        RETURN QUERY SELECT 'anchors'::text, NULL::integer, NULL::bigint,
                            'no anchor is trusted: no chain head was checked against them'::text, true;
    END IF;

    -- The heads of the trusted anchors, by table: each distinct (chain, seq, head) once.
    FOR r IN
        WITH heads AS (
            SELECT DISTINCT h ->> 'chain' AS chain, (h ->> 'seq')::bigint AS seq, h ->> 'head' AS head
              FROM jsonb_array_elements(p_anchors) WITH ORDINALITY x(e, n)
              JOIN unnest(v_trusted) t(n) ON t.n = x.n
             CROSS JOIN LATERAL jsonb_array_elements(x.e -> 'heads') h),
        named AS (
            SELECT hd.*, split_part(hd.chain, ':', 1) AS tbl, split_part(hd.chain, ':', 2) AS book,
                   split_part(hd.chain, ':', 3) AS account, split_part(hd.chain, ':', 4) AS currency
              FROM heads hd)
        SELECT n.tbl, n.tbl IN (SELECT c.tbl FROM ops.chained_tables() c) AS chained,
               jsonb_agg(jsonb_build_object('chain', n.chain, 'book_id', n.book::integer, 'account', n.account,
                                            'currency', n.currency, 'seq', n.seq, 'head', n.head)) AS heads
          FROM named n
         WHERE n.book ~ '^[0-9]{1,9}$'
         GROUP BY n.tbl
    LOOP
        IF r.tbl = 'ledger.posting' THEN
            RETURN QUERY
            SELECT g.chain, g.book_id, CASE WHEN g.missing THEN g.last + 1 ELSE g.min_seq END,
                   CASE WHEN NOT g.missing THEN format('the posting at anchored seq %s differs from the anchored head (the chain was rewritten)', g.min_seq)
                        WHEN g.last < g.max_seq THEN format('rows deleted: the chain ends at seq %s, an anchor holds seq %s (seq %s..%s missing)',
                                                            g.last, g.max_seq, g.last + 1, g.max_seq)
                        ELSE format('the posting at anchored seq %s is missing', g.min_seq) END,
                   true
              FROM (SELECT x.chain, x.book_id, x.missing, min(x.seq) AS min_seq, max(x.seq) AS max_seq,
                           (SELECT coalesce(max(p.seq), 0) FROM ledger.posting p
                             WHERE p.book_id = x.book_id AND p.account_code = x.account AND p.currency = x.currency) AS last
                      FROM (SELECT h.chain, h.book_id, h.account, h.currency, h.seq, t.seq IS NULL AS missing
                              FROM jsonb_to_recordset(r.heads) h(chain text, book_id integer, account text, currency text, seq bigint, head text)
                              LEFT JOIN ledger.posting t ON t.book_id = h.book_id AND t.account_code = h.account
                                                        AND t.currency = h.currency AND t.seq = h.seq
                             WHERE t.seq IS NULL OR t.row_hash <> decode(h.head, 'hex')) x
                     GROUP BY x.chain, x.book_id, x.account, x.currency, x.missing) g
             ORDER BY 1, 4;
        ELSIF r.chained THEN
            RETURN QUERY EXECUTE format($q$
                SELECT g.chain, g.book_id, CASE WHEN g.missing THEN g.last + 1 ELSE g.min_seq END,
                       CASE WHEN NOT g.missing THEN format('the row at anchored seq %%s differs from the anchored head (the chain was rewritten)', g.min_seq)
                            WHEN g.last < g.max_seq THEN format('rows deleted: the chain ends at seq %%s, an anchor holds seq %%s (seq %%s..%%s missing)',
                                                                g.last, g.max_seq, g.last + 1, g.max_seq)
                            ELSE format('the row at anchored seq %%s is missing', g.min_seq) END,
                       true
                  FROM (SELECT x.chain, x.book_id, x.missing, min(x.seq) AS min_seq, max(x.seq) AS max_seq,
                               (SELECT coalesce(max(t.seq), 0) FROM %1$s t WHERE t.book_id = x.book_id) AS last
                          FROM (SELECT h.chain, h.book_id, h.seq, t.seq IS NULL AS missing
                                  FROM jsonb_to_recordset($1) h(chain text, book_id integer, seq bigint, head text)
                                  LEFT JOIN %1$s t ON t.book_id = h.book_id AND t.seq = h.seq
                                 WHERE t.seq IS NULL OR t.row_hash <> decode(h.head, 'hex')) x
                         GROUP BY x.chain, x.book_id, x.missing) g
                 ORDER BY 1, 4$q$, r.tbl) USING r.heads;
        ELSE
            RETURN QUERY SELECT DISTINCT h.chain, h.book_id, NULL::bigint, 'an anchor names a chain the database does not have'::text, true
                           FROM jsonb_to_recordset(r.heads) h(chain text, book_id integer);
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION api.verify_anchors(jsonb) IS 'Operator and auditor: checks exported anchors (a JSON array) against the database without revealing a key: each signature under its key id (altered, forged or unknown-key anchors break; revoked-key anchors are reported, not trusted), the anchors still stored, and every trusted anchored head against the chain''s own rows: a chain ending before an anchored seq (rows deleted, the missing seq range) or differing at it breaks. Empty: all verify.';
