-- api.resume(p_reason, p_scope, p_target) -> bigint (halt event seq)
-- Operator. Lifts a halt explicitly, with a reason; never automatic. Refused (PD014) when the scope is
-- not halted, while a reconciliation it covers is dirty (the latest comparison of any book for a global
-- or lane resume, of the account for an account or strategy resume, was not clean), or while a
-- severity-1 incident it covers is open (not resolved).
CREATE OR REPLACE FUNCTION api.resume(p_reason text, p_scope text DEFAULT 'global', p_target text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_scope record;
BEGIN
    SELECT * INTO v_scope FROM risk._scope(p_scope, p_target);
    -- Dirty reconciliation, open severity-1 incident: the one rule, shared with api.resume_strategy.
    PERFORM risk._require_resumable(format('resume of %s %s', v_scope.scope_kind, v_scope.scope_key),
                                    v_scope.scope_kind, v_scope.scope_key, v_scope.book_id);
    PERFORM ops._audit(v_scope.book_id, 'resume', v_scope.scope_kind || ':' || v_scope.scope_key, '{}', p_reason);
    RETURN risk._set_halt(v_scope.scope_kind, v_scope.scope_key, v_scope.book_id, 'resume', p_reason, 'operator', NULL);
END
$$;

COMMENT ON FUNCTION api.resume(text, text, text) IS 'Operator: lifts a halt at a scope with a reason (never automatic); PD014 when the scope is not halted, reconciliation is dirty or a severity-1 incident is open. Audited.';
