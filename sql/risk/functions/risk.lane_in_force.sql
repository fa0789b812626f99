-- risk.lane_in_force(p_lane) -> risk.lane_setting (the revision in force; NULL fields for an unknown lane)
-- The lane registry's one read: the highest revision of the lane (api.set_lane writes revisions; the shipped
-- ones come from migration 0039). Read by the session routines (budget, envelope, minimum days) and api.lanes.
CREATE OR REPLACE FUNCTION risk.lane_in_force(p_lane text)
RETURNS risk.lane_setting
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.* FROM risk.lane_setting s WHERE s.lane = p_lane ORDER BY s.revision DESC LIMIT 1
$$;

COMMENT ON FUNCTION risk.lane_in_force(text) IS 'The lane registry revision in force for a lane (capital budget, currency, risk envelope, minimum days before promotion); all fields NULL for an unknown lane.';
