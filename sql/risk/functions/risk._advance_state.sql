-- risk._advance_state(p_book_id, p_hour) -> text (the state after)
-- At the end of api.close_hour: mirrors the halts in force (risk._sync_halt), then lifts what has cleared,
-- each by a recorded move:
--   reducing -> normal  when the daily stop's until (the next 00:00 UTC) has come and, for a book a paper
--                       breaker paused, breaker_clear_hours hours have closed since the breaker's last
--                       breach (a figure at or above breaker_clear_pct of its threshold: the hysteresis);
--                       breaker_clear_hours unset: only an operator lifts it (by a halt and a resume);
--   cooldown -> normal  when cooldown_hours have passed since the halt lifted.
-- A held reducing state (risk.state_current.hold: a paper drawdown_halt_tier) is never lifted here.
CREATE OR REPLACE FUNCTION risk._advance_state(p_book_id integer, p_hour timestamptz)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct  trading.account;
    v_cur   risk.state_current;
    v_clear numeric;
BEGIN
    PERFORM risk._sync_halt(p_book_id, p_hour);
    SELECT * INTO v_cur FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
    IF NOT FOUND THEN
        RETURN 'normal';
    END IF;
    IF v_cur.state = 'reducing' AND v_cur.hold IS NOT NULL THEN
        RETURN v_cur.state;  -- held (a paper drawdown_halt_tier): only an operator releases it (api.resume_reducing)
    ELSIF v_cur.state = 'reducing' AND (v_cur.until_ts IS NULL OR p_hour >= v_cur.until_ts) THEN
        IF v_cur.breaker IS NULL THEN
            RETURN risk._transition(p_book_id, 'normal', 'next_utc_day',
                format('daily stop lifted: a new UTC day began at %s', to_char(v_cur.until_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')),
                p_hour);
        END IF;
        SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
        v_clear := risk.cap(risk.current_limits(v_acct.risk_profile), 'breaker_clear_hours', '*', NULL);
        IF v_clear IS NOT NULL AND p_hour >= v_cur.last_breach + make_interval(hours => v_clear::integer) THEN
            RETURN risk._transition(p_book_id, 'normal', 'breaker_cleared',
                format('circuit breaker %s cleared: %s closed hours without a breach since %s', v_cur.breaker, v_clear,
                       to_char(v_cur.last_breach AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')),
                p_hour);
        END IF;
    ELSIF v_cur.state = 'cooldown' AND p_hour >= v_cur.until_ts THEN
        RETURN risk._transition(p_book_id, 'normal', 'cooldown_elapsed',
            format('cooldown ended at %s', to_char(v_cur.until_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')), p_hour);
    END IF;
    RETURN v_cur.state;
END
$$;

COMMENT ON FUNCTION risk._advance_state(integer, timestamptz) IS 'Internal: at an hour''s close, mirrors the halts into the book''s risk state and lifts a daily stop on the next UTC day, a paper breaker pause after breaker_clear_hours clean hours (hysteresis: breaker_clear_pct) and a cooldown when it ends, each by a recorded move.';
