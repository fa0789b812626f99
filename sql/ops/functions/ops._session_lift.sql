-- ops._session_lift(p_book_id, p_reason, p_session) -> bigint (halt event seq; NULL when no account halt was in
--   force)
-- Internal: a session that starts or resumes lifts its account's halt (scope account), as api.resume of the
-- account would, audited as such (action resume, args.session). The caller has checked what api.resume checks
-- (ops._session_blockers: a dirty reconciliation, an open severity-1 incident).
CREATE OR REPLACE FUNCTION ops._session_lift(p_book_id integer, p_reason text, p_session bigint)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text := (SELECT a.name FROM trading.account a WHERE a.book_id = p_book_id);
BEGIN
    IF NOT coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'account' AND h.scope_key = v_name), false) THEN
        RETURN NULL;
    END IF;
    PERFORM ops._audit(p_book_id, 'resume', 'account:' || v_name, jsonb_build_object('session', 'SES-' || p_session), p_reason);
    RETURN risk._set_halt('account', v_name, p_book_id, 'resume', p_reason, 'operator', NULL);
END
$$;

COMMENT ON FUNCTION ops._session_lift(integer, text, bigint) IS 'Internal: lifts the account halt of a session that starts or resumes (audited as a resume of the account).';
