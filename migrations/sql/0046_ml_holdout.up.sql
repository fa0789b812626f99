-- 0046_ml_holdout.up.sql — a fold kind for the hold-out (issue 19, docs/ml.md "The honest split").
--
-- ml.fold_metric.kind: 'walk_forward' (a purged walk-forward test fold of the selection window: selection
-- evidence, the selected trial was chosen on these folds), 'holdout' (a period after the selection window that
-- neither training nor selection read, measured once with the registered artefact: what the gate judges) or
-- 'forward' (a paper or shadow period: the live_canary track record). Existing rows keep their kind.
SET LOCAL ROLE predator_owner;

ALTER TABLE ml.fold_metric DROP CONSTRAINT fold_metric_kind_is_known;
ALTER TABLE ml.fold_metric ADD CONSTRAINT fold_metric_kind_is_known CHECK (kind IN ('walk_forward', 'holdout', 'forward'));
COMMENT ON TABLE ml.fold_metric IS 'Out-of-sample figures of a model per fold (api.record_fold_metric), append-only and chained (book 0): kind walk_forward (a purged walk-forward test fold of the selection window), holdout (a period after the selection window, read by neither training nor selection: what the promotion gate judges) or forward (a paper or shadow period, the track record of live_canary); the period [period_from, period_to); the per-period returns'' n_obs, mean, population std, skew, kurtosis (not excess) and Sharpe ratio (mean/std, per period), all net of fees and slippage; the fold''s total log return net of costs and buy-and-hold''s on the same hours; mean turnover per period (traded notional / equity) and maximum drawdown (a fraction).';
