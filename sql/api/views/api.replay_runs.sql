-- api.replay_runs — the recorded replays of the accounts (api.record_replay; predator replay records by default).
CREATE VIEW api.replay_runs AS
SELECT r.book_id, a.name AS account, r.seq, r.run_id, r.range_from, r.range_to, r.hours_compared, r.mismatches,
       r.first_mismatch_hour, r.first_mismatch, r.interventions, r.unreplayable, r.parity, r.actor, r.recorded_at
  FROM ops.replay_run r JOIN trading.account a ON a.book_id = r.book_id;
COMMENT ON VIEW api.replay_runs IS 'Recorded replays (api.record_replay, auditor): the account, the run re-executed, the closed hours compared [range_from, range_to] and how many, mismatched hours with the first one and its problems (a JSON array of strings), operator actions re-applied and those that could not be, REPLAY PARITY (hours compared, no mismatch, every action re-applied), who and when (wall time).';
