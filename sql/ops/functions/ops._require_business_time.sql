-- ops._require_business_time(p_routine, p_names, p_values, p_bounded) -> void
-- The business-time door of every api routine that records something at a business time: each of
-- p_values must be finite ('infinity' and '-infinity' are refused), and unless p_bounded is false, no later
-- than the wall clock (clock_timestamp()) plus the operator's max_clock_skew_seconds (ops.clock_skew()).
-- NULLs pass (the routine's own checks decide about them). Raises PD015, naming the routine and argument.
-- p_bounded false is for deadlines (a signal's expiry), which lie ahead of the clock by design.
CREATE OR REPLACE FUNCTION ops._require_business_time(p_routine text, p_names text[], p_values timestamptz[],
                                                      p_bounded boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v       timestamptz;
    i       integer := 0;
    v_skew  interval;
    v_limit timestamptz;
BEGIN
    -- Every element whatever the array's subscripts ('[0:1]={…}' starts at 0); the k-th name is the k-th element's.
    FOREACH v IN ARRAY coalesce(p_values, '{}') LOOP
        i := i + 1;
        CONTINUE WHEN v IS NULL;
        IF NOT isfinite(v) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD015',
                MESSAGE = format('%s refused: %s is not a finite time', p_routine, p_names[i]),
                DETAIL = format('argument=%s value=%s', p_names[i], v),
                HINT = 'Pass the business time of the event (the venue''s or the simulated clock); infinity is never a time.';
        END IF;
        CONTINUE WHEN NOT p_bounded;
        -- At or before the wall clock: within any skew (max_clock_skew_seconds is 0..3600, a CHECK of
        -- ops.setting), so the setting is not read (a replayed or simulated hour, years in the past, is every call).
        CONTINUE WHEN v <= clock_timestamp();
        IF v_skew IS NULL THEN
            v_skew := ops.clock_skew();
            v_limit := clock_timestamp() + v_skew;
        END IF;
        IF v > v_limit THEN
            RAISE EXCEPTION USING ERRCODE = 'PD015',
                MESSAGE = format('%s refused: %s %s is later than the wall clock plus the allowed skew',
                                 p_routine, p_names[i], v),
                DETAIL = format('argument=%s value=%s wall_clock=%s max_clock_skew=%s', p_names[i], v,
                                v_limit - v_skew, v_skew),
                HINT = 'Business time never runs ahead of the wall clock: check the worker''s clock or the venue timestamp; an operator may widen max_clock_skew_seconds with api.set_setting.';
        END IF;
    END LOOP;
END
$$;

COMMENT ON FUNCTION ops._require_business_time(text, text[], timestamptz[], boolean) IS 'Refuses an infinite business time, or (p_bounded) one later than the wall clock plus max_clock_skew_seconds, with PD015 (argument named in DETAIL); NULLs pass.';
