-- ops._require_session_move(p_from, p_to, p_session) -> void
-- Internal: the one rule of the session status machine (ops.session_transition). Raises PD021 when p_from ->
-- p_to is not a legal move, naming the session, the move and (HINT) the moves legal from p_from. Called by the
-- trigger that applies ops.session_event and first thing by each api routine that moves a session, so that an
-- illegal move is refused before anything else is checked.
CREATE OR REPLACE FUNCTION ops._require_session_move(p_from text, p_to text, p_session bigint)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_next text;
BEGIN
    IF EXISTS (SELECT FROM ops.session_transition t WHERE t.from_status = p_from AND t.to_status = p_to) THEN
        RETURN;
    END IF;
    SELECT string_agg(t.to_status, ', ' ORDER BY t.to_status) INTO v_next
      FROM ops.session_transition t WHERE t.from_status = p_from;
    RAISE EXCEPTION USING ERRCODE = 'PD021',
        MESSAGE = format('session SES-%s: %s -> %s is not a legal move', p_session, coalesce(p_from, 'none'), p_to),
        DETAIL = format('session=SES-%s status=%s requested=%s', p_session, p_from, p_to),
        HINT = CASE WHEN p_from IS NULL THEN 'A session begins scheduled (api.schedule_session).'
                    WHEN v_next IS NULL
                    THEN format('A %s session is final: schedule a new one (api.schedule_session).', p_from)
                    ELSE format('From %s a session may move to: %s (ops.session_transition).', p_from, v_next) END;
END
$$;

COMMENT ON FUNCTION ops._require_session_move(text, text, bigint) IS 'Internal: PD021 unless from -> to is a row of ops.session_transition (scheduled -> running | rolled_back; running -> suspended | completed | rolled_back; suspended -> running | completed | rolled_back); the HINT names the legal moves.';
