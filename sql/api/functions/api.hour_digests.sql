-- api.hour_digests(p_account, p_from, p_to) -> per closed hour in [p_from, p_to]:
--   hour, inputs_hash, outputs_hash (as recorded at close), recomputed_outputs_hash (from the rows'
--   content now), state_hash (sha256 of the hourly state's canonical content without its chain position:
--   seq and the chain heads recorded in digests are left out),
--   digests (recorded), recomputed (from content).
-- Replay compares these between the original database and a scratch replay.
CREATE OR REPLACE FUNCTION api.hour_digests(p_account text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (hour timestamptz, inputs_hash text, outputs_hash text, recomputed_outputs_hash text,
               state_hash text, digests jsonb, recomputed jsonb)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
    SELECT h.hour, encode(h.inputs_hash, 'hex'), encode(h.outputs_hash, 'hex'),
           encode(portfolio.outputs_hash(r.d), 'hex'),
           encode(sha256(convert_to(ops.canonical(to_jsonb(h) || jsonb_build_object('digests', h.digests - 'heads'), '{seq}'),
                                    'UTF8')), 'hex'),
           h.digests - 'heads' - 'symbols', r.d
      FROM portfolio.hourly_state h
      JOIN trading.account a ON a.book_id = h.book_id
      LEFT JOIN LATERAL (SELECT p.digests -> 'heads' AS heads FROM portfolio.hourly_state p
                          WHERE p.book_id = h.book_id AND p.hour < h.hour ORDER BY p.hour DESC LIMIT 1) prev ON true
      CROSS JOIN LATERAL (SELECT portfolio.window_digests(h.book_id, coalesce(prev.heads, '{}'), h.digests -> 'heads', true) AS d) r
     WHERE a.name = p_account AND h.hour >= p_from AND h.hour <= p_to
     ORDER BY h.hour
$$;

COMMENT ON FUNCTION api.hour_digests(text, timestamptz, timestamptz) IS 'Per closed hour: recorded input/output hashes, output hash recomputed from content, state content hash and the per-chain digests; the material of replay parity.';
