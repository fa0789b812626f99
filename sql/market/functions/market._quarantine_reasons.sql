-- market._quarantine_reasons(n, ts, open, high, low, close, volume, step, latest_open) -> text[]
-- Internal (api.load_candles' guarded path). Every reason code that applies to a staged line that the
-- gates refused, from its field count n and its parsed fields (NULL where a field did not parse):
--   wrong_column_count bad_timestamp open_not_a_number high_not_a_number low_not_a_number close_not_a_number
--   volume_not_a_number misaligned_ts ts_out_of_range future_bar non_positive_price negative_volume
--   high_below_open_close low_above_open_close; {invalid_row} when none of them names the fault.
-- ts_out_of_range: before 2009-01-03 (no crypto market existed); future_bar: ts > latest_open (the load's
-- clock minus one interval). Inlinable (LANGUAGE sql, IMMUTABLE, no SET clause).
CREATE OR REPLACE FUNCTION market._quarantine_reasons(
    p_n integer, p_ts timestamptz, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric,
    p_step interval, p_latest_open timestamptz)
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(nullif(pg_catalog.array_remove(ARRAY[
               CASE WHEN p_n <> 6 THEN 'wrong_column_count' END,
               CASE WHEN p_n = 6 AND NOT coalesce(pg_catalog.isfinite(p_ts), false) THEN 'bad_timestamp' END,
               CASE WHEN p_n = 6 AND (p_open IS NULL OR p_open IN ('NaN', 'Infinity', '-Infinity')) THEN 'open_not_a_number' END,
               CASE WHEN p_n = 6 AND (p_high IS NULL OR p_high IN ('NaN', 'Infinity', '-Infinity')) THEN 'high_not_a_number' END,
               CASE WHEN p_n = 6 AND (p_low IS NULL OR p_low IN ('NaN', 'Infinity', '-Infinity')) THEN 'low_not_a_number' END,
               CASE WHEN p_n = 6 AND (p_close IS NULL OR p_close IN ('NaN', 'Infinity', '-Infinity')) THEN 'close_not_a_number' END,
               CASE WHEN p_n = 6 AND (p_volume IS NULL OR p_volume IN ('NaN', 'Infinity', '-Infinity')) THEN 'volume_not_a_number' END,
               CASE WHEN pg_catalog.isfinite(p_ts)
                         AND pg_catalog.date_bin(p_step, p_ts, timestamptz '1970-01-01 00:00:00+00') <> p_ts THEN 'misaligned_ts' END,
               CASE WHEN pg_catalog.isfinite(p_ts) AND p_ts < timestamptz '2009-01-03 00:00:00+00' THEN 'ts_out_of_range' END,
               CASE WHEN pg_catalog.isfinite(p_ts) AND p_ts > p_latest_open THEN 'future_bar' END,
               CASE WHEN least(p_open, p_high, p_low, p_close) <= 0 THEN 'non_positive_price' END,
               CASE WHEN p_volume < 0 THEN 'negative_volume' END,
               CASE WHEN p_high < greatest(p_open, p_close) AND 'NaN' NOT IN (p_open, p_high, p_close) THEN 'high_below_open_close' END,
               CASE WHEN p_low > least(p_open, p_close) AND 'NaN' NOT IN (p_open, p_low, p_close) THEN 'low_above_open_close' END
           ], NULL), '{}'), ARRAY['invalid_row'])
$$;

COMMENT ON FUNCTION market._quarantine_reasons(integer, timestamptz, numeric, numeric, numeric, numeric, numeric, interval, timestamptz) IS 'Internal: the reason codes of a candle line the gates refused (api.load_candles), {invalid_row} when none applies.';
