-- ops._session_move(p_session, p_to, p_cause, p_source, p_reason, p_links) -> text (the status after)
-- Internal: records one move of a session (ops.session_event; its trigger checks the move, PD021, and moves
-- ops.session). p_source 'system' records the actor 'system' (a halt, an incident, an envelope breach), else
-- the acting login (ops.actor()).
CREATE OR REPLACE FUNCTION ops._session_move(p_session bigint, p_to text, p_cause text, p_source text, p_reason text,
                                             p_links jsonb DEFAULT '{}'::jsonb)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO ops.session_event (session_id, to_status, cause, source, reason, links, actor)
    VALUES (p_session, p_to, p_cause, p_source, p_reason, coalesce(p_links, '{}'::jsonb),
            CASE p_source WHEN 'system' THEN 'system' ELSE ops.actor() END);
    RETURN p_to;
END
$$;

COMMENT ON FUNCTION ops._session_move(bigint, text, text, text, text, jsonb) IS 'Internal: appends a session event (a move to p_to with its cause, source, reason and links); the trigger _100_apply refuses an illegal move (PD021) and moves ops.session.';
