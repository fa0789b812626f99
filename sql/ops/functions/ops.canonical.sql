-- ops.canonical(p_row jsonb, p_extra_exclude text[]) -> text
-- The canonical encoding of a row for hashing (docs/hashing.md): the row as jsonb (built with
-- TimeZone = UTC) minus the excluded columns, rendered by jsonb's text output, which orders keys
-- deterministically (by length, then bytewise) and prints numerics exactly as stored.
CREATE OR REPLACE FUNCTION ops.canonical(p_row jsonb, p_extra_exclude text[] DEFAULT '{}')
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (p_row - (ops.hash_excluded_columns() || p_extra_exclude))::text $$;

COMMENT ON FUNCTION ops.canonical(jsonb, text[]) IS 'Canonical text of a row for hashing: jsonb of the row without ops.hash_excluded_columns() and p_extra_exclude, as jsonb text.';
