-- ops._session_halt(p_book_id, p_reason, p_source, p_ts, p_incident, p_session) -> bigint (halt event seq; NULL
--   when the account was already halted at account scope)
-- Internal: a session that stops (suspended, completed, rolled back, demoted) halts its account, so that no order
-- goes out while the registry says the session does not run: a halt of scope account, recorded by
-- risk._set_halt (its incident, its alert, the book's risk state), unless one is already in force. An operator's
-- is audited as a halt of the account (action halt, args.session), like api.halt, so that a replay of a paper
-- book re-applies it; the system's (an envelope breach) names its incident (p_incident) and business time (p_ts).
CREATE OR REPLACE FUNCTION ops._session_halt(p_book_id integer, p_reason text, p_source text, p_ts timestamptz,
                                             p_incident bigint, p_session bigint)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text := (SELECT a.name FROM trading.account a WHERE a.book_id = p_book_id);
BEGIN
    IF coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'account' AND h.scope_key = v_name), false) THEN
        RETURN NULL;
    END IF;
    IF p_source = 'operator' THEN
        PERFORM ops._audit(p_book_id, 'halt', 'account:' || v_name, jsonb_build_object('session', 'SES-' || p_session), p_reason);
    END IF;
    RETURN risk._set_halt('account', v_name, p_book_id, 'halt', p_reason, p_source, p_ts, p_incident);
END
$$;

COMMENT ON FUNCTION ops._session_halt(integer, text, text, timestamptz, bigint, bigint) IS 'Internal: halts the account of a session that stops (scope account, risk._set_halt), unless already halted; an operator''s halt is audited as action halt.';
