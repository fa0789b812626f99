-- ops._anchor_message(p_book_id, p_seq, p_kind, p_hour, p_heads, p_key_id, p_prev_signature) -> bytea
-- The bytes an anchor's signature covers, one definition for signing (ops._append_anchor) and verifying
-- (api.verify_anchors):
--     utf8('predator-anchor-v1|<book_id>|<seq>|<kind>|<hour as Unix seconds, or empty>|<key_id>|<prev_signature hex>|<heads as jsonb text>')
-- jsonb's text output is deterministic (docs/hashing.md §1) and the hour is rendered as Unix seconds, so the
-- message does not depend on the session's time zone. The previous anchor's signature (32 zero bytes for a
-- book's first) links a book's anchors, so an anchor removed from the middle of an export breaks the next one.
CREATE OR REPLACE FUNCTION ops._anchor_message(p_book_id integer, p_seq bigint, p_kind text, p_hour timestamptz,
                                               p_heads jsonb, p_key_id integer, p_prev_signature bytea)
RETURNS bytea
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT convert_to(concat_ws('|', 'predator-anchor-v1', p_book_id::text, p_seq::text, p_kind,
                                coalesce(extract(epoch FROM p_hour)::bigint::text, ''), p_key_id::text,
                                encode(p_prev_signature, 'hex'), p_heads::text), 'UTF8')
$$;

COMMENT ON FUNCTION ops._anchor_message(integer, bigint, text, timestamptz, jsonb, integer, bytea) IS 'The bytes an anchor signs: predator-anchor-v1|book|seq|kind|hour (Unix seconds)|key id|previous signature (hex)|heads (jsonb text), UTF-8.';
