-- ops.tg_session__guard() — BEFORE UPDATE on ops.session (trigger _010_guard)
-- A session's definition (account, strategy, lane, allocation, currency, planned end, origin, reason, who, when)
-- never changes, and its status, status_since, started_at and ended_at move only through ops.session_event
-- (whose trigger performs the UPDATE, one trigger level down). Anything else is refused with PD001, and so are
-- DELETE and TRUNCATE (the registry keeps every session); a status move that is not in ops.session_transition
-- with PD021.
CREATE OR REPLACE FUNCTION ops.tg_session__guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD001',
            MESSAGE = format('%s on ops.session refused: the sessions registry keeps every session', TG_OP),
            HINT = 'End a session with api.complete_session or api.roll_back_session.';
    END IF;
    IF (NEW.session_id, NEW.book_id, NEW.strategy, NEW.lane, NEW.allocation, NEW.currency, NEW.planned_end,
        NEW.promoted_from, NEW.reason, NEW.actor, NEW.created_at)
       IS DISTINCT FROM
       (OLD.session_id, OLD.book_id, OLD.strategy, OLD.lane, OLD.allocation, OLD.currency, OLD.planned_end,
        OLD.promoted_from, OLD.reason, OLD.actor, OLD.created_at)
       OR pg_catalog.pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD001',
            MESSAGE = format('ops.session SES-%s: a session''s definition never changes and its status moves only through ops.session_event', OLD.session_id),
            HINT = 'Move a session with api.start_session, api.suspend_session, api.resume_session, api.complete_session, api.roll_back_session, api.promote_session or api.demote_session; schedule a new one for another allocation.';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        PERFORM ops._require_session_move(OLD.status, NEW.status, OLD.session_id);
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION ops.tg_session__guard() IS 'Trigger: a session''s definition is immutable, its status moves only through ops.session_event (PD001), along ops.session_transition (PD021); no session is deleted (PD001).';
