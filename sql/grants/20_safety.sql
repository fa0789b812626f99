-- grants/20_safety.sql — privileges of the safety procedures (reconciliation, venue health and transfers,
-- incidents, breakers, kill switch).
GRANT EXECUTE ON FUNCTION
    api.reconcile(text, timestamptz, jsonb, text[], text),
    api.record_venue_health(text, timestamptz, integer, integer, boolean, jsonb),
    api.record_venue_transfer(text, text, text, numeric, text, timestamptz)
TO predator_worker;

GRANT EXECUTE ON FUNCTION
    api.kill_switch(text, boolean),
    api.open_incident(integer, text, text, text, text, text, jsonb),
    api.update_incident(text, text, text),
    api.set_breaker(text, text, numeric, text, text, integer, integer, text)
TO predator_operator;
-- Whether a worker listens for the kill switch (predator kill says so): read by the operator and the auditor.
GRANT EXECUTE ON FUNCTION api.kill_listeners() TO predator_operator, predator_auditor;
-- The worker's own resident memory (migration 0028, the worker_rss_mb breaker).
GRANT EXECUTE ON FUNCTION api.record_worker_health(text, timestamptz, bigint, integer, jsonb) TO predator_worker;

-- What the relay is asked to send or cancel, with the halts that hold an unsent order back (docs/live.md "Halts,
-- orders not yet sent, cancels and late trades").
GRANT EXECUTE ON FUNCTION api.venue_requests(text) TO predator_worker, predator_auditor;
