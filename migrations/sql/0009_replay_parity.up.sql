-- 0009_replay_parity.up.sql — Replay parity: hashes cover business content only.
-- ops.incident.opened_at held the wall-clock time an incident was opened, with a NOT NULL default of
-- clock_timestamp(), and the canonical row encoding covered it: the same incident opened by a replay in
-- another database (or a minute later) hashed differently, so every run that opened an incident failed
-- replay parity. The business time of an incident is ts (covered by the hash); the wall time it was
-- written is recorded_at (left out of every hash, like every wall-clock column).
-- Excluding opened_at from the hash would change the canonical encoding of the rows already stored, whose
-- hashes are chained and append-only. Instead the column stops being written: it becomes nullable without
-- a default, so new rows carry NULL, which the canonical encoding drops (jsonb_strip_nulls), and rows
-- written before this migration keep their value and their hash (they still verify). Readers take
-- coalesce(opened_at, recorded_at) as the wall time (api.incidents does).
SET LOCAL ROLE predator_owner;

ALTER TABLE ops.incident ALTER COLUMN opened_at DROP DEFAULT, ALTER COLUMN opened_at DROP NOT NULL;
COMMENT ON COLUMN ops.incident.opened_at IS 'Wall time the incident was opened, on rows written before migration 0009 only (covered by their hashes, so kept as written); NULL on later rows, whose wall time is recorded_at (never hashed). Business time: ts.';
COMMENT ON TABLE ops.incident IS 'Append-only incident log: severity (1 = highest), category (data, model, execution, risk, infrastructure), scope, what happened, links to the orders, hours, reconciliations and gates involved, who or what opened it, business time ts (hashed) and wall time recorded_at (not hashed). Chained per book; book_id 0 for incidents that span books.';

-- ops.incident_update.incident_book_id repeated the row's own book_id (an update always lives in its
-- incident's book) and put that surrogate id, which differs from database to database, into the hash. New
-- rows leave it NULL (dropped from the canonical encoding); the link to the incident is (book_id,
-- incident_seq), which holds for every row, old and new. Old rows keep their value and hash.
ALTER TABLE ops.incident_update ALTER COLUMN incident_book_id DROP NOT NULL;
ALTER TABLE ops.incident_update ADD CONSTRAINT update_refers_to_incident_of_its_book
    FOREIGN KEY (book_id, incident_seq) REFERENCES ops.incident (book_id, seq);
ALTER TABLE ops.incident_update ADD CONSTRAINT update_incident_book_is_its_book
    CHECK (incident_book_id IS NULL OR incident_book_id = book_id);
COMMENT ON COLUMN ops.incident_update.incident_book_id IS 'The incident''s book, on rows written before migration 0009 only (always equal to book_id; kept as hashed); NULL on later rows. The incident is (book_id, incident_seq).';
