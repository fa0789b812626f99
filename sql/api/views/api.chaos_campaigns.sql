CREATE VIEW api.chaos_campaigns AS
SELECT c.campaign_id, c.campaign, c.seed, c.days, a.name AS account, c.schedule_digest, c.first_hour, c.last_hour,
       c.faults_end_hour, c.worker_starts, c.worker_kills, c.db_stops, c.operator_resumes, c.failed_gate_checks,
       c.failed_chain_checks, c.segments, c.liveness_hour, c.replay_parity, c.passed, c.failures, c.wall_seconds,
       c.actor, c.recorded_at, c.book_id
  FROM ops.chaos_campaign c JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.chaos_campaigns IS 'Chaos campaign runs (predator chaos run): campaign 1..4, seed, days, account, schedule digest, hours, what the supervisor counted, liveness, replay parity, verdict and failures.';
