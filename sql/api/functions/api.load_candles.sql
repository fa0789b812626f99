-- api.load_candles(p_load_key, p_venue, p_symbol, p_interval, p_source, p_clock, p_line_offset)
--   -> (load_id, read, loaded, duplicate, corrected, quarantined, first_ts, last_ts)
-- Worker. Gates the lines the caller staged in market.candle_stage under p_load_key (a key from
-- api.begin_candle_load; one CSV line "ts,open,high,low,close,volume" per row, header removed, in file
-- order: COPY market.candle_stage (load_key, raw) FROM STDIN), files every line, and deletes the staged
-- rows of the key, in this transaction. It reads nothing but owner-owned tables: never a relation its caller
-- could create or alter (no temporary table; TEMPORARY is revoked, migration 0006). Each line is:
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
--   p_load_key     the load's key: only the rows staged under it are read (none staged: read = 0).
--   p_clock        the load's clock: a bar that had not closed by then (ts + interval > p_clock) is a future_bar.
--   p_line_offset  added to a line's place in the load (1, 2, ...) to name file lines in the quarantine (1 when
--                  a header was removed).
-- Timestamps: ts is the bar's open time; "YYYY-MM-DDTHH:MM:SSZ" is the canonical form, other ISO-8601
-- date-times ("YYYY-MM-DD HH:MM[:SS[.ffffff]]" with an optional Z or +-hh[:mm] offset; none = UTC) are
-- accepted; words such as 'epoch', 'today' or 'infinity' are bad_timestamp. ts_out_of_range: before
-- 2009-01-03 (no crypto market existed). Numbers: whatever numeric input accepts; NaN and infinities are
-- <field>_not_a_number.
-- Paths: the fast path (every line canonical with six fields, no time stored or repeated) parses each
-- line once and inserts straight into market.candle; anything else (a time already stored, repeated times,
-- fields that do not parse) takes the guarded path (market._staged_lines), which parses without ever raising
-- and classifies row by row, in one statement. Both paths call market.bar_is_good, so a row is good or bad
-- the same way in both; market._quarantine_reasons names the faults.
-- Loads of one feed are serialised (advisory lock); missing monthly partitions are created on the way.
-- PD011 unknown venue; PD012 unknown interval, malformed symbol, empty source, bad clock, no load key.
-- XX000 (a bug, nothing kept) if the fast path stored rows the guarded parse does not find good.
-- Tables: market.candle_stage (read, rows of the key deleted), market.candle (+ partitions), market.candle_load,
-- market.candle_quarantine, market.candle_correction.
CREATE OR REPLACE FUNCTION api.load_candles(
    p_load_key uuid, p_venue text, p_symbol text, p_interval text, p_source text,
    p_clock timestamptz DEFAULT now(), p_line_offset integer DEFAULT 1)
