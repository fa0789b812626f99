-- ops.hmac_sha256(p_key, p_message) -> bytea (32 bytes)
-- HMAC-SHA256 (RFC 2104, FIPS 198-1) from PostgreSQL's built-in sha256(), so that anchors need no extension:
-- pgcrypto's hmac() would need CREATE EXTENSION on every server Predator migrates (a PREDATOR_DSN server's
-- administrator may not allow it) and a schema of its own outside the pinned search_path. A key longer than
-- the 64-byte block is hashed first; the key is padded with zeros to 64 bytes and XORed with ipad (0x36) and
-- opad (0x5c) byte by byte. tests/sql/37_anchors.sql checks it against RFC 4231's test vectors.
CREATE OR REPLACE FUNCTION ops.hmac_sha256(p_key bytea, p_message bytea)
RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT sha256(o.pad || sha256(i.pad || p_message))
      FROM (SELECT CASE WHEN octet_length(p_key) > 64 THEN sha256(p_key) ELSE p_key END AS k) k0
     CROSS JOIN LATERAL (
           SELECT decode(string_agg(lpad(to_hex(CASE WHEN n < octet_length(k0.k) THEN get_byte(k0.k, n) ELSE 0 END # 54), 2, '0'),
                                    '' ORDER BY n), 'hex') AS pad
             FROM generate_series(0, 63) n) i
     CROSS JOIN LATERAL (
           SELECT decode(string_agg(lpad(to_hex(CASE WHEN n < octet_length(k0.k) THEN get_byte(k0.k, n) ELSE 0 END # 92), 2, '0'),
                                    '' ORDER BY n), 'hex') AS pad
             FROM generate_series(0, 63) n) o
$$;

COMMENT ON FUNCTION ops.hmac_sha256(bytea, bytea) IS 'HMAC-SHA256(key, message) over the built-in sha256() (no extension needed); RFC 4231 test vectors in tests/sql/37_anchors.sql. Signs and verifies chain anchors.';
