CREATE VIEW api.chaos_faults AS
SELECT f.campaign_id, f.seq, f.hour, f.layer, f.kind, f.params, f.outcome, f.recovery_seconds
  FROM ops.chaos_fault f;
COMMENT ON VIEW api.chaos_faults IS 'The faults of each chaos campaign: business hour, layer (venue, worker, postgres, decision), kind, parameters and outcome (missed: the worker had already finished the hour).';
