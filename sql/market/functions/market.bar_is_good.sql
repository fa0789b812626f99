-- market.bar_is_good(ts, open, high, low, close, volume, step, latest_open) -> boolean
-- The candle gates in one expression (every reason code of api.load_candles but the column count):
-- finite open time, aligned to the interval (date_bin from the Unix epoch), not before 2009-01-03 (no
-- crypto market existed), closed by the load's clock (ts <= latest_open = clock - step), positive finite
-- prices, finite non-negative volume, high the highest and low the lowest of open, high, low, close.
-- NULL anywhere (an unparseable field) is not good.
-- Inlinable (LANGUAGE sql, IMMUTABLE body, no SET clause, not STRICT): it runs once per row of every load,
-- so callers pass already-computed columns (a subquery with OFFSET 0), never expressions.
-- The earlier signature (interval seconds and clock) is gone.
DROP FUNCTION IF EXISTS market.bar_is_good(timestamptz, numeric, numeric, numeric, numeric, numeric, integer, timestamptz);

CREATE OR REPLACE FUNCTION market.bar_is_good(
    p_ts timestamptz, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric,
    p_step interval, p_latest_open timestamptz)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(isfinite(p_ts)
           AND pg_catalog.date_bin(p_step, p_ts, timestamptz '1970-01-01 00:00:00+00') = p_ts
           AND p_ts >= timestamptz '2009-01-03 00:00:00+00'
           AND p_ts <= p_latest_open
           AND p_open > 0 AND p_high > 0 AND p_low > 0 AND p_close > 0 AND p_volume >= 0
           AND p_high < 'Infinity'::numeric AND p_volume < 'Infinity'::numeric
           AND p_high >= p_open AND p_high >= p_close AND p_high >= p_low
           AND p_low <= p_open AND p_low <= p_close, false)
$$;

COMMENT ON FUNCTION market.bar_is_good(timestamptz, numeric, numeric, numeric, numeric, numeric, interval, timestamptz) IS
'Candle gates in one inlinable expression: finite open time aligned to the interval, not before 2009-01-03, closed by the clock (ts <= latest_open), positive finite prices, finite non-negative volume, consistent high and low.';
