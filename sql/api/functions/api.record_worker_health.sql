-- api.record_worker_health(p_account, p_ts, p_rss_kb, p_pid, p_detail) -> boolean (the breaker tripped now)
-- Worker. Records what the worker observed about its own process at the close of business hour p_ts (its
-- resident memory p_rss_kb in kB, its pid, free-form detail) in ops.worker_health, then evaluates the
-- worker_rss_mb circuit breaker on p_rss_kb / 1024: at or above the threshold (risk.breaker_setting, set by an
-- operator with api.set_breaker, audited; shipped 4096 MB) it trips like every breaker (risk._check_breaker ->
-- risk._trip): a paper book moves to reducing (new entries refused risk_reducing, exits admitted) with a
-- severity-2 infrastructure incident and a risk.breaker_trip row, and returns to normal after
-- breaker_clear_hours closed hours whose reports stayed below breaker_clear_pct of the threshold; a live lane
-- halts globally. The worker only reports; the database decides.
-- PD012: a NULL, negative or oversized (> 2^40 kB) RSS, a pid <= 0. Issue 9: a business time that is infinite or
-- later than the wall clock plus max_clock_skew_seconds: PD015.
CREATE OR REPLACE FUNCTION api.record_worker_health(p_account text, p_ts timestamptz, p_rss_kb bigint,
                                                    p_pid integer DEFAULT NULL, p_detail jsonb DEFAULT '{}')
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct trading.account;
    v_seq  bigint;
    v_mb   numeric;
BEGIN
    PERFORM ops._require_business_time('api.record_worker_health', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_ts IS NULL OR p_rss_kb IS NULL OR p_rss_kb < 0 OR p_rss_kb > 1099511627776 OR p_pid <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'worker health refused: the resident memory must be a count of kB >= 0 at a business time',
            DETAIL = format('ts=%s rss_kb=%s pid=%s', p_ts, p_rss_kb, p_pid),
            HINT = 'Report the worker process''s VmRSS in kB (and its pid, > 0) at the hour it closed.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT coalesce(max(h.seq), 0) + 1 INTO v_seq FROM ops.worker_health h WHERE h.book_id = v_acct.book_id;
    INSERT INTO ops.worker_health (book_id, seq, ts, rss_kb, pid, detail)
    VALUES (v_acct.book_id, v_seq, p_ts, p_rss_kb, p_pid, coalesce(p_detail, '{}'));
    v_mb := round(p_rss_kb / 1024.0, 3);
    RETURN risk._check_breaker(v_acct.book_id, 'worker_rss_mb', p_ts, v_mb, 1,
                               jsonb_build_object('rss_kb', p_rss_kb, 'rss_mb', v_mb, 'pid', p_pid,
                                                  'detail', coalesce(p_detail, '{}')));
END
$$;

COMMENT ON FUNCTION api.record_worker_health(text, timestamptz, bigint, integer, jsonb) IS 'Worker: records the worker process''s resident memory (kB) at an hour''s close and trips the worker_rss_mb breaker (paper: entries paused with an infrastructure incident; live lanes: global halt) when it reaches the threshold set with api.set_breaker. PD012 a negative or NULL RSS, a pid <= 0; PD015 a business time in the future.';
