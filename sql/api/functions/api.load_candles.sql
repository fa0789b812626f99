-- api.load_candles(p_venue, p_symbol, p_interval, p_source, p_clock, p_line_offset)
--   -> (load_id, read, loaded, duplicate, corrected, quarantined, first_ts, last_ts)
-- Worker. Gates the rows the caller staged in its session's temporary table candle_stage
-- (line_no bigint GENERATED ALWAYS AS IDENTITY, raw text: one CSV line "ts,open,high,low,close,volume"
-- per row, header removed, the caller having granted SELECT on it to predator_owner) and files every row,
-- in this transaction:
--   loaded       new bar, inserted (revision 0);
--   duplicate    identical (numerically) to the stored bar, or to an earlier line of the same input: a no-op;
--   corrected    differs from the stored bar: inserted as the next revision, with the old and new
--                values in market.candle_correction (never an overwrite);
--   quarantined  refused, with every reason code that applies, into market.candle_quarantine:
--                wrong_column_count bad_timestamp open_not_a_number high_not_a_number low_not_a_number
--                close_not_a_number volume_not_a_number misaligned_ts ts_out_of_range future_bar
--                non_positive_price negative_volume high_below_open_close low_above_open_close
--                conflicting_duplicate_in_file (invalid_row if none of these names the fault).
-- loaded + duplicate + corrected + quarantined = read, recorded in market.candle_load.
--   p_clock        the load's clock: a bar that had not closed by then (ts + interval > p_clock) is a future_bar.
--   p_line_offset  added to line_no to name file lines in the quarantine (1 when a header was removed).
-- Timestamps: ts is the bar's open time; "YYYY-MM-DDTHH:MM:SSZ" is the canonical form, other ISO-8601
-- date-times ("YYYY-MM-DD HH:MM[:SS[.ffffff]]" with an optional Z or +-hh[:mm] offset; none = UTC) are
-- accepted; words such as 'epoch', 'today' or 'infinity' are bad_timestamp. ts_out_of_range: before
-- 2009-01-03 (no crypto market existed). Numbers: whatever numeric input accepts; NaN and infinities are
-- <field>_not_a_number.
-- Paths: the fast path (every line canonical with six fields, no time stored or repeated) parses each
-- line once and inserts straight into market.candle; anything else (a time already stored, repeated times,
-- fields that do not parse) takes the guarded path, which parses without ever raising and classifies row
-- by row. Both paths call market.bar_is_good, so a row is good or bad the same way in both.
-- Loads of one feed are serialised (advisory lock); missing monthly partitions are created on the way.
-- PD011 unknown venue; PD012 unknown interval, malformed symbol, empty source, bad clock, nothing staged.
-- XX000 (a bug, nothing kept) if the fast path stored rows the guarded parse does not find good.
-- Tables: market.candle (+ partitions), market.candle_load, market.candle_quarantine, market.candle_correction.
CREATE OR REPLACE FUNCTION api.load_candles(
    p_venue text, p_symbol text, p_interval text, p_source text,
    p_clock timestamptz DEFAULT now(), p_line_offset integer DEFAULT 1)
RETURNS TABLE (load_id bigint, read bigint, loaded bigint, duplicate bigint, corrected bigint,
               quarantined bigint, first_ts timestamptz, last_ts timestamptz)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
