-- ops._session_blockers(p_book_id, p_strategy) -> text[] (reason codes; empty when nothing blocks)
-- Internal: what keeps a session of the book from running (api.start_session, api.resume_session) or from being
-- promoted (api.promote_session), as reason codes:
--   halted_global, halted_lane, halted_strategy  a halt other than the account's own covers the session (an
--                                                account halt is the session's to lift: start and resume lift it)
--   reconciliation_dirty                         the book's latest reconciliation is not clean
--   open_severity1_incident                      a severity-1 incident of the book, or a global one (book 0), is
--                                                not resolved
-- The last two are the conditions of api.resume (risk._require_resumable), as reason codes.
CREATE OR REPLACE FUNCTION ops._session_blockers(p_book_id integer, p_strategy text)
RETURNS text[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct  trading.account;
    v_codes text[];
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_codes := array_remove(risk._active_halts(v_acct.name, v_acct.lane, p_strategy), 'halted_account');
    IF EXISTS (SELECT FROM (SELECT r.clean FROM ops.reconciliation r WHERE r.book_id = p_book_id ORDER BY r.seq DESC LIMIT 1) last
                WHERE NOT last.clean) THEN
        v_codes := v_codes || 'reconciliation_dirty'::text;
    END IF;
    IF EXISTS (SELECT FROM api.incidents i
                WHERE i.severity = 1 AND i.status <> 'resolved' AND i.book_id IN (0, p_book_id)) THEN
        v_codes := v_codes || 'open_severity1_incident'::text;
    END IF;
    RETURN v_codes;
END
$$;

COMMENT ON FUNCTION ops._session_blockers(integer, text) IS 'Internal: reason codes of what keeps a book''s session from running or being promoted: halted_global, halted_lane, halted_strategy, reconciliation_dirty, open_severity1_incident.';
