-- ops._session(p_session) -> ops.session (locked FOR UPDATE)
-- Internal: the session p_session, its row locked for the caller's transaction (every api routine that moves a
-- session reads it here first). PD012 for NULL, PD011 for an unknown session.
CREATE OR REPLACE FUNCTION ops._session(p_session bigint)
RETURNS ops.session
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_s ops.session;
BEGIN
    IF p_session IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'a session id is required',
            HINT = 'Pass the session''s number (SES-<n> in api.sessions).';
    END IF;
    SELECT * INTO v_s FROM ops.session s WHERE s.session_id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown session SES-%s', p_session),
            HINT = 'See api.sessions (predator sessions list).';
    END IF;
    RETURN v_s;
END
$$;

COMMENT ON FUNCTION ops._session(bigint) IS 'Internal: a session by id, locked FOR UPDATE; PD011 unknown, PD012 NULL.';