AS $$
DECLARE
    c_genesis     CONSTANT timestamptz := timestamptz '2009-01-03 00:00:00+00';
    v_secs        integer := market.interval_seconds(p_interval);
    v_step        interval;
    v_latest      timestamptz;
    v_load        bigint;
    v_read        bigint;
    v_attempt     integer;
    v_fast        boolean := false;
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
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    IF p_symbol IS NULL OR p_symbol !~ '^[A-Z0-9]{2,12}/[A-Z0-9]{2,12}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('candle load refused: %L is not a ccxt unified symbol', p_symbol),
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'Use BASE/QUOTE, for example BTC/USDT.';
    END IF;
    IF p_source IS NULL OR btrim(p_source) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'candle load refused: no source given',
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'Name where the rows come from (a file name, ccxt:<venue>), so corrections carry evidence.';
    END IF;
    IF p_clock IS NULL OR NOT isfinite(p_clock) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'candle load refused: the clock must be a finite time',
            DETAIL = format('clock=%s', p_clock),
            HINT = 'Pass the load''s business time (the venue''s or the simulated clock).';
    END IF;
    IF NOT EXISTS (SELECT FROM market.venue v WHERE v.venue = p_venue) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('candle load refused: unknown venue %L', p_venue),
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'See market.venue.';
    END IF;
    IF to_regclass('pg_temp.candle_stage') IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'candle load refused: nothing staged (no temporary table candle_stage in this session)',
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'CREATE TEMP TABLE candle_stage (line_no bigint GENERATED ALWAYS AS IDENTITY, raw text), COPY the lines into it, GRANT SELECT ON it TO predator_owner (predator.marketdata.loader does this).';
    END IF;

    -- One load of a feed at a time: classification and revisions must see each other's rows.
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731650, pg_catalog.hashtext(p_venue || '|' || p_symbol || '|' || p_interval));
    v_step := make_interval(secs => v_secs);
    v_latest := p_clock - v_step;
    v_load := nextval('market.candle_load_id_seq');

    SELECT count(*) INTO v_read FROM pg_temp.candle_stage;

    -- Fast path: every line canonical (open time "YYYY-MM-DDTHH:MM:SSZ" first, exactly six fields), parsed
    -- once, gated, inserted. A line that is not canonical or does not parse raises a cast error, and a time
    -- already stored or repeated raises a unique violation: the block's work is rolled back and the guarded
    -- path decides. A missing partition (a check violation) is created and the insert tried once more.
    IF v_read > 0 THEN
        FOR v_attempt IN 1 .. 2 LOOP
            BEGIN
                WITH ins AS (
                    INSERT INTO market.candle (venue, symbol, interval, ts, revision, open, high, low, close, volume, load_id)
                    SELECT p_venue, p_symbol, p_interval, p.ts, 0, p.open, p.high, p.low, p.close, p.volume, v_load
                      FROM (SELECT (CASE WHEN s.raw LIKE '____-__-__T__:__:__Z,%' THEN left(s.raw, 20) ELSE 'not canonical' END)::timestamptz AS ts,
                                   split_part(s.raw, ',', 2)::numeric AS open, split_part(s.raw, ',', 3)::numeric AS high,
                                   split_part(s.raw, ',', 4)::numeric AS low, split_part(s.raw, ',', 5)::numeric AS close,
                                   (CASE WHEN octet_length(s.raw) - octet_length(replace(s.raw, ',', '')) = 5
                                         THEN split_part(s.raw, ',', 6) ELSE 'not six fields' END)::numeric AS volume
                              FROM pg_temp.candle_stage s
                            OFFSET 0) p  -- a fence: each field is parsed once, not once per gate that reads it
                     WHERE market.bar_is_good(p.ts, p.open, p.high, p.low, p.close, p.volume, v_step, v_latest)
                    RETURNING ts)
                SELECT count(*), min(ins.ts), max(ins.ts) INTO v_loaded, v_first, v_last FROM ins;
                v_fast := true;
                EXIT;
            EXCEPTION
                WHEN check_violation THEN
                    -- "no partition of relation candle found for row": create the months the good rows span.
                    EXIT WHEN v_attempt = 2;
                    BEGIN
                        SELECT min(p.ts), max(p.ts) INTO v_first, v_last
                          FROM (SELECT left(s.raw, 20)::timestamptz AS ts,
                                       split_part(s.raw, ',', 2)::numeric AS open, split_part(s.raw, ',', 3)::numeric AS high,
                                       split_part(s.raw, ',', 4)::numeric AS low, split_part(s.raw, ',', 5)::numeric AS close,
                                       split_part(s.raw, ',', 6)::numeric AS volume
                                  FROM pg_temp.candle_stage s
                                OFFSET 0) p
                         WHERE market.bar_is_good(p.ts, p.open, p.high, p.low, p.close, p.volume, v_step, v_latest);
                    EXCEPTION WHEN data_exception THEN
                        EXIT;  -- the insert would fail on the same field: the guarded path decides
                    END;
                    IF v_first IS NOT NULL THEN
                        PERFORM market.ensure_partitions(v_first, v_last);
                    END IF;
                WHEN data_exception OR unique_violation THEN
                    EXIT;
            END;
        END LOOP;
        IF NOT v_fast THEN
            v_loaded := 0;
            v_first := NULL;
            v_last := NULL;
        END IF;
    END IF;

    IF NOT v_fast OR v_loaded < v_read THEN
        -- Guarded parse of every staged row: never raises, NULL where a field does not parse.
        CREATE TEMP TABLE IF NOT EXISTS _candle_parsed (
            line_no bigint, raw text, n integer, ts timestamptz, open numeric, high numeric, low numeric,
            close numeric, volume numeric, good boolean) ON COMMIT DROP;
        TRUNCATE _candle_parsed;
        INSERT INTO _candle_parsed (line_no, raw, n, ts, open, high, low, close, volume, good)
        SELECT x.line_no, x.raw, x.n, x.ts, x.open, x.high, x.low, x.close, x.volume,
               x.n = 6 AND market.bar_is_good(x.ts, x.open, x.high, x.low, x.close, x.volume, v_step, v_latest)
          FROM (SELECT s.line_no, coalesce(s.raw, '') AS raw, f.n,
                       CASE WHEN f.n <> 6 THEN NULL
                            WHEN s.raw LIKE '____-__-__T__:__:__Z,%' THEN market._try_timestamptz(left(s.raw, 20))
                            WHEN f.a[1] ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
                                THEN market._try_timestamptz(f.a[1]) END AS ts,
                       CASE WHEN f.n = 6 THEN market._try_numeric(f.a[2]) END AS open,
                       CASE WHEN f.n = 6 THEN market._try_numeric(f.a[3]) END AS high,
                       CASE WHEN f.n = 6 THEN market._try_numeric(f.a[4]) END AS low,
                       CASE WHEN f.n = 6 THEN market._try_numeric(f.a[5]) END AS close,
                       CASE WHEN f.n = 6 THEN market._try_numeric(f.a[6]) END AS volume
                  FROM pg_temp.candle_stage s
                 CROSS JOIN LATERAL (SELECT a, coalesce(cardinality(a), 0) AS n
                                       FROM string_to_array(rtrim(s.raw, E'\r'), ',') a) f
                OFFSET 0) x;

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
                   CASE WHEN isfinite(p.ts) AND date_bin(v_step, p.ts, timestamptz '1970-01-01 00:00:00+00') <> p.ts THEN 'misaligned_ts' END,
                   CASE WHEN isfinite(p.ts) AND p.ts < c_genesis THEN 'ts_out_of_range' END,
                   CASE WHEN isfinite(p.ts) AND p.ts > v_latest THEN 'future_bar' END,
                   CASE WHEN least(p.open, p.high, p.low, p.close) <= 0 THEN 'non_positive_price' END,
                   CASE WHEN p.volume < 0 THEN 'negative_volume' END,
                   CASE WHEN p.high < greatest(p.open, p.close) AND 'NaN' NOT IN (p.open, p.high, p.close) THEN 'high_below_open_close' END,
                   CASE WHEN p.low > least(p.open, p.close) AND 'NaN' NOT IN (p.open, p.low, p.close) THEN 'low_above_open_close' END
               ], NULL), '{}'), ARRAY['invalid_row'])
          FROM _candle_parsed p
         WHERE NOT p.good;
        GET DIAGNOSTICS v_quarantined = ROW_COUNT;
        SELECT count(*), min(p.ts), max(p.ts) INTO v_good, v_first, v_last FROM _candle_parsed p WHERE p.good;

        IF v_fast THEN
            -- The good rows are stored already; the guarded parse must agree with the fast path.
            IF v_good <> v_loaded THEN
                RAISE EXCEPTION USING ERRCODE = 'XX000',
                    MESSAGE = 'candle load aborted: the fast and guarded parses disagree (a bug in the gates)',
                    DETAIL = format('venue=%s symbol=%s interval=%s read=%s fast_loaded=%s guarded_good=%s',
                                    p_venue, p_symbol, p_interval, v_read, v_loaded, v_good),
                    HINT = 'Report it with the staged file; nothing of this load was kept.';
            END IF;
        ELSIF v_good > 0 THEN
            PERFORM market.ensure_partitions(v_first, v_last);
            -- Classify every good row: repeated times within the input, then against the stored bar.
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
              LEFT JOIN (SELECT DISTINCT ON (c.ts) c.ts, c.revision, c.open, c.high, c.low, c.close, c.volume
                           FROM market.candle c
                          WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = p_interval
                            AND c.ts >= v_first AND c.ts <= v_last
                          ORDER BY c.ts, c.revision DESC) st ON st.ts = g.ts;

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
        END IF;
    END IF;

    INSERT INTO market.candle_load (load_id, venue, symbol, interval, source, clock, read, loaded, duplicate,
                                    corrected, quarantined, first_ts, last_ts)
    VALUES (v_load, p_venue, p_symbol, p_interval, p_source, p_clock, v_read, v_loaded, v_duplicate,
            v_corrected, v_quarantined, v_first, v_last);
    RETURN QUERY SELECT v_load, v_read, v_loaded, v_duplicate, v_corrected, v_quarantined, v_first, v_last;
END
$$;

COMMENT ON FUNCTION api.load_candles(text, text, text, text, timestamptz, integer) IS
'Worker: gates the CSV lines staged in the session''s temp table candle_stage and files every row as loaded, duplicate, corrected (new revision with evidence in market.candle_correction) or quarantined (reason codes in market.candle_quarantine); loaded + duplicate + corrected + quarantined = read, recorded in market.candle_load. PD011 unknown venue, PD012 unknown interval, malformed symbol, empty source, bad clock or nothing staged.';
