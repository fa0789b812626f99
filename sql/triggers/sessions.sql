-- sessions.sql — lanes and live sessions (migration 0039; docs/operator.md, "Lanes and sessions").

-- The registries are append-only: the lane registry's revisions, the legal moves, the session events and the
-- accounts' lane changes.
DO $append_only$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['risk.lane_setting', 'ops.session_transition', 'ops.session_event', 'trading.account_lane'] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER _010_append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse()', t);
        EXECUTE format('CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse()', t);
    END LOOP;
END
$append_only$;

-- A session moves only through its events (PD021 on an illegal move); its definition never changes, and no
-- session is deleted (PD001).
CREATE OR REPLACE TRIGGER _100_apply BEFORE INSERT ON ops.session_event
    FOR EACH ROW EXECUTE FUNCTION ops.tg_session_event__apply();
CREATE OR REPLACE TRIGGER _010_guard BEFORE UPDATE OR DELETE ON ops.session
    FOR EACH ROW EXECUTE FUNCTION ops.tg_session__guard();
CREATE OR REPLACE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.session
    FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_session__guard();

-- An account changes only its lane, and only after a trading.account_lane row (a promotion or a demotion).
CREATE OR REPLACE TRIGGER _010_guard BEFORE UPDATE ON trading.account
    FOR EACH ROW EXECUTE FUNCTION trading.tg_account__guard();

-- What suspends a running session by itself: a halt covering it, a severity-1 incident of its account; and, at an
-- hour close, its live lane's envelope (suspended and its account halted; the lane changes only by an operator).
CREATE OR REPLACE TRIGGER _600_sessions AFTER INSERT ON risk.halt_event
    FOR EACH ROW WHEN (NEW.action = 'halt') EXECUTE FUNCTION ops.tg_halt_event__suspend_sessions();
CREATE OR REPLACE TRIGGER _600_sessions AFTER INSERT ON ops.incident
    FOR EACH ROW WHEN (NEW.severity = 1 AND NEW.book_id <> 0) EXECUTE FUNCTION ops.tg_incident__suspend_sessions();
CREATE OR REPLACE TRIGGER _600_sessions AFTER INSERT ON portfolio.hourly_state
    FOR EACH ROW EXECUTE FUNCTION ops.tg_hourly_state__session_envelope();
