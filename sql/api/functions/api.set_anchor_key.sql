-- api.set_anchor_key(p_reason, p_secret) -> (key_id, fingerprint)
-- Operator. Sets a new anchor signing key, which becomes the active key at once (the first call starts anchoring;
-- every later one is a rotation: anchors signed before keep their key id and still verify under it). p_secret
-- NULL (the usual call) has the database generate 32 bytes from pg_strong_random (sha256 of three v4 UUIDs, 366
-- random bits): nobody ever sees that secret, so only api.verify_anchors can check a signature. An operator who
-- wants to verify exports offline passes a secret of 32 to 128 bytes kept elsewhere (an HSM, a sealed envelope).
-- The secret lands in ops.anchor_key, readable by the owner alone; the audit log (ops.audit_log, book 0) and
-- api.anchor_keys show its key id and fingerprint, never the secret. PD012 without a reason, a secret shorter than
-- 32 or longer than 128 bytes, or a secret already used by an earlier key.
CREATE OR REPLACE FUNCTION api.set_anchor_key(p_reason text, p_secret bytea DEFAULT NULL)
RETURNS TABLE (key_id integer, fingerprint text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_secret bytea;
    v_id     integer;
    v_fp     text;
BEGIN
    IF p_secret IS NOT NULL AND octet_length(p_secret) NOT BETWEEN 32 AND 128 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('set_anchor_key refused: a secret of %s bytes (32 to 128 needed)', octet_length(p_secret)),
            HINT = 'Pass at least 32 random bytes, or no secret at all to have the database generate one.';
    END IF;
    v_secret := coalesce(p_secret, sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())
                                          || uuid_send(gen_random_uuid())));
    v_fp := left(encode(sha256(convert_to('predator-anchor-key|', 'UTF8') || v_secret), 'hex'), 16);
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -5);
    IF EXISTS (SELECT FROM ops.anchor_key k WHERE k.fingerprint = v_fp) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('set_anchor_key refused: this secret is already key %s',
                             (SELECT k.key_id FROM ops.anchor_key k WHERE k.fingerprint = v_fp)),
            HINT = 'A rotation needs a new secret: pass fresh random bytes, or none.';
    END IF;
    SELECT coalesce(max(k.key_id), 0) + 1 INTO v_id FROM ops.anchor_key k;
    PERFORM ops._audit(0, 'set_anchor_key', 'key ' || v_id,
                       jsonb_build_object('key_id', v_id, 'fingerprint', v_fp, 'supplied', p_secret IS NOT NULL), p_reason);
    INSERT INTO ops.anchor_key (key_id, secret, fingerprint, supplied, reason, actor)
    VALUES (v_id, v_secret, v_fp, p_secret IS NOT NULL, p_reason, ops.actor());
    RETURN QUERY SELECT v_id, v_fp;
END
$$;

COMMENT ON FUNCTION api.set_anchor_key(text, bytea) IS 'Operator: sets a new anchor signing key (HMAC-SHA256), active at once: the first starts anchoring, later ones rotate. No secret: generated in the database, never shown. Returns the key id and its public fingerprint; audited. PD012 no reason, a secret outside 32..128 bytes or already used.';
