-- api.anchor_keys — the anchor signing keys without their secrets (ops.anchor_key, ops.anchor_key_revocation; migration 0036).
CREATE VIEW api.anchor_keys AS
SELECT k.key_id, k.fingerprint, k.supplied, k.reason, k.actor, k.created_at,
       r.revoked_at, r.actor AS revoked_by, r.reason AS revoke_reason,
       k.key_id = (SELECT max(x.key_id) FROM ops.anchor_key x) AS active
  FROM ops.anchor_key k LEFT JOIN ops.anchor_key_revocation r ON r.key_id = k.key_id;
COMMENT ON VIEW api.anchor_keys IS 'Anchor signing keys, never their secrets: key id, public fingerprint, whether the operator supplied the secret (else the database generated it), who set it, why and when, its revocation if any, and whether it is the active (newest) key.';
