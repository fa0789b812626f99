-- 0047_ml_costs_drift_settings.down.sql — undoes 0047: the cost floor and drift settings go (every revision).
SET LOCAL session_replication_role = replica;   -- ops.setting is append-only: the down migration removes its rows
SET LOCAL ROLE predator_owner;
DELETE FROM ops.setting WHERE name IN ('ml_min_slippage_bps', 'ml_drift_psi_threshold', 'ml_drift_ks_alpha', 'ml_drift_hit_rate_alpha');
ALTER TABLE ops.setting DROP CONSTRAINT ml_settings_are_bounded;
ALTER TABLE ops.setting ADD CONSTRAINT ml_settings_are_bounded
    CHECK ((name <> 'ml_min_confidence' OR (value >= 0.5 AND value <= 0.9999))
           AND (name NOT IN ('ml_pbo_max', 'ml_paper_max_drawdown', 'ml_live_canary_max_drawdown') OR (value >= 0 AND value <= 1))
           AND (name NOT IN ('ml_paper_max_turnover', 'ml_live_canary_max_turnover') OR (value >= 0 AND value <= 1000)));
ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                    'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts', 'two_person_rule',
                    'retention_log_days', 'retention_report_days', 'retention_chaos_days',
                    'ml_min_confidence', 'ml_pbo_max', 'ml_paper_max_drawdown', 'ml_paper_max_turnover',
                    'ml_live_canary_max_drawdown', 'ml_live_canary_max_turnover'));
COMMENT ON TABLE ops.setting IS 'Operator settings of the database, append-only: the value in force is the highest revision (set with api.set_setting, audited). max_clock_skew_seconds: how far a business time may run ahead of the wall clock, 0..3600 seconds. reconcile_tolerance: the largest balance difference per currency that reconciliation still counts as clean, 0..1. live_burn_in_days: the forward paper or shadow days before live, 0..365. alert_*: the notifier''s pacing. two_person_rule: 0 or 1. retention_log_days, retention_report_days, retention_chaos_days: how many days predator retention apply keeps log files, reports and chaos work directories, 0..3650 (0 = for ever); never rows of the database. ml_*: the model promotion gate''s thresholds (api.evaluate_promotion, docs/ml.md): ml_min_confidence 0.5..0.9999 (DSR threshold and MinTRL confidence), ml_pbo_max 0..1, ml_<lane>_max_drawdown 0..1, ml_<lane>_max_turnover 0..1000.';