RETURNS TABLE (load_id bigint, read bigint, loaded bigint, duplicate bigint, corrected bigint,
               quarantined bigint, first_ts timestamptz, last_ts timestamptz)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_secs        integer := market.interval_seconds(p_interval);
    v_step        interval;
    v_latest      timestamptz;
    v_load        bigint;
    v_read        bigint;
    v_attempt     integer;
    v_fast        boolean := false;
    v_staged      boolean := true;
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
    IF p_load_key IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'candle load refused: no load key given',
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'Take a key from api.begin_candle_load(), COPY market.candle_stage (load_key, raw) FROM STDIN under it, then call api.load_candles with it (predator.marketdata.loader does this).';
    END IF;

    -- One load of a feed at a time: classification and revisions must see each other's rows.
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731650, pg_catalog.hashtext(p_venue || '|' || p_symbol || '|' || p_interval));
    v_step := make_interval(secs => v_secs);
    v_latest := p_clock - v_step;
    v_load := nextval('market.candle_load_id_seq');

    -- Fast path: every line canonical (open time "YYYY-MM-DDTHH:MM:SSZ" first, exactly six fields), parsed
    -- once, gated, inserted. A line that is not canonical or does not parse raises a cast error, and a time
    -- already stored or repeated raises a unique violation: the block's work is rolled back and the guarded
    -- path decides. A missing partition (a check violation) is created and the insert tried once more.
    -- Nothing staged: the insert stores nothing and the load is empty (read = 0).
    BEGIN
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
                              FROM market.candle_stage s
                             WHERE s.load_key = p_load_key
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
                                  FROM market.candle_stage s
                                 WHERE s.load_key = p_load_key
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
    END;

    -- read: the staged rows of the key. After the fast path, deleting them counts them (one pass over the
    -- stage instead of a count and a delete); when some were refused the delete is undone (the quarantine
    -- pass below reads them) by a signal that never leaves this block.
    IF v_fast THEN
        BEGIN
            DELETE FROM market.candle_stage s WHERE s.load_key = p_load_key;
            GET DIAGNOSTICS v_read = ROW_COUNT;
            IF v_read > v_loaded THEN
                RAISE EXCEPTION USING ERRCODE = 'raise_exception', MESSAGE = 'staged rows kept for the quarantine pass';
            END IF;
            v_staged := false;
        EXCEPTION WHEN raise_exception THEN
            NULL;  -- the staged rows are back; v_read keeps its count
        END;
    ELSE
        SELECT count(*) INTO v_read FROM market.candle_stage s WHERE s.load_key = p_load_key;
    END IF;

    IF v_fast AND v_loaded < v_read THEN
        -- The good rows are stored already: quarantine the others, and the guarded parse must agree.
        WITH parsed AS MATERIALIZED (SELECT * FROM market._staged_lines(p_load_key, v_step, v_latest)),
        bad AS (
            INSERT INTO market.candle_quarantine (load_id, line_no, venue, symbol, interval, ts, raw, raw_length, reasons)
            SELECT v_load, p.line_no + p_line_offset, p_venue, p_symbol, p_interval,
                   CASE WHEN isfinite(p.ts) THEN p.ts END, left(p.raw, 1000), length(p.raw),
                   market._quarantine_reasons(p.n, p.ts, p.open, p.high, p.low, p.close, p.volume, v_step, v_latest)
              FROM parsed p
             WHERE NOT p.good
            RETURNING 1)
        SELECT (SELECT count(*) FROM bad), count(*) FILTER (WHERE p.good), min(p.ts) FILTER (WHERE p.good),
               max(p.ts) FILTER (WHERE p.good)
          INTO v_quarantined, v_good, v_first, v_last
          FROM parsed p;
        IF v_good <> v_loaded THEN
            RAISE EXCEPTION USING ERRCODE = 'XX000',
                MESSAGE = 'candle load aborted: the fast and guarded parses disagree (a bug in the gates)',
                DETAIL = format('venue=%s symbol=%s interval=%s read=%s fast_loaded=%s guarded_good=%s',
                                p_venue, p_symbol, p_interval, v_read, v_loaded, v_good),
                HINT = 'Report it with the staged file; nothing of this load was kept.';
        END IF;
    ELSIF NOT v_fast AND v_read > 0 THEN
        -- Guarded path: every staged line parsed without raising; the bad ones quarantined with all their
        -- reasons; the good ones classified (repeated times within the input, then against the stored bar)
        -- and filed: one statement over one parse. A month with no partition yet (a check violation) rolls
        -- the statement back; the months the good rows span are created and it runs once more.
        FOR v_attempt IN 1 .. 2 LOOP
            BEGIN
                WITH parsed AS MATERIALIZED (SELECT * FROM market._staged_lines(p_load_key, v_step, v_latest)),
                bad AS (
                    INSERT INTO market.candle_quarantine (load_id, line_no, venue, symbol, interval, ts, raw, raw_length, reasons)
                    SELECT v_load, p.line_no + p_line_offset, p_venue, p_symbol, p_interval,
                           CASE WHEN isfinite(p.ts) THEN p.ts END, left(p.raw, 1000), length(p.raw),
                           market._quarantine_reasons(p.n, p.ts, p.open, p.high, p.low, p.close, p.volume, v_step, v_latest)
                      FROM parsed p
                     WHERE NOT p.good
                    RETURNING 1),
                classified AS MATERIALIZED (
                    SELECT g.line_no, g.raw, g.ts, g.open, g.high, g.low, g.close, g.volume,
                           CASE WHEN g.rn > 1 AND (g.open, g.high, g.low, g.close, g.volume) = (g.f_open, g.f_high, g.f_low, g.f_close, g.f_volume)
                                    THEN 'duplicate'
                                WHEN g.rn > 1 THEN 'conflict'
                                WHEN st.ts IS NULL THEN 'new'
                                WHEN (g.open, g.high, g.low, g.close, g.volume) = (st.open, st.high, st.low, st.close, st.volume) THEN 'duplicate'
                                ELSE 'correction' END AS class,
                           st.revision AS stored_revision,
                           CASE WHEN st.ts IS NOT NULL THEN jsonb_build_object('open', st.open, 'high', st.high, 'low', st.low,
                                                                               'close', st.close, 'volume', st.volume) END AS old_values
                      FROM (SELECT p.*, row_number() OVER w AS rn,
                                   first_value(p.open) OVER w AS f_open, first_value(p.high) OVER w AS f_high,
                                   first_value(p.low) OVER w AS f_low, first_value(p.close) OVER w AS f_close,
                                   first_value(p.volume) OVER w AS f_volume
                              FROM parsed p
                             WHERE p.good
                            WINDOW w AS (PARTITION BY p.ts ORDER BY p.line_no)) g
                      LEFT JOIN (SELECT DISTINCT ON (c.ts) c.ts, c.revision, c.open, c.high, c.low, c.close, c.volume
                                   FROM market.candle c
                                  WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = p_interval
                                    AND c.ts >= (SELECT min(p.ts) FROM parsed p WHERE p.good)
                                    AND c.ts <= (SELECT max(p.ts) FROM parsed p WHERE p.good)
                                  ORDER BY c.ts, c.revision DESC) st ON st.ts = g.ts),
                filed AS (
                    INSERT INTO market.candle (venue, symbol, interval, ts, revision, open, high, low, close, volume, load_id)
                    SELECT p_venue, p_symbol, p_interval, k.ts, coalesce(k.stored_revision + 1, 0), k.open, k.high, k.low, k.close, k.volume, v_load
                      FROM classified k WHERE k.class IN ('new', 'correction')
                    RETURNING 1),
                evidence AS (
                    INSERT INTO market.candle_correction (venue, symbol, interval, ts, from_revision, to_revision, old_values, new_values, load_id, source)
                    SELECT p_venue, p_symbol, p_interval, k.ts, k.stored_revision, k.stored_revision + 1, k.old_values,
                           jsonb_build_object('open', k.open, 'high', k.high, 'low', k.low, 'close', k.close, 'volume', k.volume), v_load, p_source
                      FROM classified k WHERE k.class = 'correction'
                    RETURNING 1),
                conflicts AS (
                    INSERT INTO market.candle_quarantine (load_id, line_no, venue, symbol, interval, ts, raw, raw_length, reasons)
                    SELECT v_load, k.line_no + p_line_offset, p_venue, p_symbol, p_interval, k.ts, left(k.raw, 1000), length(k.raw),
                           ARRAY['conflicting_duplicate_in_file']
                      FROM classified k WHERE k.class = 'conflict'
                    RETURNING 1)
                SELECT count(*) FILTER (WHERE k.class = 'new'), count(*) FILTER (WHERE k.class = 'duplicate'),
                       count(*) FILTER (WHERE k.class = 'correction'),
                       (SELECT count(*) FROM bad) + count(*) FILTER (WHERE k.class = 'conflict'),
                       min(k.ts), max(k.ts)
                  INTO v_loaded, v_duplicate, v_corrected, v_quarantined, v_first, v_last
                  FROM classified k;
                EXIT;
            EXCEPTION WHEN check_violation THEN
                -- "no partition of relation candle found for row": create the months the good rows span.
                IF v_attempt = 2 THEN
                    RAISE;
                END IF;
                SELECT min(p.ts), max(p.ts) INTO v_first, v_last
                  FROM market._staged_lines(p_load_key, v_step, v_latest) p WHERE p.good;
                PERFORM market.ensure_partitions(v_first, v_last);
            END;
        END LOOP;
    END IF;

    IF v_staged THEN
        DELETE FROM market.candle_stage s WHERE s.load_key = p_load_key;
    END IF;
    INSERT INTO market.candle_load (load_id, venue, symbol, interval, source, clock, read, loaded, duplicate,
                                    corrected, quarantined, first_ts, last_ts)
    VALUES (v_load, p_venue, p_symbol, p_interval, p_source, p_clock, v_read, v_loaded, v_duplicate,
            v_corrected, v_quarantined, v_first, v_last);
    RETURN QUERY SELECT v_load, v_read, v_loaded, v_duplicate, v_corrected, v_quarantined, v_first, v_last;
END
$$;

COMMENT ON FUNCTION api.load_candles(uuid, text, text, text, text, timestamptz, integer) IS
'Worker: gates the CSV lines staged in market.candle_stage under a load key (api.begin_candle_load) and files every row as loaded, duplicate, corrected (new revision with evidence in market.candle_correction) or quarantined (reason codes in market.candle_quarantine); loaded + duplicate + corrected + quarantined = read, recorded in market.candle_load; the staged rows of the key are deleted. PD011 unknown venue, PD012 unknown interval, malformed symbol, empty source, bad clock or no load key.';
