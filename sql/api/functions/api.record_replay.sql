-- api.record_replay(p_account, p_run_id, p_from, p_to, p_hours, p_mismatches, p_first_mismatch_hour,
--                   p_first_mismatch, p_interventions, p_unreplayable) -> (book_id, seq, parity)
-- Auditor. Records one replay of an account (`predator replay`, runner.replay) in ops.replay_run (append-only,
-- chained per book): the registered run it re-executed (p_run_id, a run of the account's book), the closed hours
-- compared [p_from, p_to] (both inclusive: the first and the last hour compared), how many (p_hours: it must be
-- the number of the book's closed hours in that range, and p_to no later than its last closed hour: a replay
-- compares only hours that closed), how many mismatched, the first mismatched hour (a closed hour in the range)
-- with its problems (p_first_mismatch: a JSON array of 1 to 64 strings of 1 to 500 characters; both NULL exactly
-- when nothing mismatched), how many operator actions were re-applied and how many could not be. parity is the
-- database's: p_hours > 0, no mismatch and no unreplayable action (the caller cannot claim it).
-- The auditor's own attestation (which hours of which run replayed with what outcome), never a business
-- record: it cannot change a book, a limit or a halt, and the record itself is chained and verified like every
-- other (api.verify_chains, gate 10, predator verify).
-- PD011 unknown account, or p_run_id not a registered run of its book; PD012 a missing argument, a negative
-- count, more mismatches than hours, p_from after p_to, p_hours not the book's closed hours in the range, p_to
-- after the book's last closed hour, a first mismatch given without mismatches (or missing with them), outside
-- the range, not a closed hour or with problems that are not a bounded array of strings; PD015 a time that is
-- infinite or later than the wall clock plus max_clock_skew_seconds (a replay cannot have compared the future).
-- Tables: ops.replay_run (and its chain head).
CREATE OR REPLACE FUNCTION api.record_replay(p_account text, p_run_id text, p_from timestamptz, p_to timestamptz,
                                             p_hours integer, p_mismatches integer,
                                             p_first_mismatch_hour timestamptz, p_first_mismatch jsonb,
                                             p_interventions integer, p_unreplayable integer)
RETURNS TABLE (book_id integer, seq bigint, parity boolean)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_book   integer;
    v_closed bigint;
    v_last   timestamptz;
    v_row    ops.replay_run;
BEGIN
    PERFORM ops._require_finite('record_replay', ARRAY['p_hours', 'p_mismatches', 'p_interventions', 'p_unreplayable'],
                                ARRAY[p_hours, p_mismatches, p_interventions, p_unreplayable]::numeric[]);
    PERFORM ops._require_business_time('record_replay', ARRAY['p_from', 'p_to', 'p_first_mismatch_hour'],
                                       ARRAY[p_from, p_to, p_first_mismatch_hour]);
    IF p_account IS NULL OR p_run_id IS NULL OR p_from IS NULL OR p_to IS NULL OR p_hours IS NULL
       OR p_mismatches IS NULL OR p_interventions IS NULL OR p_unreplayable IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_replay refused: a required argument is missing',
            DETAIL = format('p_account=%s p_run_id=%s p_from=%s p_to=%s p_hours=%s p_mismatches=%s p_interventions=%s p_unreplayable=%s',
                            p_account, p_run_id, p_from, p_to, p_hours, p_mismatches, p_interventions, p_unreplayable),
            HINT = 'Pass the account, the run replayed, the first and last hour compared and the four counts; only the first mismatch may be NULL.';
    END IF;
    IF p_from > p_to THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('record_replay refused: p_from %s is after p_to %s', p_from, p_to),
            DETAIL = format('p_from=%s p_to=%s', p_from, p_to),
            HINT = 'The hours compared are [p_from, p_to], both inclusive: p_from at or before p_to.';
    END IF;
    IF p_hours < 0 OR p_mismatches < 0 OR p_interventions < 0 OR p_unreplayable < 0 OR p_mismatches > p_hours THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_replay refused: the counts are not those of a replay',
            DETAIL = format('p_hours=%s p_mismatches=%s p_interventions=%s p_unreplayable=%s', p_hours, p_mismatches,
                            p_interventions, p_unreplayable),
            HINT = 'Counts are non-negative, and no more hours mismatch than were compared.';
    END IF;
    IF (p_mismatches = 0) <> (p_first_mismatch_hour IS NULL) OR (p_first_mismatch_hour IS NULL) <> (p_first_mismatch IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_replay refused: the first mismatch does not agree with the mismatch count',
            DETAIL = format('p_mismatches=%s p_first_mismatch_hour=%s p_first_mismatch=%s', p_mismatches, p_first_mismatch_hour,
                            left(p_first_mismatch::text, 200)),
            HINT = 'Pass the first mismatched hour and its problems exactly when p_mismatches > 0 (both NULL otherwise).';
    END IF;
    IF p_first_mismatch IS NOT NULL
       AND (jsonb_typeof(p_first_mismatch) <> 'array' OR jsonb_array_length(p_first_mismatch) NOT BETWEEN 1 AND 64
            OR EXISTS (SELECT FROM jsonb_array_elements(p_first_mismatch) e
                        WHERE jsonb_typeof(e) <> 'string' OR length(e #>> '{}') NOT BETWEEN 1 AND 500)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_replay refused: p_first_mismatch is not a bounded list of problems',
            DETAIL = format('p_first_mismatch=%s', left(p_first_mismatch::text, 500)),
            HINT = 'Pass the problems of the first mismatched hour as a JSON array of 1 to 64 strings of 1 to 500 characters (shorten longer ones).';
    END IF;
    IF p_first_mismatch_hour NOT BETWEEN p_from AND p_to THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('record_replay refused: the first mismatch %s is outside the hours compared', p_first_mismatch_hour),
            DETAIL = format('p_first_mismatch_hour=%s p_from=%s p_to=%s', p_first_mismatch_hour, p_from, p_to),
            HINT = 'The first mismatched hour is one of the hours compared, [p_from, p_to].';
    END IF;

    v_book := (trading._account(p_account)).book_id;
    IF NOT EXISTS (SELECT FROM ops.run r WHERE r.run_id = p_run_id AND r.book_id = v_book) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('record_replay refused: %L is not a registered run of account %s', left(p_run_id, 200), p_account),
            DETAIL = format('account=%s book_id=%s run_id=%s', p_account, v_book, left(p_run_id, 200)),
            HINT = 'Pass the run the replay re-executed: the account''s run in api.runs.';
    END IF;
    SELECT max(h.hour) INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = v_book;
    IF v_last IS NULL OR p_to > v_last THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('record_replay refused: p_to %s is after the last closed hour of account %s', p_to, p_account),
            DETAIL = format('p_to=%s last_closed_hour=%s', p_to, v_last),
            HINT = 'A replay compares closed hours only: p_to is at most the account''s last closed hour (api.hourly_states).';
    END IF;
    SELECT count(*) INTO v_closed FROM portfolio.hourly_state h
     WHERE h.book_id = v_book AND h.hour >= p_from AND h.hour <= p_to;
    IF v_closed <> p_hours THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('record_replay refused: %s hours compared, but account %s closed %s hours in [%s, %s]',
                             p_hours, p_account, v_closed, p_from, p_to),
            DETAIL = format('p_hours=%s closed_hours=%s p_from=%s p_to=%s', p_hours, v_closed, p_from, p_to),
            HINT = 'A replay compares every closed hour of its range: pass the count of the account''s closed hours in [p_from, p_to].';
    END IF;
    IF p_first_mismatch_hour IS NOT NULL
       AND NOT EXISTS (SELECT FROM portfolio.hourly_state h WHERE h.book_id = v_book AND h.hour = p_first_mismatch_hour) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('record_replay refused: %s is not a closed hour of account %s', p_first_mismatch_hour, p_account),
            DETAIL = format('p_first_mismatch_hour=%s', p_first_mismatch_hour),
            HINT = 'The first mismatched hour is one of the account''s closed hours that the replay compared.';
    END IF;

    INSERT INTO ops.replay_run AS r (book_id, run_id, range_from, range_to, hours_compared, mismatches,
                                     first_mismatch_hour, first_mismatch, interventions, unreplayable, parity, actor)
    VALUES (v_book, p_run_id, p_from, p_to, p_hours, p_mismatches, p_first_mismatch_hour, p_first_mismatch,
            p_interventions, p_unreplayable, p_hours > 0 AND p_mismatches = 0 AND p_unreplayable = 0, ops.actor())
    RETURNING * INTO v_row;
    RETURN QUERY SELECT v_row.book_id, v_row.seq, v_row.parity;
END
$$;

COMMENT ON FUNCTION api.record_replay(text, text, timestamptz, timestamptz, integer, integer, timestamptz, jsonb, integer, integer) IS
'Auditor: records a replay of an account (predator replay) in ops.replay_run, chained: the run re-executed, the closed hours compared [p_from, p_to] and how many (checked against the book''s closed hours), mismatches with the first one and its problems, operator actions re-applied and not; parity (hours compared, no mismatch, every action re-applied) is derived, never claimed. The auditor''s own attestation, never business data. PD011 unknown account or run; PD012 missing or inconsistent arguments, a range beyond the last closed hour; PD015 an infinite or future time.';
