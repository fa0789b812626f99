-- 0041_replay_runs.up.sql — the auditor's recorded replays (issue 16 item 2: the Mirror shows the last replay
-- parity of every account, not only the chaos campaigns').
--
-- One row per recorded `predator replay` of an account: the book, the registered run it re-executed (ops.run,
-- checked by api.record_replay: a run id of another book is refused), the hours compared as the closed range
-- [range_from, range_to] (both the business times of closed hours: the first and the last compared), how many
-- closed hours that is, how many of them mismatched, the first mismatched hour and its problems (a bounded JSON
-- array of strings), how many operator actions were re-applied and how many could not be (settings changed in
-- time, lane changes, opened incidents), and the verdict parity: hours were compared, none mismatched and every
-- intervention was re-applied (the same rule as `REPLAY PARITY: TRUE`; a CHECK keeps it so, and
-- api.record_replay derives it itself). Who recorded it and when (wall time, not hashed). Append-only and
-- hash-chained per book like every other record (ops.chained_tables(), sql/); written only by
-- api.record_replay (sql/api/functions), a call the auditor may make: it records the auditor's own
-- attestation (which hours of which run replayed with what outcome), never business data.
SET LOCAL ROLE predator_owner;

CREATE TABLE ops.replay_run (
    book_id             integer     NOT NULL CONSTRAINT replay_run_book_is_an_account REFERENCES trading.account (book_id),
    seq                 bigint      NOT NULL,
    run_id              text        NOT NULL CONSTRAINT replay_run_run_id_is_bounded CHECK (length(run_id) BETWEEN 1 AND 200),
    range_from          timestamptz NOT NULL,
    range_to            timestamptz NOT NULL,
    hours_compared      integer     NOT NULL CONSTRAINT replay_run_hours_are_counted CHECK (hours_compared >= 0),
    mismatches          integer     NOT NULL,
    first_mismatch_hour timestamptz,
    first_mismatch      jsonb,
    interventions       integer     NOT NULL CONSTRAINT replay_run_interventions_are_counted CHECK (interventions >= 0),
    unreplayable        integer     NOT NULL CONSTRAINT replay_run_unreplayable_are_counted CHECK (unreplayable >= 0),
    parity              boolean     NOT NULL,
    actor               text        NOT NULL DEFAULT session_user,
    recorded_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash           bytea       NOT NULL,
    row_hash            bytea       NOT NULL,
    CONSTRAINT replay_run_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT replay_run_range_is_ordered CHECK (range_from <= range_to),
    CONSTRAINT replay_run_mismatches_within_hours CHECK (mismatches >= 0 AND mismatches <= hours_compared),
    CONSTRAINT replay_run_first_mismatch_iff_mismatches CHECK (
        (mismatches = 0) = (first_mismatch_hour IS NULL) AND (first_mismatch_hour IS NULL) = (first_mismatch IS NULL)),
    CONSTRAINT replay_run_first_mismatch_in_range CHECK (first_mismatch_hour BETWEEN range_from AND range_to),
    CONSTRAINT replay_run_first_mismatch_is_bounded CHECK (
        jsonb_typeof(first_mismatch) = 'array' AND jsonb_array_length(first_mismatch) BETWEEN 1 AND 64
        AND length(first_mismatch::text) <= 16000),
    CONSTRAINT replay_run_parity_is_derived CHECK (parity = (hours_compared > 0 AND mismatches = 0 AND unreplayable = 0)),
    CONSTRAINT replay_run_range_from_is_finite CHECK (range_from > '-infinity' AND range_from < 'infinity'),
    CONSTRAINT replay_run_range_to_is_finite CHECK (range_to > '-infinity' AND range_to < 'infinity'),
    CONSTRAINT replay_run_first_mismatch_hour_is_finite CHECK (first_mismatch_hour > '-infinity' AND first_mismatch_hour < 'infinity'),
    CONSTRAINT replay_run_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity')
);
COMMENT ON TABLE ops.replay_run IS 'Append-only, chained per book: one row per recorded replay of an account (api.record_replay, auditor; predator replay records by default): the registered run re-executed, the closed hours compared [range_from, range_to], how many, how many mismatched, the first mismatched hour and its problems, the operator actions re-applied and those that could not be, parity (hours compared, none mismatched, every action re-applied), who and when (wall time, not hashed). The auditor''s own attestation, never business data.';
COMMENT ON COLUMN ops.replay_run.book_id IS 'The replayed account''s book.';
COMMENT ON COLUMN ops.replay_run.seq IS 'Position in the book''s chain of recorded replays (assigned by the chain trigger).';
COMMENT ON COLUMN ops.replay_run.run_id IS 'The registered run of the book that was re-executed (ops.run.run_id; the book''s latest run when the replay started).';
COMMENT ON COLUMN ops.replay_run.range_from IS 'The first closed hour compared (business time, inclusive).';
COMMENT ON COLUMN ops.replay_run.range_to IS 'The last closed hour compared (business time, inclusive): at most the book''s last closed hour when recorded.';
COMMENT ON COLUMN ops.replay_run.hours_compared IS 'Closed hours compared: the book''s closed hours in [range_from, range_to] (api.record_replay checks the count).';
COMMENT ON COLUMN ops.replay_run.mismatches IS 'Hours whose inputs, outputs or state differ between the original and the replay, or whose stored rows no longer match the hashes recorded at close.';
COMMENT ON COLUMN ops.replay_run.first_mismatch_hour IS 'The first mismatched hour (NULL when none mismatched).';
COMMENT ON COLUMN ops.replay_run.first_mismatch IS 'The problems of the first mismatched hour: a JSON array of 1 to 64 strings of at most 500 characters each (NULL when none mismatched).';
COMMENT ON COLUMN ops.replay_run.interventions IS 'Operator actions on the account the replay re-applied after the same closed hour (kill switch, halts, resumes, pauses, incident updates, treasury declarations, corrections).';
COMMENT ON COLUMN ops.replay_run.unreplayable IS 'Operator actions the replay could not re-apply (a setting changed after the first hour closed, a lane change, an opened incident): any makes parity false.';
COMMENT ON COLUMN ops.replay_run.parity IS 'REPLAY PARITY: hours_compared > 0, no mismatch and no unreplayable action (derived by api.record_replay, kept by a CHECK).';
COMMENT ON COLUMN ops.replay_run.actor IS 'The login that recorded the replay (the auditor''s).';
COMMENT ON COLUMN ops.replay_run.recorded_at IS 'Wall time of the record (not hashed).';
COMMENT ON COLUMN ops.replay_run.prev_hash IS 'The previous row''s row_hash in the book''s chain (genesis hash for the first).';
COMMENT ON COLUMN ops.replay_run.row_hash IS 'sha256(prev_hash || canonical row), assigned by the chain trigger.';
