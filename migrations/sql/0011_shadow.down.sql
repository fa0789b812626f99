-- 0011_shadow.down.sql
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DROP TABLE risk.shadow_comparison;
DROP TABLE risk.shadow_pair;
DELETE FROM risk.breaker_setting WHERE breaker = 'shadow_divergence';
DELETE FROM risk.breaker_kind WHERE breaker = 'shadow_divergence';
DELETE FROM ops.setting WHERE name = 'live_burn_in_days';
ALTER TABLE ops.setting DROP CONSTRAINT live_burn_in_days_is_bounded;
ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance'));
