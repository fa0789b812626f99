-- 0043_ml_registry.down.sql — undoes 0043: the registry tables (their rows and chain heads are lost) and the
-- gate's settings.
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DROP VIEW ml.champion;
DROP TABLE ml.promotion, ml.fold_metric, ml.trial, ml.model;
DELETE FROM ops.chain_head WHERE split_part(chain, ':', 1) IN ('ml.model', 'ml.trial', 'ml.fold_metric', 'ml.promotion');
DELETE FROM ops.setting WHERE name LIKE 'ml\_%';
ALTER TABLE ops.setting DROP CONSTRAINT ml_settings_are_bounded;
ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                    'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts', 'two_person_rule',
                    'retention_log_days', 'retention_report_days', 'retention_chaos_days'));
COMMENT ON TABLE ops.setting IS 'Operator settings of the database, append-only: the value in force is the highest revision (set with api.set_setting, audited). max_clock_skew_seconds: how far a business time may run ahead of the wall clock, 0..3600 seconds. reconcile_tolerance: the largest balance difference per currency that reconciliation still counts as clean, 0..1. live_burn_in_days: the forward paper or shadow days before live, 0..365. alert_*: the notifier''s pacing. two_person_rule: 0 or 1. retention_log_days, retention_report_days, retention_chaos_days: how many days predator retention apply keeps log files, reports and chaos work directories, 0..3650 (0 = for ever); never rows of the database.';
COMMENT ON SCHEMA ml IS 'The model lane''s statistics: pure functions (PSR, DSR, MinTRL, PBO, the standard normal CDF and its inverse), executable by the operator and the auditor (docs/ml.md).';
