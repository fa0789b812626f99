-- risk._require_resumable(p_what, p_scope_kind, p_scope_key, p_book_id) -> void
-- Internal: the one rule for what an operator's resume must wait for (api.resume, api.resume_strategy).
-- Refused (PD014) while a reconciliation the scope covers is dirty (the latest comparison of any book for a
-- global or lane scope, of the book p_book_id otherwise, was not clean), or while a severity-1 incident it covers
-- is open (not resolved; for a book or strategy scope: the book's own and the global ones, book 0).
-- p_what names the refused action in the message (e.g. 'resume of account a1', 'resume_strategy of a1/s1').
CREATE OR REPLACE FUNCTION risk._require_resumable(p_what text, p_scope_kind text, p_scope_key text, p_book_id integer)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_dirty text;
    v_open  text;
BEGIN
    SELECT string_agg(a.name, ', ' ORDER BY a.name) INTO v_dirty
      FROM trading.account a
      JOIN LATERAL (SELECT r.clean FROM ops.reconciliation r WHERE r.book_id = a.book_id ORDER BY r.seq DESC LIMIT 1) last ON true
     WHERE NOT last.clean
       AND (p_scope_kind = 'global' OR (p_scope_kind = 'lane' AND a.lane = p_scope_key) OR a.book_id = p_book_id);
    IF v_dirty IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014',
            MESSAGE = format('%s refused: reconciliation is dirty for %s', p_what, v_dirty),
            HINT = 'Find the difference (api.reconcile diffs, predator incidents), fix the book or the venue, and resume after a clean reconciliation.';
    END IF;
    SELECT string_agg(i.incident, ', ' ORDER BY i.incident) INTO v_open
      FROM api.incidents i
     WHERE i.severity = 1 AND i.status <> 'resolved'
       AND (p_scope_kind IN ('global', 'lane') OR i.book_id IN (0, p_book_id));
    IF v_open IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014',
            MESSAGE = format('%s refused: severity-1 incident(s) open: %s', p_what, v_open),
            HINT = 'Resolve the incident with api.update_incident(id, ''resolved'', reason) once it is understood, then resume.';
    END IF;
END
$$;

COMMENT ON FUNCTION risk._require_resumable(text, text, text, integer) IS 'Internal: what an operator resume waits for (api.resume, api.resume_strategy): PD014 while a reconciliation the scope covers is dirty or a severity-1 incident it covers is open.';
