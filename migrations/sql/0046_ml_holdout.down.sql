-- 0046_ml_holdout.down.sql — undoes 0046. Refused while a holdout fold exists: ml.fold_metric is append-only and
-- hash-chained, so such a row can be neither deleted nor re-labelled (its kind is covered by its row hash), and the
-- old CHECK would not admit it.
SET LOCAL ROLE predator_owner;
DO $$
BEGIN
    IF EXISTS (SELECT FROM ml.fold_metric WHERE kind = 'holdout') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'downgrade of 0046 refused: ml.fold_metric holds holdout folds',
            HINT = 'Their row hashes cover their kind; downgrade a database whose models have no holdout fold.';
    END IF;
END
$$;
ALTER TABLE ml.fold_metric DROP CONSTRAINT fold_metric_kind_is_known;
ALTER TABLE ml.fold_metric ADD CONSTRAINT fold_metric_kind_is_known CHECK (kind IN ('walk_forward', 'forward'));
COMMENT ON TABLE ml.fold_metric IS 'Out-of-sample figures of a model per fold (api.record_fold_metric), append-only and chained (book 0): kind walk_forward (a purged walk-forward test fold) or forward (a paper or shadow period, the track record of live_canary); the period [period_from, period_to); the per-period returns'' n_obs, mean, population std, skew, kurtosis (not excess) and Sharpe ratio (mean/std, per period), all net of fees and slippage; the fold''s total log return net of costs and buy-and-hold''s on the same hours; mean turnover per period (traded notional / equity) and maximum drawdown (a fraction).';
