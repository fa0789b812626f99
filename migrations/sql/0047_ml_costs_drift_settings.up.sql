-- 0047_ml_costs_drift_settings.up.sql — the model lane's cost floor and drift rule as operator settings (issue 19
-- items 3 and 5; docs/ml.md "Trials, fold metrics, costs" and "Retraining").
--
-- ml_min_slippage_bps (0..500 bps of notional, shipped 2 = the paper venue's default fixed slippage): the least
--   slippage a model's recorded out-of-sample figures may assume; api.evaluate_promotion refuses a model whose
--   recorded slippage_bps is below it (costs_understated). Lowering it is a loosening (an approval).
-- ml_drift_psi_threshold (0.01..10, shipped 0.25): the PSI floor of the retraining job's drift rule; raising it
--   is a loosening (less drift detected).
-- ml_drift_ks_alpha (0.0001..0.5, shipped 0.01): the KS test's family-wise level; lowering it is a loosening.
-- ml_drift_hit_rate_alpha (0.0001..0.5, shipped 0.01): the hit-rate fall test's level; lowering it is a loosening.
SET LOCAL ROLE predator_owner;

ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                    'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts', 'two_person_rule',
                    'retention_log_days', 'retention_report_days', 'retention_chaos_days',
                    'ml_min_confidence', 'ml_pbo_max', 'ml_paper_max_drawdown', 'ml_paper_max_turnover',
                    'ml_live_canary_max_drawdown', 'ml_live_canary_max_turnover',
                    'ml_min_slippage_bps', 'ml_drift_psi_threshold', 'ml_drift_ks_alpha', 'ml_drift_hit_rate_alpha'));
ALTER TABLE ops.setting DROP CONSTRAINT ml_settings_are_bounded;
ALTER TABLE ops.setting ADD CONSTRAINT ml_settings_are_bounded
    CHECK ((name <> 'ml_min_confidence' OR (value >= 0.5 AND value <= 0.9999))
           AND (name NOT IN ('ml_pbo_max', 'ml_paper_max_drawdown', 'ml_live_canary_max_drawdown') OR (value >= 0 AND value <= 1))
           AND (name NOT IN ('ml_paper_max_turnover', 'ml_live_canary_max_turnover') OR (value >= 0 AND value <= 1000))
           AND (name <> 'ml_min_slippage_bps' OR (value >= 0 AND value <= 500))
           AND (name <> 'ml_drift_psi_threshold' OR (value >= 0.01 AND value <= 10))
           AND (name NOT IN ('ml_drift_ks_alpha', 'ml_drift_hit_rate_alpha') OR (value >= 0.0001 AND value <= 0.5)));
INSERT INTO ops.setting (name, revision, value, reason, actor)
VALUES ('ml_min_slippage_bps', 1, 2, 'shipped default: out-of-sample figures assume at least 2 bps of slippage per change of position (the paper venue''s default fixed slippage)', 'migration'),
       ('ml_drift_psi_threshold', 1, 0.25, 'shipped default: a feature drifted when its PSI exceeds 0.25 (and its null quantile)', 'migration'),
       ('ml_drift_ks_alpha', 1, 0.01, 'shipped default: the KS test at 0.01, Bonferroni over the features', 'migration'),
       ('ml_drift_hit_rate_alpha', 1, 0.01, 'shipped default: a hit-rate fall at p < 0.01', 'migration');

COMMENT ON TABLE ops.setting IS 'Operator settings of the database, append-only: the value in force is the highest revision (set with api.set_setting, audited). max_clock_skew_seconds: how far a business time may run ahead of the wall clock, 0..3600 seconds. reconcile_tolerance: the largest balance difference per currency that reconciliation still counts as clean, 0..1. live_burn_in_days: the forward paper or shadow days before live, 0..365. alert_*: the notifier''s pacing. two_person_rule: 0 or 1. retention_log_days, retention_report_days, retention_chaos_days: how many days predator retention apply keeps log files, reports and chaos work directories, 0..3650 (0 = for ever); never rows of the database. ml_*: the model promotion gate''s thresholds (api.evaluate_promotion, docs/ml.md): ml_min_confidence 0.5..0.9999 (DSR threshold and MinTRL confidence), ml_pbo_max 0..1, ml_<lane>_max_drawdown 0..1, ml_<lane>_max_turnover 0..1000, ml_min_slippage_bps 0..500 (the least slippage a model''s figures may assume); the retraining job''s drift rule: ml_drift_psi_threshold 0.01..10, ml_drift_ks_alpha and ml_drift_hit_rate_alpha 0.0001..0.5.';
