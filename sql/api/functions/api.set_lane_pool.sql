-- api.set_lane_pool(p_lane, p_pool, p_enabled, p_reason) -> integer (revision)
-- Operator. Enables or disables a capital pool in a lane (issue 13 item 1): a new revision of
-- risk.lane_pool_setting (history kept) and an audit row. Entries of a strategy whose pool its book's lane does
-- not enable are refused pool_disabled (exits are never refused by the pool). The shipped policy: paper and
-- live_promoted enable CORE, AGGRESSIVE and TAIL_RISK; live_canary enables CORE only (seed 000).
-- PD012 unknown lane or pool, no reason, or enabled NULL.
CREATE OR REPLACE FUNCTION api.set_lane_pool(p_lane text, p_pool text, p_enabled boolean, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_rev integer;
BEGIN
    IF p_lane IS NULL OR p_lane NOT IN ('paper', 'live_canary', 'live_promoted')
       OR NOT EXISTS (SELECT FROM risk.pool p WHERE p.pool = p_pool) OR p_enabled IS NULL
       OR coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('set_lane_pool refused: lane %L pool %L enabled %s', p_lane, p_pool, p_enabled),
            DETAIL = format('lane=%s pool=%s enabled=%s reason=%s', p_lane, p_pool, p_enabled, p_reason),
            HINT = 'Lanes: paper, live_canary, live_promoted; pools: CORE, AGGRESSIVE, TAIL_RISK; enabled true or false; give a reason.';
    END IF;
    PERFORM ops._lock_halts(true);  -- admissions read the policy under the halt lock: a change waits for them
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev FROM risk.lane_pool_setting s WHERE s.lane = p_lane AND s.pool = p_pool;
    INSERT INTO risk.lane_pool_setting (lane, pool, revision, enabled, reason, actor)
    VALUES (p_lane, p_pool, v_rev, p_enabled, p_reason, ops.actor());
    PERFORM ops._audit(0, 'set_lane_pool', p_lane || '/' || p_pool,
                       jsonb_build_object('enabled', p_enabled, 'revision', v_rev), p_reason);
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION api.set_lane_pool(text, text, boolean, text) IS 'Operator: enables or disables a capital pool in a lane (new revision of risk.lane_pool_setting; audited); entries of a disabled pool are refused pool_disabled. PD012 unknown lane or pool, no reason.';
