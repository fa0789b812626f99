-- 0011_shadow.down.sql
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DROP TABLE risk.shadow_comparison;
DROP TABLE risk.shadow_pair;
DELETE FROM risk.breaker_setting WHERE breaker = 'shadow_divergence';
DELETE FROM risk.breaker_kind WHERE breaker = 'shadow_divergence';
