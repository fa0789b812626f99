-- 0032_chaos_fault_layers down — back to the four layers (refused while a campaign recorded a fault of a new one).
SET LOCAL ROLE predator_owner;
ALTER TABLE ops.chaos_fault DROP CONSTRAINT chaos_fault_layer_is_known;
ALTER TABLE ops.chaos_fault ADD CONSTRAINT chaos_fault_layer_is_known
    CHECK (layer IN ('venue', 'worker', 'postgres', 'decision'));
COMMENT ON TABLE ops.chaos_fault IS 'Each fault a chaos campaign scheduled: business hour, layer (venue, worker, postgres, decision), kind, parameters, and what became of it (outcome; missed when the worker had already finished the hour). Append-only; written by api.record_chaos_campaign.';
