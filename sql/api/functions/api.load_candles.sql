-- api.load_candles(p_venue, p_symbol, p_interval, p_source, p_clock, p_line_offset)
--   -> (load_id, read, loaded, duplicate, corrected, quarantined, first_ts, last_ts)
-- Worker. Gates the rows the caller staged in its session's temporary table candle_stage
-- (line_no bigint, raw text: one CSV line "ts,open,high,low,close,volume" per row, header removed, the
-- caller having granted SELECT on it to predator_owner) and files every row, in this transaction:
--   loaded       new bar, inserted (revision 0);
--   duplicate    identical to the stored bar, or to an earlier line of the same input: a no-op;
--   corrected    differs from the stored bar: inserted as the next revision, with the old and new
--                values in market.candle_correction (never an overwrite);
--   quarantined  refused, with reason codes, into market.candle_quarantine:
--                wrong_column_count bad_timestamp <field>_not_a_number misaligned_ts future_bar
--                non_positive_price negative_volume high_below_open_close low_above_open_close
--                conflicting_duplicate_in_file.
-- loaded + duplicate + corrected + quarantined = read, recorded in market.candle_load.
-- p_clock: the load's clock; a bar that had not closed by then (ts + interval > p_clock) is a future_bar.
-- p_line_offset: added to line_no to name file lines in the quarantine (1 when a header was removed).
-- PD011 unknown venue, PD012 unknown interval or malformed symbol.
CREATE OR REPLACE FUNCTION api.load_candles(
    p_venue text, p_symbol text, p_interval text, p_source text,
    p_clock timestamptz DEFAULT now(), p_line_offset integer DEFAULT 1)
RETURNS TABLE (load_id bigint, read bigint, loaded bigint, duplicate bigint, corrected bigint,
               quarantined bigint, first_ts timestamptz, last_ts timestamptz)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
    v_secs        integer := market.interval_seconds(p_interval);
    v_step        interval;
    v_load        bigint;
    v_read        bigint;
    v_good        bigint;
    v_loaded      bigint := 0;
    v_duplicate   bigint := 0;
    v_corrected   bigint := 0;
    v_quarantined bigint := 0;
    v_first       timestamptz;
    v_last        timestamptz;
