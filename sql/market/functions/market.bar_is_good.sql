-- market.bar_is_good(ts, open, high, low, close, volume, interval_secs, clock) -> boolean
-- The candle gates in one expression: finite aligned time, bar closed by the clock, positive finite
-- prices, non-negative finite volume, high the highest and low the lowest. Inlinable (no SET clause):
-- it runs once per row of every load.
CREATE OR REPLACE FUNCTION market.bar_is_good(
    p_ts timestamptz, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric,
    p_secs integer, p_clock timestamptz)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(isfinite(p_ts)
           AND extract(epoch FROM p_ts) % p_secs = 0
           AND p_ts + make_interval(secs => p_secs) <= p_clock
           AND p_open > 0 AND p_high > 0 AND p_low > 0 AND p_close > 0 AND p_volume >= 0
           AND p_high < 'Infinity' AND p_volume < 'Infinity'
           AND p_high >= p_open AND p_high >= p_close AND p_high >= p_low
           AND p_low <= p_open AND p_low <= p_close, false)
$$;

COMMENT ON FUNCTION market.bar_is_good(timestamptz, numeric, numeric, numeric, numeric, numeric, integer, timestamptz) IS 'Candle gates: finite aligned open time, closed by the clock, positive finite prices, finite non-negative volume, consistent high and low.';
