-- risk._breaker_pause(p_book_id, p_breaker, p_ts, p_value, p_threshold, p_figures) -> boolean (acted now)
-- A circuit breaker of account scope tripped on a paper book (risk._trip): instead of an account halt, the
-- trip is recorded (risk.breaker_trip, trip_scope reducing) with an incident (severity 2), and the book moves
-- to reducing with cause breaker:<name> (entries refused risk_reducing, exits admitted). It returns to normal
-- after breaker_clear_hours closed hours without a breach (risk._advance_state, risk._note_breaker). Does
-- nothing and returns false when the book is halted or a breaker already paused it.
CREATE OR REPLACE FUNCTION risk._breaker_pause(p_book_id integer, p_breaker text, p_ts timestamptz, p_value numeric,
                                               p_threshold numeric, p_figures jsonb)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct     trading.account;
    v_cur      risk.state_current;
    v_incident bigint;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_cur FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
    IF v_cur.state = 'halted' OR (v_cur.state = 'reducing' AND v_cur.breaker IS NOT NULL) THEN
        RETURN false;
    END IF;
    v_incident := ops._open_incident(p_book_id, 2,
        CASE p_breaker WHEN 'api_error_rate' THEN 'infrastructure' WHEN 'connectivity_loss' THEN 'infrastructure'
                       WHEN 'venue_fatal_error' THEN 'infrastructure' WHEN 'worker_rss_mb' THEN 'infrastructure'
                       WHEN 'stale_data_hours' THEN 'data'
        WHEN 'flat_feed_hours' THEN 'data' WHEN 'bar_outlier_pct' THEN 'data'
                       WHEN 'orders_per_hour' THEN 'model' ELSE 'execution' END,
        'account:' || v_acct.name,
        format('circuit breaker %s tripped on %s', p_breaker, v_acct.name),
        format('%s = %s reached the threshold %s; paper book %s reduces (entries paused) until the breaker clears',
               p_breaker, round(p_value, 8), p_threshold, v_acct.name),
        jsonb_build_object('breaker', p_breaker, 'figures', p_figures, 'hours', jsonb_build_array(p_ts)), p_ts, 'system');
    INSERT INTO risk.breaker_trip (book_id, breaker, ts, value, threshold, trip_scope, figures, incident_seq)
    VALUES (p_book_id, p_breaker, p_ts, p_value, p_threshold, 'reducing', p_figures, v_incident);
    PERFORM risk._transition(p_book_id, 'reducing', 'breaker:' || p_breaker,
        format('circuit breaker %s: %s reached %s (incident %s of account %s); entries paused until it clears',
               p_breaker, round(p_value, 8), p_threshold, v_incident, v_acct.name), p_ts);
    RETURN true;
END
$$;

COMMENT ON FUNCTION risk._breaker_pause(integer, text, timestamptz, numeric, numeric, jsonb) IS 'Internal: a paper book''s account-scope breaker trip: records the trip and an incident and moves the book to reducing (entries paused) until the breaker clears; false when halted or already paused by a breaker.';
