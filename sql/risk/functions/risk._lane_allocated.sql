-- risk._lane_allocated(p_lane, p_except) -> numeric
-- Internal: the capital the lane has allocated: the sum of the allocations of its running and suspended
-- sessions (a suspended session keeps its capital), leaving out session p_except (NULL: none). The budget rule
-- (allocated + a new allocation <= the lane's capital_budget) is checked against it under the sessions lock
-- (pg_advisory_xact_lock(1349731649, -39)) by api.start_session, api.promote_session and api.set_lane.
CREATE OR REPLACE FUNCTION risk._lane_allocated(p_lane text, p_except bigint)
RETURNS numeric
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(sum(s.allocation), 0) FROM ops.session s
     WHERE s.lane = p_lane AND s.status IN ('running', 'suspended') AND s.session_id IS DISTINCT FROM p_except
$$;

COMMENT ON FUNCTION risk._lane_allocated(text, bigint) IS 'Internal: the sum of the allocations of a lane''s running and suspended sessions (but p_except), which the lane''s capital budget caps.';
