-- ops.canonical(p_row jsonb, p_extra_exclude text[]) -> text
-- The canonical encoding of a row for hashing (docs/hashing.md): the row as jsonb (built with
-- TimeZone = UTC), without null fields (at any depth: jsonb_strip_nulls) and without the excluded
-- columns, rendered by jsonb's text output, which orders keys deterministically (by length, then
-- bytewise) and prints numerics exactly as stored. Dropping nulls keeps every existing hash valid when a
-- nullable column is added to a chained table.
CREATE OR REPLACE FUNCTION ops.canonical(p_row jsonb, p_extra_exclude text[] DEFAULT '{}')
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (jsonb_strip_nulls(p_row) - (ops.hash_excluded_columns() || p_extra_exclude))::text $$;

COMMENT ON FUNCTION ops.canonical(jsonb, text[]) IS 'Canonical text of a row for hashing: jsonb of the row without null fields, ops.hash_excluded_columns() and p_extra_exclude, as jsonb text.';
