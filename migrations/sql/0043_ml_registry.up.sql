-- 0043_ml_registry.up.sql — the model registry and the promotion gate's record (issue 19 items 4 and 5).
--
-- Four append-only tables, hash-chained like every governed record (ops.chained_tables(), the chain trigger
-- ops.tg_chain__append, api.verify_chains, gate 10, predator verify):
--   ml.model        a registered model: family, code version, dataset hash (api.dataset_hash), features,
--                   parameters, artefact sha256 and path;
--   ml.trial        every configuration tried in a family, with its in-sample Sharpe ratio (the honest N and
--                   the variance of the trials' Sharpe ratios that deflate the selected one) and, optionally,
--                   its per-period returns over the selection window (the matrix of ml.pbo);
--   ml.fold_metric  out-of-sample figures of a model per fold: walk-forward folds (kind 'walk_forward') and
--                   forward paper or shadow periods (kind 'forward', the track record live_canary needs);
--   ml.promotion    every decision of the gate (api.evaluate_promotion): passed or not, with reason codes.
-- The champion of a family and lane is not a mutable row: it is the view ml.champion, the model of the latest
-- passed promotion, so only a passed evaluation moves it (each evaluation is also in ops.audit_log).
--
-- Book: every row is of book 0, the control plane (as ops.audit_log's actions that span books). A model is
-- trained on market data shared by every book and is not a book's record; the tables carry book_id = 0 (CHECK)
-- because the chain machinery chains per (table, book) and the schema stays distributable by book
-- (tests/integration/test_distributable.py: keys and foreign keys include book_id; on a sharded engine the
-- registry lives in the shard of book 0).
--
-- Settings (ops.setting, api.set_setting, audited; the shipped defaults are inserted below as revision 1): the
-- thresholds that decide are read by the gate, never passed to it.
SET LOCAL ROLE predator_owner;

CREATE TABLE ml.model (
    book_id integer DEFAULT 0 NOT NULL CONSTRAINT model_is_control_plane CHECK (book_id = 0),
    seq bigint NOT NULL,
    model_id text NOT NULL CONSTRAINT model_id_shape CHECK (model_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
    family text NOT NULL CONSTRAINT model_family_shape CHECK (family ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
    code_version text NOT NULL CONSTRAINT model_code_version_is_given CHECK (length(btrim(code_version)) BETWEEN 1 AND 200),
    dataset_hash text NOT NULL CONSTRAINT model_dataset_hash_is_sha256 CHECK (dataset_hash ~ '^[0-9a-f]{64}$'),
    features text[] NOT NULL CONSTRAINT model_features_are_listed
        CHECK (cardinality(features) BETWEEN 1 AND 10000 AND array_position(features, NULL) IS NULL),
    params jsonb NOT NULL CONSTRAINT model_params_is_object CHECK (jsonb_typeof(params) = 'object'),
    artefact_sha256 text NOT NULL CONSTRAINT model_artefact_is_sha256 CHECK (artefact_sha256 ~ '^[0-9a-f]{64}$'),
    artefact_path text NOT NULL CONSTRAINT model_artefact_path_is_given CHECK (length(btrim(artefact_path)) BETWEEN 1 AND 1000),
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamptz DEFAULT clock_timestamp() NOT NULL
        CONSTRAINT model_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    PRIMARY KEY (book_id, seq),
    CONSTRAINT model_id_is_unique UNIQUE (book_id, model_id)
);
COMMENT ON TABLE ml.model IS 'Registered models (api.register_model), append-only and chained (book 0, the control plane): model id, family, code version, dataset hash (api.dataset_hash of the training data), feature list, parameters, artefact sha256 and path, who and when.';

CREATE TABLE ml.trial (
    book_id integer DEFAULT 0 NOT NULL CONSTRAINT trial_is_control_plane CHECK (book_id = 0),
    seq bigint NOT NULL,
    family text NOT NULL CONSTRAINT trial_family_shape CHECK (family ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
    params jsonb NOT NULL CONSTRAINT trial_params_is_object CHECK (jsonb_typeof(params) = 'object'),
    n_obs integer NOT NULL CONSTRAINT trial_n_obs_is_positive CHECK (n_obs > 1),
    sharpe double precision NOT NULL
        CONSTRAINT trial_sharpe_is_finite CHECK (sharpe > '-infinity' AND sharpe < 'infinity' AND sharpe <> 'NaN'),
    metrics jsonb DEFAULT '{}'::jsonb NOT NULL CONSTRAINT trial_metrics_is_object CHECK (jsonb_typeof(metrics) = 'object'),
    returns double precision[] CONSTRAINT trial_returns_are_a_series
        CHECK (array_ndims(returns) = 1 AND cardinality(returns) BETWEEN 4 AND 100000 AND array_position(returns, NULL) IS NULL),
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamptz DEFAULT clock_timestamp() NOT NULL
        CONSTRAINT trial_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    PRIMARY KEY (book_id, seq)
);
COMMENT ON TABLE ml.trial IS 'Every configuration tried in a model family (api.record_trial), append-only and chained (book 0): parameters, in-sample Sharpe ratio per observation over n_obs observations, other in-sample metrics, and optionally the per-period returns over the selection window (the columns of ml.pbo). The count per family is the N of the deflated Sharpe ratio.';
CREATE INDEX trial_family ON ml.trial (family);

CREATE TABLE ml.fold_metric (
    book_id integer DEFAULT 0 NOT NULL CONSTRAINT fold_metric_is_control_plane CHECK (book_id = 0),
    seq bigint NOT NULL,
    model_id text NOT NULL,
    kind text NOT NULL CONSTRAINT fold_metric_kind_is_known CHECK (kind IN ('walk_forward', 'forward')),
    fold integer NOT NULL CONSTRAINT fold_metric_fold_is_non_negative CHECK (fold >= 0),
    period_from timestamptz NOT NULL
        CONSTRAINT fold_metric_period_from_is_finite CHECK (period_from > '-infinity' AND period_from < 'infinity'),
    period_to timestamptz NOT NULL
        CONSTRAINT fold_metric_period_to_is_finite CHECK (period_to > '-infinity' AND period_to < 'infinity'),
    n_obs integer NOT NULL CONSTRAINT fold_metric_n_obs_is_positive CHECK (n_obs > 1),
    mean double precision NOT NULL,
    std double precision NOT NULL CONSTRAINT fold_metric_std_is_non_negative CHECK (std >= 0),
    skew double precision NOT NULL,
    kurtosis double precision NOT NULL CONSTRAINT fold_metric_kurtosis_is_positive CHECK (kurtosis > 0),
    sharpe double precision NOT NULL,
    net_return double precision NOT NULL,
    buy_hold_return double precision NOT NULL,
    turnover double precision NOT NULL CONSTRAINT fold_metric_turnover_is_non_negative CHECK (turnover >= 0),
    max_drawdown double precision NOT NULL CONSTRAINT fold_metric_max_drawdown_is_a_fraction CHECK (max_drawdown BETWEEN 0 AND 1),
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamptz DEFAULT clock_timestamp() NOT NULL
        CONSTRAINT fold_metric_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT fold_metric_figures_are_finite CHECK (
        'NaN' <> ALL (ARRAY[mean, std, skew, kurtosis, sharpe, net_return, buy_hold_return, turnover, max_drawdown])
        AND 'Infinity' <> ALL (ARRAY[mean, std, skew, kurtosis, sharpe, net_return, buy_hold_return, turnover, max_drawdown])
        AND '-Infinity' <> ALL (ARRAY[mean, std, skew, kurtosis, sharpe, net_return, buy_hold_return, turnover, max_drawdown])),
    CONSTRAINT fold_metric_period_is_ordered CHECK (period_from < period_to),
    PRIMARY KEY (book_id, seq),
    CONSTRAINT fold_metric_once UNIQUE (book_id, model_id, kind, fold),
    CONSTRAINT fold_metric_model FOREIGN KEY (book_id, model_id) REFERENCES ml.model (book_id, model_id)
);
COMMENT ON TABLE ml.fold_metric IS 'Out-of-sample figures of a model per fold (api.record_fold_metric), append-only and chained (book 0): kind walk_forward (a purged walk-forward test fold) or forward (a paper or shadow period, the track record of live_canary); the period [period_from, period_to); the per-period returns'' n_obs, mean, population std, skew, kurtosis (not excess) and Sharpe ratio (mean/std, per period), all net of fees and slippage; the fold''s total log return net of costs and buy-and-hold''s on the same hours; mean turnover per period (traded notional / equity) and maximum drawdown (a fraction).';

CREATE TABLE ml.promotion (
    book_id integer DEFAULT 0 NOT NULL CONSTRAINT promotion_is_control_plane CHECK (book_id = 0),
    seq bigint NOT NULL,
    model_id text NOT NULL,
    family text NOT NULL,
    lane text NOT NULL CONSTRAINT promotion_lane_is_known CHECK (lane IN ('paper', 'live_canary')),
    passed boolean NOT NULL,
    reasons text[] NOT NULL,
    figures jsonb NOT NULL CONSTRAINT promotion_figures_is_object CHECK (jsonb_typeof(figures) = 'object'),
    reason text NOT NULL CONSTRAINT promotion_reason_is_given CHECK (length(btrim(reason)) > 0),
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamptz DEFAULT clock_timestamp() NOT NULL
        CONSTRAINT promotion_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT promotion_passed_iff_no_reason CHECK (passed = (cardinality(reasons) = 0)),
    PRIMARY KEY (book_id, seq),
    CONSTRAINT promotion_model FOREIGN KEY (book_id, model_id) REFERENCES ml.model (book_id, model_id)
);
COMMENT ON TABLE ml.promotion IS 'Every decision of the promotion gate (api.evaluate_promotion, operator), append-only and chained (book 0): the model, its family, the target lane (paper or live_canary), passed (exactly when no reason code), the reason codes of a refusal, the figures the gate computed, the operator''s reason, who and when. The latest passed row per family and lane is the champion (ml.champion).';
CREATE INDEX promotion_family ON ml.promotion (family, lane, seq);

CREATE VIEW ml.champion AS
SELECT DISTINCT ON (p.family, p.lane) p.family, p.lane, p.model_id, p.seq AS promotion_seq, p.actor, p.recorded_at
  FROM ml.promotion p
 WHERE p.passed
 ORDER BY p.family, p.lane, p.seq DESC;
COMMENT ON VIEW ml.champion IS 'The champion alias of each model family and lane: the model of the latest passed promotion (ml.promotion). Derived, never set: only a passed api.evaluate_promotion moves it.';

-- The gate's thresholds: operator settings.
ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                    'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts', 'two_person_rule',
                    'retention_log_days', 'retention_report_days', 'retention_chaos_days',
                    'ml_min_confidence', 'ml_pbo_max', 'ml_paper_max_drawdown', 'ml_paper_max_turnover',
                    'ml_live_canary_max_drawdown', 'ml_live_canary_max_turnover'));
ALTER TABLE ops.setting ADD CONSTRAINT ml_settings_are_bounded
    CHECK ((name <> 'ml_min_confidence' OR (value >= 0.5 AND value <= 0.9999))
           AND (name NOT IN ('ml_pbo_max', 'ml_paper_max_drawdown', 'ml_live_canary_max_drawdown') OR (value >= 0 AND value <= 1))
           AND (name NOT IN ('ml_paper_max_turnover', 'ml_live_canary_max_turnover') OR (value >= 0 AND value <= 1000)));
INSERT INTO ops.setting (name, revision, value, reason, actor)
VALUES ('ml_min_confidence', 1, 0.95, 'shipped default: the deflated Sharpe ratio must reach 0.95, and MinTRL is at 0.95', 'migration'),
       ('ml_pbo_max', 1, 0.2, 'shipped default: a family''s probability of backtest overfitting at most 0.2', 'migration'),
       ('ml_paper_max_drawdown', 1, 0.25, 'shipped default: a paper candidate''s worst out-of-sample fold drawdown at most 25%', 'migration'),
       ('ml_paper_max_turnover', 1, 1, 'shipped default: a paper candidate''s mean turnover at most 1 x equity per period', 'migration'),
       ('ml_live_canary_max_drawdown', 1, 0.15, 'shipped default: a live canary''s worst drawdown at most 15%', 'migration'),
       ('ml_live_canary_max_turnover', 1, 0.5, 'shipped default: a live canary''s mean turnover at most 0.5 x equity per period', 'migration');

COMMENT ON TABLE ops.setting IS 'Operator settings of the database, append-only: the value in force is the highest revision (set with api.set_setting, audited). max_clock_skew_seconds: how far a business time may run ahead of the wall clock, 0..3600 seconds. reconcile_tolerance: the largest balance difference per currency that reconciliation still counts as clean, 0..1. live_burn_in_days: the forward paper or shadow days before live, 0..365. alert_*: the notifier''s pacing. two_person_rule: 0 or 1. retention_log_days, retention_report_days, retention_chaos_days: how many days predator retention apply keeps log files, reports and chaos work directories, 0..3650 (0 = for ever); never rows of the database. ml_*: the model promotion gate''s thresholds (api.evaluate_promotion, docs/ml.md): ml_min_confidence 0.5..0.9999 (DSR threshold and MinTRL confidence), ml_pbo_max 0..1, ml_<lane>_max_drawdown 0..1, ml_<lane>_max_turnover 0..1000.';
COMMENT ON SCHEMA ml IS 'The model lane: its statistics (pure functions: PSR, DSR, MinTRL, PBO, the standard normal CDF and its inverse) and its registry (ml.model, ml.trial, ml.fold_metric, ml.promotion, append-only and chained; the view ml.champion), read by the operator and the auditor, written through api.register_model, api.record_trial, api.record_fold_metric and api.evaluate_promotion (docs/ml.md).';
