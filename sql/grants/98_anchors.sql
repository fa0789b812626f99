-- grants/98_anchors.sql — anchored chains (migration 0036, issue 17 item 5; docs/audit.md, "Anchors").
-- The signing secrets are the owner's alone: grants/00_core.sql gives the auditor SELECT on every ops table, so
-- it is taken back here for ops.anchor_key (re-applied on every migrate, after 00_core). The worker anchors only
-- through api.close_hour; the operator sets, rotates and revokes keys and anchors on demand; operator and
-- auditor check exported anchors (api.verify_anchors answers valid or not, never the key).
REVOKE ALL ON ops.anchor_key FROM predator_auditor, predator_worker, predator_operator;
GRANT EXECUTE ON FUNCTION
    api.set_anchor_key(text, bytea),
    api.revoke_anchor_key(integer, text),
    api.anchor_chains(text)
TO predator_operator;
GRANT EXECUTE ON FUNCTION api.verify_anchors(jsonb) TO predator_operator, predator_auditor;
GRANT EXECUTE ON FUNCTION ops.hmac_sha256(bytea, bytea) TO predator_auditor;
