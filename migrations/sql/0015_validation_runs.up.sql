-- 0015_validation_runs.up.sql — the auditor's recorded validation runs (issue 12 item 7): the checkpoints
-- from which `predator validate --account A --incremental` judges only what is new.
--
-- One row per recorded run of the gates: the book judged (0: every book, the control plane's chain), the
-- business times it covers as a half-open range [range_from, range_to) (range_from NULL: from the book's
-- first row), the gates run with the violating rows each returned (null: the gate raised an error), passed,
-- whether it is a checkpoint (passed, and either from the book's start or contiguous with an earlier
-- checkpoint), the chain heads of the book in the snapshot the gates judged (so that rows appended later
-- with a business time inside the range are found and judged by the next incremental run), who recorded it
-- and when (wall time, not hashed). Append-only and hash-chained per book like every other record
-- (ops.chained_tables(), sql/); written only by api.record_validation (sql/api/functions), the one call the
-- auditor may make: it records the auditor's own attestation, never business data.
SET LOCAL ROLE predator_owner;

CREATE TABLE ops.validation_run (
    book_id     integer     NOT NULL,
    seq         bigint      NOT NULL,
    range_from  timestamptz,
    range_to    timestamptz NOT NULL,
    incremental boolean     NOT NULL,
    gates       jsonb       NOT NULL,
    passed      boolean     NOT NULL,
    checkpoint  boolean     NOT NULL,
    heads       jsonb       NOT NULL,
    actor       text        NOT NULL DEFAULT session_user,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    prev_hash   bytea       NOT NULL,
    row_hash    bytea       NOT NULL,
    CONSTRAINT validation_run_pk PRIMARY KEY (book_id, seq),
    CONSTRAINT validation_run_range_is_ordered CHECK (range_from IS NULL OR range_from <= range_to),
    CONSTRAINT validation_run_checkpoint_passed CHECK (NOT checkpoint OR passed),
    CONSTRAINT validation_run_gates_is_object CHECK (jsonb_typeof(gates) = 'object'),
    CONSTRAINT validation_run_heads_is_object CHECK (jsonb_typeof(heads) = 'object'),
    CONSTRAINT validation_run_range_from_is_finite CHECK (range_from > '-infinity' AND range_from < 'infinity'),
    CONSTRAINT validation_run_range_to_is_finite CHECK (range_to > '-infinity' AND range_to < 'infinity'),
    CONSTRAINT validation_run_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity')
);
COMMENT ON TABLE ops.validation_run IS 'Append-only, chained per book: one row per recorded run of the validation gates (api.record_validation, auditor): the book (0: every book), the business times judged [range_from, range_to) (range_from NULL: from the start), the violations per gate (null: the gate errored), passed, checkpoint (passed and contiguous from the start: where predator validate --incremental resumes), the book''s chain heads in the judged snapshot, who and when (wall time, not hashed).';
COMMENT ON COLUMN ops.validation_run.range_to IS 'Exclusive end of the business times judged: the close of the book''s last closed hour in the judged snapshot (or the run''s --to plus 1 microsecond when earlier).';
COMMENT ON COLUMN ops.validation_run.heads IS 'Chain heads {"<schema>.<table>:<book>" | "ledger.posting:<book>:<account>:<currency>": {"seq": n, "hash": hex}} of the judged book(s) in the snapshot the gates judged: rows appended after them with a business time before range_to are judged by the next incremental run, whose chain verification starts from them.';
