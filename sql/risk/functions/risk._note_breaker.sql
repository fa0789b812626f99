-- risk._note_breaker(p_book_id, p_breaker, p_ts, p_value, p_threshold) -> void
-- Hysteresis of a paper breaker pause (risk._check_breaker, for every observed figure): while the book is
-- reducing because of this breaker, a figure above 0 and at or above breaker_clear_pct percent of the
-- threshold (100 when unset) is a breach, and the clean-hour count (breaker_clear_hours) starts again at p_ts.
CREATE OR REPLACE FUNCTION risk._note_breaker(p_book_id integer, p_breaker text, p_ts timestamptz, p_value numeric,
                                              p_threshold numeric)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_pct numeric;
BEGIN
    IF NOT EXISTS (SELECT FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book'
                      AND c.state = 'reducing' AND c.breaker = p_breaker) THEN
        RETURN;
    END IF;
    v_pct := coalesce(risk.cap(risk.current_limits((SELECT a.risk_profile FROM trading.account a WHERE a.book_id = p_book_id)),
                               'breaker_clear_pct', '*', 100), 100);
    IF p_value > 0 AND p_value >= p_threshold * v_pct / 100 THEN
        UPDATE risk.state_current c SET last_breach = greatest(c.last_breach, p_ts)
         WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
    END IF;
END
$$;

COMMENT ON FUNCTION risk._note_breaker(integer, text, timestamptz, numeric, numeric) IS 'Internal: restarts the clean-hour count of a paper breaker pause when its figure reaches breaker_clear_pct of the threshold (hysteresis).';
