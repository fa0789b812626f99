-- portfolio.window_digests(p_book_id, p_from jsonb, p_to jsonb, p_recompute boolean) -> jsonb
-- Digest of what each chain of a book gained between two sets of chain heads ({"<schema>.<table>": seq}):
-- sha256 of the concatenated row hashes in seq order (empty window: sha256 of nothing). The journal
-- digest covers transaction headers and all their postings. With p_recompute the row hashes are
-- recomputed from the rows' content (ops.row_hash over the stored prev_hash), so an edited row shows
-- up even when its stored hash was left alone. Returns {"<schema>.<table>": hex, ..., "ledger.journal": hex}.
CREATE OR REPLACE FUNCTION portfolio.window_digests(p_book_id integer, p_from jsonb, p_to jsonb, p_recompute boolean)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
BEGIN
    RETURN (
    WITH b AS (
        SELECT k, coalesce((p_from ->> k)::bigint, 0) AS lo, coalesce((p_to ->> k)::bigint, 0) AS hi
          FROM unnest(ARRAY['trading.signal', 'risk.decision', 'trading.order_request', 'trading.order_event',
                            'trading.fill', 'trading.lot', 'trading.lot_allocation', 'trading.round_trip',
                            'ledger.transaction', 'risk.halt_event', 'portfolio.hourly_exposure',
                            'ops.reconciliation', 'ops.incident', 'risk.breaker_trip']) k)
    SELECT jsonb_build_object(
        'trading.signal', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM trading.signal t, b WHERE b.k = 'trading.signal' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'risk.decision', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM risk.decision t, b WHERE b.k = 'risk.decision' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'trading.order_request', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM trading.order_request t, b WHERE b.k = 'trading.order_request' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'trading.order_event', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM trading.order_event t, b WHERE b.k = 'trading.order_event' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'trading.fill', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM trading.fill t, b WHERE b.k = 'trading.fill' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'trading.lot', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t), '{remaining}') ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM trading.lot t, b WHERE b.k = 'trading.lot' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'trading.lot_allocation', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM trading.lot_allocation t, b WHERE b.k = 'trading.lot_allocation' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'trading.round_trip', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM trading.round_trip t, b WHERE b.k = 'trading.round_trip' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'ledger.journal', (SELECT encode(sha256(
                                 coalesce((SELECT string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)
                                             FROM ledger.transaction t WHERE t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi), '')
                              || coalesce((SELECT string_agg(CASE WHEN p_recompute THEN ops.row_hash(p.prev_hash, to_jsonb(p)) ELSE p.row_hash END, ''::bytea ORDER BY p.tx_seq, p.leg)
                                             FROM ledger.posting p WHERE p.book_id = p_book_id AND p.tx_seq > b.lo AND p.tx_seq <= b.hi), '')), 'hex')
                             FROM b WHERE b.k = 'ledger.transaction'),
        'risk.halt_event', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM risk.halt_event t, b WHERE b.k = 'risk.halt_event' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'portfolio.hourly_exposure', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM portfolio.hourly_exposure t, b WHERE b.k = 'portfolio.hourly_exposure' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'ops.reconciliation', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM ops.reconciliation t, b WHERE b.k = 'ops.reconciliation' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'ops.incident', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM ops.incident t, b WHERE b.k = 'ops.incident' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi),
        'risk.breaker_trip', (SELECT encode(sha256(coalesce(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq), '')), 'hex')
                             FROM risk.breaker_trip t, b WHERE b.k = 'risk.breaker_trip' AND t.book_id = p_book_id AND t.seq > b.lo AND t.seq <= b.hi)));
END
$$;

COMMENT ON FUNCTION portfolio.window_digests(integer, jsonb, jsonb, boolean) IS 'Per-chain sha256 digests of the rows a book appended between two sets of chain heads; with p_recompute, from the rows'' content rather than their stored hashes.';
