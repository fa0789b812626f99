-- grants/99_lanes.sql — lanes and live sessions (migration 0039, issue 16 item 4). Operators set the lanes and
-- move the sessions; the worker and the auditor call none of it; every api view is readable by every component
-- role (grants/00_core.sql).
GRANT EXECUTE ON FUNCTION
    api.set_lane(text, numeric, text, numeric, numeric, integer, text),
    api.schedule_session(text, numeric, text, text, timestamptz),
    api.start_session(bigint, text),
    api.suspend_session(bigint, text),
    api.resume_session(bigint, text),
    api.complete_session(bigint, text),
    api.roll_back_session(bigint, text),
    api.promote_session(bigint, numeric, text),
    api.demote_session(bigint, text)
TO predator_operator;
GRANT EXECUTE ON FUNCTION risk.lane_in_force(text) TO predator_auditor;
