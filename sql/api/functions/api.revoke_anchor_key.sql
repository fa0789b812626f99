-- api.revoke_anchor_key(p_key_id, p_reason) -> void
-- Operator. Revokes an anchor key (its secret leaked, or is suspected to): api.verify_anchors no longer trusts
-- the anchors signed under it (they are reported, and their heads are not checked). The active key (the newest)
-- cannot be revoked: set a new one first (api.set_anchor_key), revoke the old one, then anchor the current heads
-- under the new key (api.anchor_chains) and export again (docs/audit.md, "Anchors"). Audited (ops.audit_log,
-- book 0). PD011 an unknown key id; PD012 without a reason, a key already revoked, or the active key.
CREATE OR REPLACE FUNCTION api.revoke_anchor_key(p_key_id integer, p_reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_active integer;
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -5);
    IF p_key_id IS NULL OR NOT EXISTS (SELECT FROM ops.anchor_key k WHERE k.key_id = p_key_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('revoke_anchor_key refused: no anchor key %s', p_key_id),
            HINT = 'The view api.anchor_keys lists the key ids.';
    END IF;
    IF EXISTS (SELECT FROM ops.anchor_key_revocation r WHERE r.key_id = p_key_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('revoke_anchor_key refused: key %s is already revoked', p_key_id),
            HINT = 'Nothing to do: a revocation is final.';
    END IF;
    SELECT max(k.key_id) INTO v_active FROM ops.anchor_key k;
    IF p_key_id = v_active THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('revoke_anchor_key refused: key %s is the active key', p_key_id),
            HINT = 'Set a new key first (api.set_anchor_key), then revoke this one, then anchor the current heads (api.anchor_chains).';
    END IF;
    PERFORM ops._audit(0, 'revoke_anchor_key', 'key ' || p_key_id, jsonb_build_object('key_id', p_key_id), p_reason);
    INSERT INTO ops.anchor_key_revocation (key_id, reason, actor) VALUES (p_key_id, p_reason, ops.actor());
END
$$;

COMMENT ON FUNCTION api.revoke_anchor_key(integer, text) IS 'Operator: revokes an anchor key; api.verify_anchors then reports the anchors signed under it as not trusted. Not the active key (set a new one first). Audited. PD011 unknown key; PD012 no reason, already revoked, or the active key.';
