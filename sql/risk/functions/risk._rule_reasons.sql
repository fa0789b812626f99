-- risk._rule_reasons(p_checks jsonb) -> text[]
-- The reason codes of one check's result ({"reasons": [...], ...}) or of a map of such results
-- ({"pool": {...}, "strategy_allocation": {...}}), in key order; empty when none.
CREATE OR REPLACE FUNCTION risk._rule_reasons(p_checks jsonb)
RETURNS text[]
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_checks IS NULL THEN
        RETURN '{}';
    ELSIF p_checks ? 'reasons' THEN
        RETURN ARRAY(SELECT jsonb_array_elements_text(p_checks -> 'reasons'));
    END IF;
    RETURN ARRAY(SELECT r FROM jsonb_each(p_checks) c(k, v)
                  CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(c.v -> 'reasons', '[]'::jsonb)) WITH ORDINALITY x(r, n)
                 ORDER BY c.k, x.n);
END
$$;

COMMENT ON FUNCTION risk._rule_reasons(jsonb) IS 'Internal: the reason codes of a check result {reasons, ...} or of a map of them (in key order).';
