-- ops.tg_incident__suspend_sessions() — AFTER INSERT on ops.incident, severity 1 of a book (trigger _600_sessions)
-- A severity-1 incident of an account suspends its running session, in the incident's transaction (links.incident
-- INC-<book>-<seq>). It places no halt itself: the system's severity-1 incidents (a reconciliation mismatch, a
-- withdrawal, a global breaker) come with a global halt, and an operator who opens one by hand (api.open_incident)
-- halts what must stop. A session resumes only once the incident is resolved (api.resume_session).
-- Global incidents (book 0) suspend nothing by themselves; they block starts, resumes and promotions.
CREATE OR REPLACE FUNCTION ops.tg_incident__suspend_sessions()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT s.session_id FROM ops.session s
              WHERE s.book_id = NEW.book_id AND s.status = 'running' ORDER BY s.session_id LOOP
        PERFORM ops._session_move(r.session_id, 'suspended', 'incident', 'system',
            format('severity-1 incident INC-%s-%s: %s', NEW.book_id, NEW.seq, NEW.title),
            jsonb_build_object('incident', format('INC-%s-%s', NEW.book_id, NEW.seq)));
    END LOOP;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION ops.tg_incident__suspend_sessions() IS 'Trigger: a severity-1 incident of an account suspends its running session, linking the incident.';
