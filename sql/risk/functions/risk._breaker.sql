-- risk._breaker(p_lane, p_account, p_breaker) -> (threshold, window_hours, min_events, trip_scope)
-- The breaker setting in force for an account: the highest revision for (lane, account), else for
-- (lane, '*'). No row when the breaker is unknown; threshold NULL = disabled.
CREATE OR REPLACE FUNCTION risk._breaker(p_lane text, p_account text, p_breaker text)
RETURNS TABLE (threshold numeric, window_hours integer, min_events integer, trip_scope text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    SELECT s.threshold, s.window_hours, s.min_events, s.trip_scope
      FROM risk.breaker_setting s
     WHERE s.lane = p_lane AND s.account IN (p_account, '*') AND s.breaker = p_breaker
     ORDER BY (s.account = '*'), s.revision DESC
     LIMIT 1;
END
$$;

COMMENT ON FUNCTION risk._breaker(text, text, text) IS 'Internal: the circuit-breaker setting in force for (lane, account): account override first, then the lane default; highest revision.';
