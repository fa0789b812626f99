-- 0002_reference_data.down.sql — removes the shipped reference data.
-- Append-only triggers must not fire while the migration unwinds (superuser only).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DELETE FROM risk.limit_setting WHERE actor = 'migration';
DELETE FROM risk.profile WHERE profile IN ('default', 'live_canary', 'unconstrained');
DELETE FROM risk.limit_kind;
DELETE FROM market.instrument WHERE source = 'seed';
DELETE FROM market.universe WHERE universe = 'V1';
DELETE FROM market.asset;
DELETE FROM market.cluster;
DELETE FROM market.venue;
