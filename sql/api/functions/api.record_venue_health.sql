-- api.record_venue_health(p_account, p_ts, p_calls, p_errors, p_connected, p_detail) -> boolean (a breaker tripped)
-- Worker. Records the venue API calls and failures the worker observed since its last report, and
-- whether the venue was reachable, then evaluates two circuit breakers:
--   api_error_rate     Σ errors / Σ calls over the breaker's window (with at least min_events calls);
--   connectivity_loss  consecutive reports without connectivity (this one included);
--   venue_fatal_error  venue errors the worker classified as halt (p_detail->'fatal_errors': a key refused
--                      or stripped of its rights, a locked account, a banned address, an error no rule
--                      classifies); the shipped threshold 1 halts globally on the first.
-- Issue 9: a business time that is infinite or later than the wall clock plus max_clock_skew_seconds: PD015.
CREATE OR REPLACE FUNCTION api.record_venue_health(p_account text, p_ts timestamptz, p_calls integer, p_errors integer,
                                                   p_connected boolean, p_detail jsonb DEFAULT '{}')
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan  -- plans built once per session, not per hour (docs/performance.md "Plans and statistics")
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct    trading.account;
    v_calls   bigint;
    v_errors  bigint;
    v_down    bigint;
    v_tripped boolean := false;
    v_since   timestamptz;
    v_fatal   integer := 0;
BEGIN
    PERFORM ops._require_business_time('api.record_venue_health', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_ts IS NULL OR p_calls IS NULL OR p_errors IS NULL OR p_connected IS NULL OR p_calls < 0 OR p_errors < 0
       OR p_errors > p_calls THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'venue health refused: calls and errors must be 0 <= errors <= calls',
            DETAIL = format('calls=%s errors=%s connected=%s', p_calls, p_errors, p_connected),
            HINT = 'Report the counts observed since the last report, with the business time.';
    END IF;
    IF jsonb_typeof(p_detail -> 'fatal_errors') = 'number' THEN
        v_fatal := (p_detail ->> 'fatal_errors')::numeric::integer;
    END IF;
    IF (p_detail ? 'fatal_errors' AND jsonb_typeof(p_detail -> 'fatal_errors') <> 'number') OR v_fatal < 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'venue health refused: fatal_errors must be a non-negative count',
            DETAIL = format('fatal_errors=%s', p_detail -> 'fatal_errors'),
            HINT = 'Report how many venue errors classified as halt the worker saw since its last report.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    INSERT INTO ops.venue_health (book_id, ts, calls, errors, connected, detail)
    VALUES (v_acct.book_id, p_ts, p_calls, p_errors, p_connected, coalesce(p_detail, '{}'));

    v_since := p_ts - risk._window_hours(v_acct.book_id, 'api_error_rate');
    SELECT coalesce(sum(h.calls), 0), coalesce(sum(h.errors), 0) INTO v_calls, v_errors
      FROM ops.venue_health h
     WHERE h.book_id = v_acct.book_id AND h.ts > v_since AND h.ts <= p_ts;
    v_tripped := risk._check_breaker(v_acct.book_id, 'api_error_rate', p_ts, v_errors::numeric / greatest(v_calls, 1),
                                     v_calls, jsonb_build_object('calls', v_calls, 'errors', v_errors, 'detail', p_detail));
    IF NOT p_connected THEN
        SELECT count(*) INTO v_down
          FROM ops.venue_health h
         WHERE h.book_id = v_acct.book_id
           AND h.seq > coalesce((SELECT max(u.seq) FROM ops.venue_health u WHERE u.book_id = v_acct.book_id AND u.connected), 0);
        v_tripped := risk._check_breaker(v_acct.book_id, 'connectivity_loss', p_ts, v_down, 1,
                                         jsonb_build_object('consecutive_disconnected', v_down, 'detail', p_detail))
                     OR v_tripped;
    END IF;
    IF v_fatal > 0 THEN
        v_tripped := risk._check_breaker(v_acct.book_id, 'venue_fatal_error', p_ts, v_fatal, v_fatal,
                                         jsonb_build_object('fatal_errors', v_fatal, 'detail', p_detail))
                     OR v_tripped;
    END IF;
    RETURN v_tripped;
END
$$;

COMMENT ON FUNCTION api.record_venue_health(text, timestamptz, integer, integer, boolean, jsonb) IS 'Worker: records venue API calls, errors and connectivity, and the venue errors classified as halt (p_detail fatal_errors); trips the api_error_rate, connectivity_loss and venue_fatal_error breakers (halt, incident) at their thresholds. PD012 a negative or non-numeric fatal_errors.';
