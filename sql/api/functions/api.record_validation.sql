-- api.record_validation(p_account, p_from, p_to, p_incremental, p_gates) -> (book_id, seq, passed, checkpoint)
-- Auditor. Records one run of the validation gates in ops.validation_run (append-only, chained per book): the
-- account's book (p_account NULL: every book, book 0), the business times judged as the half-open range
-- [p_from, p_to) (p_from NULL: from the start), whether it was incremental, and p_gates {gate: violating rows}
-- (null: the gate raised an error). Call it in the transaction whose snapshot the gates judged: the book's
-- chain heads (seq and hash of every chain of ops.chain_head and every journal posting chain of
-- ledger.balance) are read from that snapshot and kept with the run, so rows appended afterwards are judged by
-- the next incremental run (ops._validation_resume), whose chain verification starts from them
-- (api.verify_book_chains_since). passed: every gate returned 0 rows. checkpoint: passed,
-- and p_from NULL (from the start) or, for one book, at or before where its last checkpoint resumes
-- (api.validation_checkpoint): a failed run, or one that leaves a gap, never moves the checkpoint.
-- The one write the auditor may make: its own attestation (which gates, over what, with what outcome),
-- never a business record; it cannot change a book, a limit or a halt, and the record itself is chained and
-- verified like every other (api.verify_chains, gate 10).
-- PD011 unknown account; PD012 p_to or p_incremental missing, p_from after p_to, p_gates not a non-empty
-- object of gate names to non-negative integer counts or null; PD015 a range bound that is infinite or later
-- than the wall clock plus max_clock_skew_seconds (a run cannot have judged the future).
-- Tables: ops.validation_run (and its chain head).
CREATE OR REPLACE FUNCTION api.record_validation(p_account text, p_from timestamptz, p_to timestamptz,
                                                 p_incremental boolean, p_gates jsonb)
RETURNS TABLE (book_id integer, seq bigint, passed boolean, checkpoint boolean)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_book    integer := 0;
    v_passed  boolean;
    v_point   boolean;
    v_heads   jsonb;
    v_resume  timestamptz;
    v_has     boolean;
    v_row     ops.validation_run;
BEGIN
    PERFORM ops._require_business_time('record_validation', ARRAY['p_from', 'p_to'], ARRAY[p_from, p_to]);
    IF p_to IS NULL OR p_incremental IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_validation refused: p_to and p_incremental are required',
            DETAIL = format('p_to=%s p_incremental=%s', p_to, p_incremental),
            HINT = 'Pass the exclusive end of the business times the gates judged (the close of the last closed hour) and whether the run was incremental.';
    END IF;
    IF p_from > p_to THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('record_validation refused: p_from %s is after p_to %s', p_from, p_to),
            DETAIL = format('p_from=%s p_to=%s', p_from, p_to),
            HINT = 'The range judged is [p_from, p_to): p_from at or before p_to.';
    END IF;
    IF p_gates IS NULL OR jsonb_typeof(p_gates) <> 'object' OR p_gates = '{}'::jsonb
       OR EXISTS (SELECT FROM jsonb_each(p_gates) g
                   WHERE g.key !~ '^[A-Za-z0-9_.-]{1,100}$'
                      OR NOT (jsonb_typeof(g.value) = 'null'
                              OR (jsonb_typeof(g.value) = 'number' AND g.value::text ~ '^[0-9]{1,18}$'))) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_validation refused: p_gates is not a map of gate names to violation counts',
            DETAIL = format('p_gates=%s', left(p_gates::text, 500)),
            HINT = 'Pass {"<gate>": <rows returned, a non-negative integer> | null (the gate errored), ...} with at least one gate.';
    END IF;
    IF p_account IS NOT NULL THEN
        v_book := (trading._account(p_account)).book_id;
    END IF;

    v_passed := NOT EXISTS (SELECT FROM jsonb_each(p_gates) g WHERE jsonb_typeof(g.value) <> 'number' OR g.value::text <> '0');
    SELECT coalesce(jsonb_object_agg(x.chain, jsonb_build_object('seq', x.seq, 'hash', encode(x.head_hash, 'hex'))), '{}'::jsonb)
      INTO v_heads
      FROM (SELECT h.chain, h.seq, h.head_hash FROM ops.chain_head h
             WHERE (v_book = 0 OR h.book_id = v_book) AND split_part(h.chain, ':', 1) <> 'ops.validation_run'
            UNION ALL
            SELECT 'ledger.posting:' || b.book_id || ':' || b.account_code || ':' || b.currency, b.seq, b.head_hash
              FROM ledger.balance b WHERE v_book = 0 OR b.book_id = v_book) x;
    IF v_book <> 0 THEN
        SELECT r.resume_from, true INTO v_resume, v_has FROM ops._validation_resume(v_book) r;
    END IF;
    v_point := v_passed AND (p_from IS NULL OR (v_book <> 0 AND coalesce(v_has, false) AND p_from <= v_resume));

    INSERT INTO ops.validation_run AS v (book_id, range_from, range_to, incremental, gates, passed, checkpoint, heads, actor)
    VALUES (v_book, p_from, p_to, p_incremental, p_gates, v_passed, v_point, v_heads, ops.actor())
    RETURNING * INTO v_row;
    RETURN QUERY SELECT v_row.book_id, v_row.seq, v_row.passed, v_row.checkpoint;
END
$$;

COMMENT ON FUNCTION api.record_validation(text, timestamptz, timestamptz, boolean, jsonb) IS
'Auditor: records a run of the validation gates (the book or every book, business times [p_from, p_to), incremental or not, violations per gate) in ops.validation_run, chained, with the book''s chain heads of the caller''s snapshot; passed when every gate returned 0 rows; a checkpoint when passed and contiguous from the book''s start. The auditor''s own attestation, never business data. PD011 unknown account; PD012 missing p_to, p_from after p_to, bad p_gates; PD015 an infinite or future bound.';
