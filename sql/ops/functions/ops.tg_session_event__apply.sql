-- ops.tg_session_event__apply() — BEFORE INSERT on ops.session_event (trigger _100_apply)
-- Applies a move of a session, whoever inserts it: takes the session's row lock, numbers the event (seq), sets
-- from_status to the session's current status, refuses an illegal move (PD021, ops._require_session_move), and
-- moves ops.session (status, status_since; started_at at the first start; ended_at at a final status). The
-- first event of a session is its creation (from NULL to scheduled, the status it was created with).
CREATE OR REPLACE FUNCTION ops.tg_session_event__apply()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_s   ops.session;
    v_seq integer;
BEGIN
    SELECT * INTO v_s FROM ops.session s WHERE s.session_id = NEW.session_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown session SES-%s', NEW.session_id),
            HINT = 'See api.sessions.';
    END IF;
    NEW.book_id := v_s.book_id;   -- the session's book: the event is keyed by it
    SELECT max(e.seq) INTO v_seq FROM ops.session_event e WHERE e.book_id = v_s.book_id AND e.session_id = NEW.session_id;
    NEW.seq := coalesce(v_seq, 0) + 1;
    IF v_seq IS NULL THEN
        -- The creation: the session was inserted scheduled.
        IF NEW.to_status <> 'scheduled' OR v_s.status <> 'scheduled' THEN
            PERFORM ops._require_session_move(NULL, NEW.to_status, NEW.session_id);
        END IF;
        NEW.from_status := NULL;
        RETURN NEW;
    END IF;
    PERFORM ops._require_session_move(v_s.status, NEW.to_status, NEW.session_id);
    NEW.from_status := v_s.status;
    UPDATE ops.session s
       SET status = NEW.to_status, status_since = NEW.recorded_at,
           started_at = CASE WHEN NEW.to_status = 'running' THEN coalesce(s.started_at, NEW.recorded_at) ELSE s.started_at END,
           ended_at = CASE WHEN NEW.to_status IN ('completed', 'rolled_back') THEN NEW.recorded_at ELSE s.ended_at END
     WHERE s.session_id = NEW.session_id;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION ops.tg_session_event__apply() IS 'Trigger: numbers a session event, sets its from_status, refuses an illegal move (PD021) and moves ops.session (status, status_since, started_at, ended_at).';
