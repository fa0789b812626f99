-- 0004_safety.down.sql — removes what 0004 created.
SET LOCAL ROLE predator_owner;
DROP TABLE IF EXISTS ops.venue_transfer, ops.venue_health, risk.breaker_trip, risk.breaker_setting, risk.breaker_kind,
    ops.incident_update, ops.incident, ops.reconciliation CASCADE;
