-- api.chain_anchors — the signed anchors of chain heads (ops.chain_anchor, migration 0036; docs/audit.md, "Anchors").
CREATE VIEW api.chain_anchors AS
SELECT c.book_id, a.name AS account, c.seq, c.kind, c.hour, c.heads, c.key_id,
       encode(c.prev_signature, 'hex') AS prev_signature, encode(c.signature, 'hex') AS signature,
       c.actor, c.recorded_at
  FROM ops.chain_anchor c LEFT JOIN trading.account a ON a.book_id = c.book_id;
COMMENT ON VIEW api.chain_anchors IS 'Every anchor: book (0: on-demand anchors of every chain; account NULL), seq, kind (close or demand), the closed hour, the signed heads [{chain, seq, head}], the key id, the previous anchor''s signature and the HMAC-SHA256 signature (hex). `predator audit anchor export` writes them; api.verify_anchors checks them.';
