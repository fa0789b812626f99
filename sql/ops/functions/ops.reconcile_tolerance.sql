-- ops.reconcile_tolerance() -> numeric
-- The operator setting reconcile_tolerance (ops.setting) in force: the largest difference per currency between
-- the book's and the venue's balance (in that currency) that api.reconcile still counts as clean. An operator
-- setting, never a worker argument: the tolerance decides whether a desync halts and whether api.resume is
-- allowed. Falls back to the shipped 1e-8 when no revision exists.
-- PL/pgSQL, not SQL: a SQL function with a SET clause is neither inlined nor cached, so its query was parsed and
-- planned again at every call (every api.reconcile); the same query, the same result.
CREATE OR REPLACE FUNCTION ops.reconcile_tolerance()
RETURNS numeric
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (
        SELECT coalesce(ops.setting_value('reconcile_tolerance'), 0.00000001)
    );
END
$$;

COMMENT ON FUNCTION ops.reconcile_tolerance() IS 'The reconciliation tolerance in force (operator setting reconcile_tolerance, default 1e-8): the largest balance difference per currency that still counts as clean.';
