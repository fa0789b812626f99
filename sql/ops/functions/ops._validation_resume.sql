-- ops._validation_resume(p_book_id) -> (seq, range_to, resume_from, late_rows)
-- Where an incremental validation of book p_book_id resumes: its last checkpoint (the ops.validation_run row
-- with the highest seq among those with checkpoint, none: no row) and resume_from = the earliest of that
-- checkpoint's range_to and the business time of every row the book's chains gained after the checkpoint's
-- heads whose business time lies before range_to (a fill relayed late by the venue, an order event dated
-- in an hour already judged): those rows were not in the judged snapshot, so the next run judges them
-- (late_rows counts them). Business time is the table's ts (hour for portfolio.hourly_state, exit_ts for
-- trading.round_trip); chains without one (ops.audit_log, ops.incident_update, ops.validation_run, ops.replay_run) are
-- not business records of a time and are skipped. Reads the book's rows through the (book_id, seq) keys.
-- Internal: api.validation_checkpoint and api.record_validation.
CREATE OR REPLACE FUNCTION ops._validation_resume(p_book_id integer)
RETURNS TABLE (seq bigint, range_to timestamptz, resume_from timestamptz, late_rows bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
    v_run  ops.validation_run;
    r      record;
    v_col  text;
    v_min  timestamptz;
    v_n    bigint;
BEGIN
    SELECT * INTO v_run FROM ops.validation_run v
     WHERE v.book_id = p_book_id AND v.checkpoint ORDER BY v.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    seq := v_run.seq;
    range_to := v_run.range_to;
    resume_from := v_run.range_to;
    late_rows := 0;
    FOR r IN SELECT t.tbl FROM ops.chained_tables() t WHERE t.tbl <> 'ops.validation_run' ORDER BY 1 LOOP
        v_col := CASE r.tbl WHEN 'portfolio.hourly_state' THEN 'hour' WHEN 'trading.round_trip' THEN 'exit_ts' ELSE 'ts' END;
        CONTINUE WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                                   WHERE a.attrelid = r.tbl::regclass AND a.attname = v_col AND NOT a.attisdropped);
        EXECUTE format('SELECT min(t.%1$I), count(*) FROM %2$s t WHERE t.book_id = %3$s AND t.seq > %4$s AND t.%1$I < %5$L',
                       v_col, r.tbl, p_book_id, coalesce((v_run.heads -> (r.tbl || ':' || p_book_id) ->> 'seq')::bigint, 0),
                       v_run.range_to)
           INTO v_min, v_n;
        IF v_min < resume_from THEN
            resume_from := v_min;
        END IF;
        late_rows := late_rows + v_n;
    END LOOP;
    RETURN NEXT;
END
$$;

COMMENT ON FUNCTION ops._validation_resume(integer) IS 'Internal: a book''s last validation checkpoint (seq, range_to) and where an incremental run resumes: range_to, or earlier when rows appended after the checkpoint''s chain heads carry a business time before it (late_rows counts them).';
