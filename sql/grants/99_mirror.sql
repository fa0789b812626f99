-- grants/99_mirror.sql — the console's read of the caps against their figures (issue 16 item 2, docs/operator.md):
-- read-only, for the worker (and so the operator) and the auditor, which the console reads as.
-- api.incident_updates is read like every api view (grants/00_core.sql).
GRANT EXECUTE ON FUNCTION api.exposure_usage(text) TO predator_worker, predator_auditor;
GRANT EXECUTE ON FUNCTION api.own_positions(text) TO predator_worker, predator_auditor;  -- api.strategy_positions reads it
