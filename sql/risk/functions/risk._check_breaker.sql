-- risk._check_breaker(p_book_id, p_breaker, p_ts, p_value, p_events, p_figures) -> boolean (tripped now)
-- Compares an observed figure with the account's breaker setting: trips (risk._trip) when the threshold is
-- set, at least min_events observations back the figure, and value >= threshold (value > threshold for
-- reconciliation_desync, whose threshold is the number of tolerated unclean comparisons).
CREATE OR REPLACE FUNCTION risk._check_breaker(p_book_id integer, p_breaker text, p_ts timestamptz, p_value numeric,
                                               p_events bigint, p_figures jsonb)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct trading.account;
    v_set  record;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_set FROM risk._breaker(v_acct.lane, v_acct.name, p_breaker);
    IF NOT FOUND OR v_set.threshold IS NULL OR p_value IS NULL OR p_events < v_set.min_events THEN
        RETURN false;
    END IF;
    PERFORM risk._note_breaker(p_book_id, p_breaker, p_ts, p_value, v_set.threshold);
    IF (p_breaker = 'reconciliation_desync' AND p_value > v_set.threshold)
       OR (p_breaker <> 'reconciliation_desync' AND p_value >= v_set.threshold) THEN
        RETURN risk._trip(p_book_id, p_breaker, p_ts, p_value, v_set.threshold, v_set.trip_scope,
                          p_figures || jsonb_build_object('value', p_value, 'events', p_events,
                                                          'threshold', v_set.threshold, 'window_hours', v_set.window_hours));
    END IF;
    RETURN false;
END
$$;

COMMENT ON FUNCTION risk._check_breaker(integer, text, timestamptz, numeric, bigint, jsonb) IS 'Internal: trips a circuit breaker when an observed figure reaches the account''s threshold (with enough observations).';
