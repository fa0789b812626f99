-- 0039_lanes_sessions down — the lane registry, the sessions registry and the accounts' lane history, with the
-- routines and triggers of sql/ that use them (the down path does not re-apply sql/). An account promoted since
-- stays in its lane (trading.account.lane keeps its CHECK). Approval requests of the three actions this migration
-- added go with their kind (append-only tables, hence the replica role).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DO $drop$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT p.oid::regprocedure AS f FROM pg_catalog.pg_proc p
              WHERE p.oid::regprocedure::text IN (
                    'trading.tg_account__guard()', 'trading._set_account_lane(integer,text,text,bigint,bigint,text)',
                    'trading._set_account_lane(integer,text,text,bigint,bigint,text,text)',
                    'ops.tg_session_event__apply()', 'ops.tg_session__guard()', 'ops.tg_halt_event__suspend_sessions()',
                    'ops.tg_incident__suspend_sessions()', 'ops.tg_hourly_state__session_envelope()',
                    'ops._session(bigint)', 'ops._session_move(bigint,text,text,text,text,jsonb)',
                    'ops._require_session_move(text,text,bigint)', 'ops._session_blockers(integer,text)',
                    'ops._session_halt(integer,text,text,timestamp with time zone,bigint,bigint)',
                    'ops._session_lift(integer,text,bigint)', 'ops._session_refused(text,text,text[],jsonb)',
                    'ops._session_may_run(ops.session,text,boolean)',
                    'ops._demote_session(bigint,text,text,jsonb,timestamp with time zone,bigint)',
                    'ops._audit_system(integer,text,text,jsonb,text)', 'risk.lane_in_force(text)',
                    'risk._lane_allocated(text,bigint)')
    LOOP
        EXECUTE 'DROP FUNCTION ' || r.f || ' CASCADE';
    END LOOP;
END
$drop$;
DROP TABLE trading.account_lane;
DROP TABLE ops.session_event;
DROP TABLE ops.session;
DROP TABLE ops.session_transition;
DROP TABLE risk.lane_setting;
DELETE FROM ops.approval_use u USING ops.approval_request r
 WHERE r.request_id = u.request_id AND r.action IN ('set_lane', 'promote_session', 'demote_session');
DELETE FROM ops.approval a USING ops.approval_request r
 WHERE r.request_id = a.request_id AND r.action IN ('set_lane', 'promote_session', 'demote_session');
DELETE FROM ops.approval_request WHERE action IN ('set_lane', 'promote_session', 'demote_session');
ALTER TABLE ops.approval_request DROP CONSTRAINT approval_action_is_known;
ALTER TABLE ops.approval_request ADD CONSTRAINT approval_action_is_known
    CHECK (action IN ('resume', 'set_limit', 'set_limit_policy', 'set_setting'));
