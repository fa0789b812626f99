-- ops.row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[]) -> bytea
-- row_hash = sha256(prev_hash || utf8(canonical(row))). Deterministic for a given database encoding, but
-- declared STABLE like convert_to, which it calls: the planner inlines a SQL function only when its body is
-- no more volatile than its declaration, and inlining (no SET clause, plain SQL) is what keeps the chain
-- triggers, api.verify_chains and portfolio.window_digests from parsing and planning this body on every
-- call (declared IMMUTABLE, it was never inlined).
CREATE OR REPLACE FUNCTION ops.row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[] DEFAULT '{}')
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT pg_catalog.sha256(p_prev || pg_catalog.convert_to(ops.canonical(p_row, p_extra_exclude), 'UTF8')) $$;

COMMENT ON FUNCTION ops.row_hash(bytea, jsonb, text[]) IS 'sha256(prev_hash || UTF-8 canonical row): the hash-chain step of every append-only table.';
