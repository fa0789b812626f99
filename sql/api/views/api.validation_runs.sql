-- api.validation_runs — the recorded runs of the validation gates (api.record_validation).
CREATE VIEW api.validation_runs AS
SELECT v.book_id, a.name AS account, v.seq, v.range_from, v.range_to, v.incremental, v.gates, v.passed, v.checkpoint,
       v.actor, v.recorded_at
  FROM ops.validation_run v LEFT JOIN trading.account a ON a.book_id = v.book_id;
COMMENT ON VIEW api.validation_runs IS 'Recorded runs of the validation gates: the book (account NULL and book 0: every book), business times judged [range_from, range_to) (range_from NULL: from the start), incremental or not, violations per gate (null: the gate errored), passed, checkpoint (where predator validate --incremental resumes), who and when (wall time).';
