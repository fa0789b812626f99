-- 0032_chaos_fault_layers — the campaigns' new fault layers (issue 14: every fault class of seed 001 in a
-- campaign): feed (the chaos feeder's faults of a sync-fed campaign), memory (the worker's memory_leak windows)
-- and operator (the scripted operator's kill switch with the worker's mid_kill_switch kill point).
SET LOCAL ROLE predator_owner;
ALTER TABLE ops.chaos_fault DROP CONSTRAINT chaos_fault_layer_is_known;
ALTER TABLE ops.chaos_fault ADD CONSTRAINT chaos_fault_layer_is_known
    CHECK (layer IN ('venue', 'worker', 'postgres', 'decision', 'feed', 'memory', 'operator'));
COMMENT ON TABLE ops.chaos_fault IS 'Each fault a chaos campaign scheduled: business hour, layer (venue, worker, postgres, decision, feed, memory, operator), kind, parameters, and what became of it (outcome; missed when the worker had already finished the hour). Append-only; written by api.record_chaos_campaign.';
