-- ops.tg_halt_event__suspend_sessions() — AFTER INSERT on risk.halt_event, halts only (trigger _600_sessions)
-- A halt suspends every running session it covers, in the halt's transaction: a global halt every one, a lane
-- halt those of the lane's accounts, an account halt the account's, a strategy halt the session of that
-- strategy (a session of the whole account trades on with its other strategies). The session event says which
-- halt (links.halt: book and seq) and why; nothing resumes a session by itself (api.resume_session).
CREATE OR REPLACE FUNCTION ops.tg_halt_event__suspend_sessions()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT s.session_id
               FROM ops.session s JOIN trading.account a ON a.book_id = s.book_id
              WHERE s.status = 'running'
                AND (NEW.scope_kind = 'global'
                     OR (NEW.scope_kind = 'lane' AND a.lane = NEW.scope_key)
                     OR (NEW.scope_kind = 'account' AND a.name = NEW.scope_key)
                     OR (NEW.scope_kind = 'strategy' AND s.strategy IS NOT NULL AND a.name || '/' || s.strategy = NEW.scope_key))
              ORDER BY s.session_id LOOP
        PERFORM ops._session_move(r.session_id, 'suspended', 'halt', 'system',
            format('%s halt of %s %s: %s', NEW.source, NEW.scope_kind, NEW.scope_key, NEW.reason),
            jsonb_build_object('halt', jsonb_build_object('book_id', NEW.book_id, 'seq', NEW.seq)));
    END LOOP;
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION ops.tg_halt_event__suspend_sessions() IS 'Trigger: a halt (global, lane, account, strategy) suspends the running sessions it covers, linking the halt event.';
