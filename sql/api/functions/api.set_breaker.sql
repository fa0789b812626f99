-- api.set_breaker(p_lane, p_breaker, p_threshold, p_reason, p_account, p_window_hours, p_min_events, p_trip_scope)
--   -> integer (revision)
-- Operator. Sets a circuit-breaker threshold for a lane (p_account '*') or one account of it (a new
-- revision; NULL threshold disables). Unchanged settings keep their current values. Audited.
-- Issue 9: NaN or ±Infinity in a numeric argument: PD012 (first thing).
CREATE OR REPLACE FUNCTION api.set_breaker(p_lane text, p_breaker text, p_threshold numeric, p_reason text,
                                           p_account text DEFAULT '*', p_window_hours integer DEFAULT NULL,
                                           p_min_events integer DEFAULT NULL, p_trip_scope text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_cur risk.breaker_setting;
    v_rev integer;
BEGIN
    PERFORM ops._require_finite('api.set_breaker', ARRAY['p_threshold'], ARRAY[p_threshold]);
    IF NOT EXISTS (SELECT FROM risk.breaker_kind k WHERE k.breaker = p_breaker)
       OR p_lane NOT IN ('paper', 'live_canary', 'live_promoted') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown breaker %L or lane %L', p_breaker, p_lane),
            HINT = 'See risk.breaker_kind; lanes are paper, live_canary, live_promoted.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -3);
    SELECT * INTO v_cur FROM risk.breaker_setting s
     WHERE s.lane = p_lane AND s.account IN (p_account, '*') AND s.breaker = p_breaker
     ORDER BY (s.account = '*') = (p_account = '*') DESC, s.revision DESC LIMIT 1;
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev FROM risk.breaker_setting s
     WHERE s.lane = p_lane AND s.account = p_account AND s.breaker = p_breaker;
    PERFORM ops._audit(0, 'set_breaker', p_lane || '/' || p_account || '/' || p_breaker,
                       jsonb_build_object('threshold', p_threshold, 'window_hours', p_window_hours,
                                          'min_events', p_min_events, 'trip_scope', p_trip_scope), p_reason);
    BEGIN
        INSERT INTO risk.breaker_setting (lane, account, breaker, revision, threshold, window_hours, min_events, trip_scope, reason, actor)
        VALUES (p_lane, p_account, p_breaker, v_rev, p_threshold, coalesce(p_window_hours, v_cur.window_hours, 1),
                coalesce(p_min_events, v_cur.min_events, 1), coalesce(p_trip_scope, v_cur.trip_scope, 'account'), p_reason,
                ops.actor());
    EXCEPTION WHEN check_violation THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('breaker setting refused: %s', SQLERRM),
            HINT = 'threshold >= 0 (or NULL), window_hours > 0, min_events > 0, trip_scope global|lane|account.';
    END;
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION api.set_breaker(text, text, numeric, text, text, integer, integer, text) IS 'Operator: sets a circuit-breaker threshold for a lane or one account (new revision; NULL disables); audited.';
