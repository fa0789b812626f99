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
    v_dirty text;
    v_open  text;
BEGIN
    SELECT * INTO v_scope FROM risk._scope(p_scope, p_target);
    SELECT string_agg(a.name, ', ' ORDER BY a.name) INTO v_dirty
      FROM trading.account a
      JOIN LATERAL (SELECT r.clean FROM ops.reconciliation r WHERE r.book_id = a.book_id ORDER BY r.seq DESC LIMIT 1) last ON true
     WHERE NOT last.clean
       AND (v_scope.scope_kind = 'global' OR (v_scope.scope_kind = 'lane' AND a.lane = v_scope.scope_key)
            OR a.book_id = v_scope.book_id);
    IF v_dirty IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014',
            MESSAGE = format('resume of %s %s refused: reconciliation is dirty for %s', v_scope.scope_kind, v_scope.scope_key, v_dirty),
            HINT = 'Find the difference (api.reconcile diffs, predator incidents), fix the book or the venue, and resume after a clean reconciliation.';
    END IF;
    SELECT string_agg(i.incident, ', ' ORDER BY i.incident) INTO v_open
      FROM api.incidents i
     WHERE i.severity = 1 AND i.status <> 'resolved'
       AND (v_scope.scope_kind IN ('global', 'lane') OR i.book_id IN (0, v_scope.book_id));
    IF v_open IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014',
            MESSAGE = format('resume of %s %s refused: severity-1 incident(s) open: %s', v_scope.scope_kind, v_scope.scope_key, v_open),
            HINT = 'Resolve the incident with api.update_incident(id, ''resolved'', reason) once it is understood, then resume.';
    END IF;
    PERFORM ops._audit(v_scope.book_id, 'resume', v_scope.scope_kind || ':' || v_scope.scope_key, '{}', p_reason);
    RETURN risk._set_halt(v_scope.scope_kind, v_scope.scope_key, v_scope.book_id, 'resume', p_reason, 'operator', NULL);
END
$$;

COMMENT ON FUNCTION api.resume(text, text, text) IS 'Operator: lifts a halt at a scope with a reason (never automatic); PD014 when the scope is not halted, reconciliation is dirty or a severity-1 incident is open. Audited.';
