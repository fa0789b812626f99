-- market.tg_candle_load__clock() -> trigger (BEFORE INSERT on market.candle_load, _100_clock)
-- A candle load's clock is the business time it gates future bars against (a bar that had not closed by
-- the clock is quarantined as future_bar). The clock itself must be finite and no later than the wall
-- clock plus max_clock_skew_seconds, or a load could admit bars from the future: PD015
-- (ops._require_business_time), which aborts the whole load. One row per load, so the cost is one check.
CREATE OR REPLACE FUNCTION market.tg_candle_load__clock()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM ops._require_business_time('api.load_candles', ARRAY['p_clock'], ARRAY[NEW.clock]);
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION market.tg_candle_load__clock() IS 'Trigger: refuses a candle load whose clock is infinite or later than the wall clock plus max_clock_skew_seconds (PD015), so no load admits bars from the future.';
