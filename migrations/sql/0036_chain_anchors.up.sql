-- 0036_chain_anchors.up.sql — anchored chains (issue 17 item 5, seed 004 10G; docs/audit.md, "Anchors").
--
-- A hash chain proves that no row was edited or removed in the middle; it cannot show that its newest rows were
-- deleted (the shorter chain still verifies). An anchor is a signed checkpoint of chain heads: every hour close
-- (api.close_hour) and every on-demand call (api.anchor_chains) appends one, HMAC-SHA256-signed with an operator
-- secret the worker, the operator and the auditor cannot read. Exported where the operator chooses
-- (`predator audit anchor export`), the anchors let `predator verify --anchors FILE` name a chain whose current
-- head is behind (rows deleted) or differs at an anchored seq.
--
-- * ops.anchor_key: the signing secrets, one row per key id (api.set_anchor_key; the newest is the active key).
--   Readable by the owner alone: grants/98_anchors.sql revokes the auditor's SELECT that grants/00_core.sql gives
--   on every ops table. Append-only.
-- * ops.anchor_key_revocation: a revoked key id (api.revoke_anchor_key): anchors signed under it are not trusted
--   any more. Append-only.
-- * ops.chain_anchor: the anchors, per book (book 0: the on-demand anchors of every book's chains), gapless seq,
--   each signing its heads, its key id and the previous anchor's signature of the same book. Append-only. Not a
--   chained table and no input of any hour digest: a replay (which has no key) writes none, and its hour
--   hashes are those of a run without anchors.
SET LOCAL ROLE predator_owner;

CREATE TABLE ops.anchor_key (
    key_id      integer     PRIMARY KEY CONSTRAINT anchor_key_id_is_positive CHECK (key_id > 0),
    secret      bytea       NOT NULL CONSTRAINT anchor_key_secret_is_long_enough CHECK (octet_length(secret) BETWEEN 32 AND 128),
    fingerprint text        NOT NULL CONSTRAINT anchor_key_fingerprint_is_unique UNIQUE
                            CONSTRAINT anchor_key_fingerprint_is_hex CHECK (fingerprint ~ '^[0-9a-f]{16}$'),
    supplied    boolean     NOT NULL,
    reason      text        NOT NULL CONSTRAINT anchor_key_has_reason CHECK (length(btrim(reason)) > 0),
    actor       text        NOT NULL DEFAULT session_user,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
        CONSTRAINT anchor_key_created_at_is_finite CHECK (created_at > '-infinity' AND created_at < 'infinity')
);
COMMENT ON TABLE ops.anchor_key IS 'The secrets that sign chain anchors (HMAC-SHA256), one per key id; the newest is the active key (api.set_anchor_key). Readable by predator_owner alone: no login, the auditor included, may SELECT it; fingerprint (public) names a secret without revealing it. Append-only.';

CREATE TABLE ops.anchor_key_revocation (
    key_id     integer     PRIMARY KEY REFERENCES ops.anchor_key,
    reason     text        NOT NULL CONSTRAINT anchor_key_revocation_has_reason CHECK (length(btrim(reason)) > 0),
    actor      text        NOT NULL DEFAULT session_user,
    revoked_at timestamptz NOT NULL DEFAULT clock_timestamp()
        CONSTRAINT anchor_key_revocation_revoked_at_is_finite CHECK (revoked_at > '-infinity' AND revoked_at < 'infinity')
);
COMMENT ON TABLE ops.anchor_key_revocation IS 'A revoked anchor key (api.revoke_anchor_key): anchors signed under it are no longer trusted by api.verify_anchors. The active (newest) key cannot be revoked. Append-only.';

CREATE TABLE ops.chain_anchor (
    book_id        integer     NOT NULL,
    seq            bigint      NOT NULL CONSTRAINT chain_anchor_seq_is_positive CHECK (seq > 0),
    kind           text        NOT NULL CONSTRAINT chain_anchor_kind_is_known CHECK (kind IN ('close', 'demand')),
    hour           timestamptz
        CONSTRAINT chain_anchor_hour_is_finite CHECK (hour > '-infinity' AND hour < 'infinity'),
    heads          jsonb       NOT NULL CONSTRAINT chain_anchor_heads_is_an_array CHECK (jsonb_typeof(heads) = 'array'),
    key_id         integer     NOT NULL REFERENCES ops.anchor_key,
    prev_signature bytea       NOT NULL CONSTRAINT chain_anchor_prev_signature_is_sha256 CHECK (octet_length(prev_signature) = 32),
    signature      bytea       NOT NULL CONSTRAINT chain_anchor_signature_is_sha256 CHECK (octet_length(signature) = 32),
    actor          text        NOT NULL DEFAULT session_user,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp()
        CONSTRAINT chain_anchor_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    CONSTRAINT chain_anchor_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT chain_anchor_close_has_hour CHECK ((kind = 'close') = (hour IS NOT NULL))
);
COMMENT ON TABLE ops.chain_anchor IS 'Signed checkpoints of chain heads (docs/audit.md, "Anchors"): one per hour close of a book (kind close: the book''s and the control plane''s chains) and per on-demand call (kind demand, book 0: every chain). heads = [{chain, seq, head}] sorted by chain; signature = HMAC-SHA256(key, ops._anchor_message(...)), which covers the previous anchor''s signature of the book. Append-only; outside every hour digest.';
