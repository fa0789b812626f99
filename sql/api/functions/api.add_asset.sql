-- api.add_asset(p_asset, p_kind, p_cluster, p_reason) -> text (inserted | unchanged)
-- Operator. Adds a currency (market.asset) so that instruments of it can be stored (api.upsert_instruments
-- skips an instrument whose base or quote is not an asset) and books kept in it: p_kind crypto (with the
-- cluster whose exposure caps it: market.cluster), stablecoin or fiat (no cluster). Reference data is added,
-- never changed: the same asset again with the same kind and cluster is 'unchanged' (nothing written);
-- with others it is refused (positions were capped by the stored cluster). Every insert is kept in
-- ops.audit_log (action add_asset, target the asset, args kind and cluster, actor the session user).
-- PD010 the asset exists with another kind or cluster; PD011 unknown cluster; PD012 a code that is not 2..12
-- uppercase letters or digits, an unknown kind, a crypto asset without a cluster or a stablecoin or fiat
-- with one, or no reason.
-- Tables: market.asset, ops.audit_log.
CREATE OR REPLACE FUNCTION api.add_asset(p_asset text, p_kind text, p_cluster text, p_reason text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_old market.asset;
BEGIN
    IF p_asset IS NULL OR p_asset !~ '^[A-Z0-9]{2,12}$' OR p_kind IS NULL OR p_kind NOT IN ('crypto', 'stablecoin', 'fiat')
       OR (p_kind = 'crypto') <> (p_cluster IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('asset %s refused: invalid code, kind or cluster', coalesce(p_asset, '<null>')),
            DETAIL = format('asset=%s kind=%s cluster=%s', p_asset, p_kind, p_cluster),
            HINT = 'The code is 2..12 uppercase letters or digits (e.g. DOGE); the kind is crypto (with a cluster), stablecoin or fiat (without one).';
    END IF;
    IF p_cluster IS NOT NULL AND NOT EXISTS (SELECT FROM market.cluster c WHERE c.cluster = p_cluster) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('asset %s refused: unknown cluster %L', p_asset, p_cluster),
            DETAIL = format('asset=%s kind=%s cluster=%s', p_asset, p_kind, p_cluster),
            HINT = format('Clusters: %s.', (SELECT string_agg(c.cluster, ', ' ORDER BY c.cluster) FROM market.cluster c));
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731652, pg_catalog.hashtext(p_asset));
    SELECT * INTO v_old FROM market.asset a WHERE a.asset = p_asset;
    IF FOUND THEN
        IF v_old.kind = p_kind AND v_old.cluster IS NOT DISTINCT FROM p_cluster THEN
            RETURN 'unchanged';
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'PD010', MESSAGE = format('asset %s refused: it exists with another kind or cluster', p_asset),
            DETAIL = format('stored kind=%s cluster=%s; given kind=%s cluster=%s', v_old.kind, v_old.cluster, p_kind, p_cluster),
            HINT = 'Assets are added, never changed (see api.assets); give the stored kind and cluster.';
    END IF;
    PERFORM ops._audit(0, 'add_asset', p_asset, jsonb_build_object('kind', p_kind, 'cluster', p_cluster), p_reason);
    INSERT INTO market.asset (asset, kind, cluster) VALUES (p_asset, p_kind, p_cluster);
    RETURN 'inserted';
END
$$;

COMMENT ON FUNCTION api.add_asset(text, text, text, text) IS
'Operator: adds a currency (crypto with its cluster, stablecoin or fiat) so that its instruments can be stored and books kept in it; audited. The same values again: unchanged. PD010 exists with another kind or cluster (assets are added, never changed); PD011 unknown cluster; PD012 invalid code, kind, or cluster for the kind, or no reason.';
