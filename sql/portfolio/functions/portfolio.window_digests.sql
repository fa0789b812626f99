-- portfolio.window_digests(p_book_id, p_from jsonb, p_to jsonb, p_recompute boolean) -> jsonb
-- Digest of what each chain of a book gained between two sets of chain heads ({"<schema>.<table>": seq}):
-- sha256 of the concatenated row hashes in seq order; a chain that did not move gets the digest of
-- nothing (sha256 of the empty string) without a query. The journal digest ("ledger.journal") covers
-- the transaction headers and all their postings. With p_recompute the row hashes are recomputed from
-- the rows' content (ops.row_hash over the stored prev_hash), so an edited row shows up even when its
-- stored hash was left alone. Reconciliations count only when hourly, by content (sha256 of the canonical
-- row without seq, from the genesis hash): a start-up reconciliation is an operational record of a restart
-- (like venue health), not an output of the hour, and it shifts the positions of later rows in the chain;
-- so a run that was interrupted and resumed has the hashes of one that was not. Returns {"<schema>.<table>": hex, ...,
-- "ledger.journal": hex}.
CREATE OR REPLACE FUNCTION portfolio.window_digests(p_book_id integer, p_from jsonb, p_to jsonb, p_recompute boolean)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET extra_float_digits = 1  -- float8 columns (ml) enter the hash as text: the session may not shorten them
AS $$
DECLARE
    c_empty CONSTANT text := 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    v_out   jsonb := '{}'::jsonb;
    v_key   text;
    v_lo    bigint;
    v_hi    bigint;
    v_hex   text;
BEGIN
    FOREACH v_key IN ARRAY ARRAY['trading.signal', 'risk.decision', 'trading.order_request', 'trading.order_event',
                                 'trading.fill', 'trading.lot', 'trading.lot_allocation', 'trading.round_trip',
                                 'ledger.transaction', 'risk.halt_event', 'ops.reconciliation', 'ops.incident',
                                 'risk.breaker_trip', 'risk.strategy_health', 'risk.horizon_flag', 'risk.state_event',
                                 'trading.fill_void'] LOOP
        -- The risk state chain (migration 0017) counts only once the book has one: the hashes of books (and
        -- hours recorded before 0017) without a risk state move stay what they were.
        CONTINUE WHEN v_key = 'risk.state_event' AND NOT (p_to ? v_key);
        -- Likewise the fill voids (migration 0026): they count once the book has one (api.void_fill).
        CONTINUE WHEN v_key = 'trading.fill_void' AND NOT (p_to ? v_key);
        v_lo := coalesce((p_from ->> v_key)::bigint, 0);
        v_hi := coalesce((p_to ->> v_key)::bigint, 0);
        IF v_hi <= v_lo THEN
            v_hex := c_empty;
        ELSE
            CASE v_key
            WHEN 'trading.signal' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.signal t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'risk.decision' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.decision t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.order_request' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.order_request t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.order_event' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.order_event t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.fill' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.fill t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.lot' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t), '{remaining}') ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.lot t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.lot_allocation' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.lot_allocation t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.fill_void' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.fill_void t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.round_trip' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.round_trip t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'ledger.transaction' THEN
                SELECT encode(sha256(
                         coalesce((SELECT string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)
                                     FROM ledger.transaction t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi), '')
                      || coalesce((SELECT string_agg(CASE WHEN p_recompute THEN ops.row_hash(p.prev_hash, to_jsonb(p)) ELSE p.row_hash END, ''::bytea ORDER BY p.tx_seq, p.leg)
                                     FROM ledger.posting p WHERE p.book_id = p_book_id AND p.tx_seq > v_lo AND p.tx_seq <= v_hi), '')), 'hex')
                  INTO v_hex;
            WHEN 'risk.halt_event' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.halt_event t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'ops.reconciliation' THEN
                -- Content only (no seq, no chain link): start-up rows of a restart sit in the same chain.
                SELECT encode(sha256(string_agg(ops.row_hash(ops.genesis_hash(), to_jsonb(t), '{seq}'), ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM ops.reconciliation t
                 WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi AND t.kind = 'hourly';
            WHEN 'ops.incident' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM ops.incident t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'risk.breaker_trip' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.breaker_trip t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'risk.strategy_health' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.strategy_health t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'risk.horizon_flag' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.horizon_flag t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'risk.state_event' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.state_event t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            END CASE;
            v_hex := coalesce(v_hex, c_empty);
        END IF;
        v_out := v_out || jsonb_build_object(CASE v_key WHEN 'ledger.transaction' THEN 'ledger.journal' ELSE v_key END, v_hex);
    END LOOP;
    RETURN v_out;
END
$$;

COMMENT ON FUNCTION portfolio.window_digests(integer, jsonb, jsonb, boolean) IS 'Per-chain sha256 digests of the rows a book appended between two sets of chain heads (unchanged chains: sha256 of nothing); with p_recompute, from the rows'' content rather than their stored hashes.';
