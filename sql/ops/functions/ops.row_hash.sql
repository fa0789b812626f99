-- ops.row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[]) -> bytea
-- row_hash = sha256(prev_hash || utf8(canonical(row))). Immutable.
CREATE OR REPLACE FUNCTION ops.row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[] DEFAULT '{}')
RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT pg_catalog.sha256(p_prev || pg_catalog.convert_to(ops.canonical(p_row, p_extra_exclude), 'UTF8')) $$;

COMMENT ON FUNCTION ops.row_hash(bytea, jsonb, text[]) IS 'sha256(prev_hash || UTF-8 canonical row): the hash-chain step of every append-only table.';
