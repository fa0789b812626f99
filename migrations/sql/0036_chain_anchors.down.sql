-- 0036_chain_anchors.down.sql — undoes 0036 (the anchors and their keys go with it: export them first).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;

DROP TABLE ops.chain_anchor;
DROP TABLE ops.anchor_key_revocation;
DROP TABLE ops.anchor_key;
