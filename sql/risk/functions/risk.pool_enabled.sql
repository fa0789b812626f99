-- risk.pool_enabled(p_lane, p_pool) -> boolean
-- Whether a lane enables a capital pool: the highest revision of (lane, pool) in risk.lane_pool_setting;
-- false without one.
CREATE OR REPLACE FUNCTION risk.pool_enabled(p_lane text, p_pool text)
RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN coalesce((SELECT s.enabled FROM risk.lane_pool_setting s WHERE s.lane = p_lane AND s.pool = p_pool
                      ORDER BY s.revision DESC LIMIT 1), false);
END
$$;

COMMENT ON FUNCTION risk.pool_enabled(text, text) IS 'Whether a lane enables a capital pool (the latest risk.lane_pool_setting revision; false without one).';