BEGIN
    IF v_secs IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('candle load refused: unknown interval %L', p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    IF p_symbol !~ '^[A-Z0-9]{2,12}/[A-Z0-9]{2,12}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('candle load refused: %L is not a ccxt unified symbol', p_symbol),
            HINT = 'Use BASE/QUOTE, for example BTC/USDT.';
    END IF;
    IF NOT EXISTS (SELECT FROM market.venue v WHERE v.venue = p_venue) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('candle load refused: unknown venue %L', p_venue),
            HINT = 'See market.venue.';
    END IF;
    v_step := make_interval(secs => v_secs);
    v_load := nextval('market.candle_load_id_seq');

    CREATE TEMP TABLE IF NOT EXISTS _candle_parsed (
        line_no bigint, raw text, n integer, ts timestamptz, open numeric, high numeric, low numeric, close numeric,
        volume numeric, good boolean) ON COMMIT DROP;
    TRUNCATE _candle_parsed;

    -- Fast path: every field casts. Otherwise the guarded path names each unparseable field.
    BEGIN
        INSERT INTO _candle_parsed
        SELECT x.*, market.bar_is_good(x.ts, x.open, x.high, x.low, x.close, x.volume, v_secs, p_clock)
          FROM (SELECT s.line_no, s.raw, s.n,
                       CASE WHEN s.n = 6 THEN s.f[1]::timestamptz END AS ts,
                       CASE WHEN s.n = 6 THEN s.f[2]::numeric END AS open, CASE WHEN s.n = 6 THEN s.f[3]::numeric END AS high,
                       CASE WHEN s.n = 6 THEN s.f[4]::numeric END AS low, CASE WHEN s.n = 6 THEN s.f[5]::numeric END AS close,
                       CASE WHEN s.n = 6 THEN s.f[6]::numeric END AS volume
                  FROM (SELECT c.line_no, c.raw, f, cardinality(f) AS n
                          FROM pg_temp.candle_stage c, LATERAL string_to_array(rtrim(c.raw, E'\r'), ',') f) s) x;
    EXCEPTION WHEN data_exception THEN
        INSERT INTO _candle_parsed
        SELECT x.*, market.bar_is_good(x.ts, x.open, x.high, x.low, x.close, x.volume, v_secs, p_clock)
          FROM (SELECT s.line_no, s.raw, s.n,
               CASE WHEN s.n = 6 AND s.f[1] ~ '^[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-](0[0-9]|1[0-4]):?[0-5][0-9])?$'
                         AND substr(s.f[1], 9, 2)::int <= extract(day FROM make_date(substr(s.f[1], 1, 4)::int, substr(s.f[1], 6, 2)::int, 1) + interval '1 month - 1 day')
                    THEN s.f[1]::timestamptz END AS ts,
               CASE WHEN s.n = 6 AND s.f[2] ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?$' THEN s.f[2]::numeric END AS open,
               CASE WHEN s.n = 6 AND s.f[3] ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?$' THEN s.f[3]::numeric END AS high,
               CASE WHEN s.n = 6 AND s.f[4] ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?$' THEN s.f[4]::numeric END AS low,
               CASE WHEN s.n = 6 AND s.f[5] ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?$' THEN s.f[5]::numeric END AS close,
               CASE WHEN s.n = 6 AND s.f[6] ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?$' THEN s.f[6]::numeric END AS volume
          FROM (SELECT c.line_no, c.raw, f, cardinality(f) AS n
                  FROM pg_temp.candle_stage c, LATERAL string_to_array(rtrim(c.raw, E'\r'), ',') f) s) x;
    END;
    GET DIAGNOSTICS v_read = ROW_COUNT;

    -- Quarantine every row that fails a gate, with all its reasons.
    INSERT INTO market.candle_quarantine (load_id, line_no, venue, symbol, interval, ts, raw, raw_length, reasons)
    SELECT v_load, p.line_no + p_line_offset, p_venue, p_symbol, p_interval,
           CASE WHEN isfinite(p.ts) THEN p.ts END, left(p.raw, 1000), length(p.raw),
           coalesce(nullif(array_remove(ARRAY[
               CASE WHEN p.n <> 6 THEN 'wrong_column_count' END,
               CASE WHEN p.n = 6 AND NOT coalesce(isfinite(p.ts), false) THEN 'bad_timestamp' END,
               CASE WHEN p.n = 6 AND (p.open IS NULL OR p.open IN ('NaN', 'Infinity', '-Infinity')) THEN 'open_not_a_number' END,
               CASE WHEN p.n = 6 AND (p.high IS NULL OR p.high IN ('NaN', 'Infinity', '-Infinity')) THEN 'high_not_a_number' END,
               CASE WHEN p.n = 6 AND (p.low IS NULL OR p.low IN ('NaN', 'Infinity', '-Infinity')) THEN 'low_not_a_number' END,
               CASE WHEN p.n = 6 AND (p.close IS NULL OR p.close IN ('NaN', 'Infinity', '-Infinity')) THEN 'close_not_a_number' END,
               CASE WHEN p.n = 6 AND (p.volume IS NULL OR p.volume IN ('NaN', 'Infinity', '-Infinity')) THEN 'volume_not_a_number' END,
               CASE WHEN isfinite(p.ts) AND extract(epoch FROM p.ts) % v_secs <> 0 THEN 'misaligned_ts' END,
               CASE WHEN isfinite(p.ts) AND p.ts + v_step > p_clock THEN 'future_bar' END,
               CASE WHEN least(p.open, p.high, p.low, p.close) <= 0 THEN 'non_positive_price' END,
               CASE WHEN p.volume < 0 THEN 'negative_volume' END,
               CASE WHEN p.high < greatest(p.open, p.close) AND 'NaN' NOT IN (p.open, p.high, p.close) THEN 'high_below_open_close' END,
               CASE WHEN p.low > least(p.open, p.close) AND 'NaN' NOT IN (p.open, p.low, p.close) THEN 'low_above_open_close' END
           ], NULL), '{}'), ARRAY['invalid_row'])
      FROM _candle_parsed p
     WHERE NOT p.good;
    GET DIAGNOSTICS v_quarantined = ROW_COUNT;
    v_good := v_read - v_quarantined;

    SELECT min(p.ts), max(p.ts) INTO v_first, v_last FROM _candle_parsed p WHERE p.good;
    IF v_good > 0 THEN
        PERFORM market.ensure_partitions(v_first, v_last);
    END IF;

    -- Fast path: nothing stored overlaps and no time repeats, so every good row is new.
    BEGIN
        INSERT INTO market.candle (venue, symbol, interval, ts, revision, open, high, low, close, volume, load_id)
        SELECT p_venue, p_symbol, p_interval, p.ts, 0, p.open, p.high, p.low, p.close, p.volume, v_load
          FROM _candle_parsed p
         WHERE p.good
        ON CONFLICT ON CONSTRAINT candle_pk DO NOTHING;
        GET DIAGNOSTICS v_loaded = ROW_COUNT;
        IF v_loaded <> v_good THEN
            RAISE EXCEPTION USING ERRCODE = 'PD099', MESSAGE = 'overlap: classify row by row';
        END IF;
    EXCEPTION WHEN SQLSTATE 'PD099' THEN
        -- Overlap with stored bars or repeated times within the input: classify every good row.
        CREATE TEMP TABLE IF NOT EXISTS _candle_classified (
            line_no bigint, raw text, ts timestamptz, open numeric, high numeric, low numeric, close numeric,
            volume numeric, class text, stored_revision smallint, old_values jsonb) ON COMMIT DROP;
        TRUNCATE _candle_classified;
        INSERT INTO _candle_classified
        SELECT g.line_no, g.raw, g.ts, g.open, g.high, g.low, g.close, g.volume,
               CASE WHEN g.rn > 1 AND (g.open, g.high, g.low, g.close, g.volume) = (g.f_open, g.f_high, g.f_low, g.f_close, g.f_volume)
                        THEN 'duplicate'
                    WHEN g.rn > 1 THEN 'conflict'
                    WHEN st.ts IS NULL THEN 'new'
                    WHEN (g.open, g.high, g.low, g.close, g.volume) = (st.open, st.high, st.low, st.close, st.volume) THEN 'duplicate'
                    ELSE 'correction' END,
               st.revision,
               CASE WHEN st.ts IS NOT NULL THEN jsonb_build_object('open', st.open, 'high', st.high, 'low', st.low,
                                                                   'close', st.close, 'volume', st.volume) END
          FROM (SELECT p.*, row_number() OVER w AS rn,
                       first_value(p.open) OVER w AS f_open, first_value(p.high) OVER w AS f_high,
                       first_value(p.low) OVER w AS f_low, first_value(p.close) OVER w AS f_close,
                       first_value(p.volume) OVER w AS f_volume
                  FROM _candle_parsed p
                 WHERE p.good
                WINDOW w AS (PARTITION BY p.ts ORDER BY p.line_no)) g
          LEFT JOIN LATERAL (SELECT c.ts, c.revision, c.open, c.high, c.low, c.close, c.volume
                               FROM market.candle c
                              WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = p_interval AND c.ts = g.ts
                              ORDER BY c.revision DESC LIMIT 1) st ON true;

        INSERT INTO market.candle (venue, symbol, interval, ts, revision, open, high, low, close, volume, load_id)
        SELECT p_venue, p_symbol, p_interval, k.ts, coalesce(k.stored_revision + 1, 0), k.open, k.high, k.low, k.close, k.volume, v_load
          FROM _candle_classified k WHERE k.class IN ('new', 'correction');
        INSERT INTO market.candle_correction (venue, symbol, interval, ts, from_revision, to_revision, old_values, new_values, load_id, source)
        SELECT p_venue, p_symbol, p_interval, k.ts, k.stored_revision, k.stored_revision + 1, k.old_values,
               jsonb_build_object('open', k.open, 'high', k.high, 'low', k.low, 'close', k.close, 'volume', k.volume), v_load, p_source
          FROM _candle_classified k WHERE k.class = 'correction';
        INSERT INTO market.candle_quarantine (load_id, line_no, venue, symbol, interval, ts, raw, raw_length, reasons)
        SELECT v_load, k.line_no + p_line_offset, p_venue, p_symbol, p_interval, k.ts, left(k.raw, 1000), length(k.raw),
               ARRAY['conflicting_duplicate_in_file']
          FROM _candle_classified k WHERE k.class = 'conflict';
        SELECT count(*) FILTER (WHERE k.class = 'new'), count(*) FILTER (WHERE k.class = 'duplicate'),
               count(*) FILTER (WHERE k.class = 'correction'), v_quarantined + count(*) FILTER (WHERE k.class = 'conflict')
          INTO v_loaded, v_duplicate, v_corrected, v_quarantined
          FROM _candle_classified k;
    END;

    INSERT INTO market.candle_load (load_id, venue, symbol, interval, source, clock, read, loaded, duplicate,
                                    corrected, quarantined, first_ts, last_ts)
    VALUES (v_load, p_venue, p_symbol, p_interval, p_source, p_clock, v_read, v_loaded, v_duplicate,
            v_corrected, v_quarantined, v_first, v_last);
    RETURN QUERY SELECT v_load, v_read, v_loaded, v_duplicate, v_corrected, v_quarantined, v_first, v_last;
END
$$;

COMMENT ON FUNCTION api.load_candles(text, text, text, text, timestamptz, integer) IS
'Worker: gates the CSV lines staged in the session''s temp table candle_stage and files every row as loaded, duplicate, corrected (new revision with evidence) or quarantined (reason codes); loaded + duplicate + corrected + quarantined = read. PD011 unknown venue, PD012 unknown interval or symbol.';
