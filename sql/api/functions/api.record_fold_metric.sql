-- api.record_fold_metric(p_model_id, p_kind, p_fold, p_period_from, p_period_to, p_n_obs, p_mean, p_std, p_skew,
--                        p_kurtosis, p_sharpe, p_net_return, p_buy_hold_return, p_turnover, p_drawdown)
--   -> bigint (seq in ml.fold_metric)
-- Worker (evaluation jobs, paper runs) and operator. Records a registered model's out-of-sample figures on one
-- fold (ml.fold_metric, append-only, chained in book 0; once per model, kind and fold): p_kind 'walk_forward'
-- (a purged walk-forward test fold of the selection window: selection evidence), 'holdout' (a period after the
-- selection window, read by neither training nor selection: what api.evaluate_promotion judges; migration 0046)
-- or 'forward' (a paper or shadow period: the track record live_canary needs); the period [p_period_from, p_period_to); the per-period returns net of fees and slippage: count (> 1),
-- mean, population standard deviation (>= 0), skewness, kurtosis (NOT excess, > 0), Sharpe ratio (mean/std per
-- period, 0 when std = 0); the fold's total log return net of costs and buy-and-hold's over the same hours; the
-- mean turnover per period (traded notional / equity, >= 0) and the maximum drawdown p_drawdown (a fraction in [0, 1];
-- a measured figure, named so that no worker door seems to take a threshold, tests/sql/38_thresholds.sql).
-- PD012 NaN/±Infinity (first), a missing or out-of-domain figure, a Sharpe ratio that is not mean/std, a fold
-- already recorded; PD011 an unknown model; PD015 an infinite period or one ending after the wall clock.
-- Tables: ml.fold_metric (and its chain head).
CREATE OR REPLACE FUNCTION api.record_fold_metric(p_model_id text, p_kind text, p_fold integer, p_period_from timestamptz,
                                                  p_period_to timestamptz, p_n_obs integer, p_mean numeric, p_std numeric,
                                                  p_skew numeric, p_kurtosis numeric, p_sharpe numeric, p_net_return numeric,
                                                  p_buy_hold_return numeric, p_turnover numeric, p_drawdown numeric)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_seq bigint;
BEGIN
    PERFORM ops._require_finite('record_fold_metric',
        ARRAY['p_mean', 'p_std', 'p_skew', 'p_kurtosis', 'p_sharpe', 'p_net_return', 'p_buy_hold_return', 'p_turnover', 'p_drawdown'],
        ARRAY[p_mean, p_std, p_skew, p_kurtosis, p_sharpe, p_net_return, p_buy_hold_return, p_turnover, p_drawdown]);
    PERFORM ops._require_business_time('record_fold_metric', ARRAY['p_period_from', 'p_period_to'], ARRAY[p_period_from, p_period_to]);
    IF p_model_id IS NULL OR p_kind IS NULL OR p_fold IS NULL OR p_period_from IS NULL OR p_period_to IS NULL OR p_n_obs IS NULL
       OR p_mean IS NULL OR p_std IS NULL OR p_skew IS NULL OR p_kurtosis IS NULL OR p_sharpe IS NULL OR p_net_return IS NULL
       OR p_buy_hold_return IS NULL OR p_turnover IS NULL OR p_drawdown IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_fold_metric refused: a required argument is missing',
            DETAIL = format('p_model_id=%s p_kind=%s p_fold=%s', left(p_model_id, 200), p_kind, p_fold),
            HINT = 'Pass every figure of the fold; none may be NULL.';
    END IF;
    IF p_kind NOT IN ('walk_forward', 'holdout', 'forward') OR p_fold < 0 OR p_period_from >= p_period_to OR p_n_obs <= 1 OR p_std < 0
       OR p_kurtosis <= 0 OR p_turnover < 0 OR p_drawdown NOT BETWEEN 0 AND 1
       OR abs(p_sharpe - CASE WHEN p_std = 0 THEN 0 ELSE p_mean / p_std END) > 1e-6 * greatest(1, abs(p_sharpe)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('record_fold_metric refused: fold %s of model %s is out of its domain', p_fold, p_model_id),
            DETAIL = format('kind=%s fold=%s period_from=%s period_to=%s n_obs=%s mean=%s std=%s kurtosis=%s sharpe=%s turnover=%s max_drawdown=%s',
                            p_kind, p_fold, p_period_from, p_period_to, p_n_obs, p_mean, p_std, p_kurtosis, p_sharpe, p_turnover, p_drawdown),
            HINT = 'kind is walk_forward, holdout or forward; fold >= 0; period_from before period_to; n_obs > 1; std >= 0; kurtosis (not excess) > 0; sharpe = mean/std (0 when std = 0); turnover >= 0; max_drawdown in [0, 1].';
    END IF;
    PERFORM ml._require_model('record_fold_metric', p_model_id);
    IF EXISTS (SELECT FROM ml.fold_metric f WHERE f.book_id = 0 AND f.model_id = p_model_id AND f.kind = p_kind AND f.fold = p_fold) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('record_fold_metric refused: fold %s (%s) of model %s is already recorded', p_fold, p_kind, p_model_id),
            DETAIL = format('model_id=%s kind=%s fold=%s', p_model_id, p_kind, p_fold),
            HINT = 'A fold''s figures are recorded once; number a new fold.';
    END IF;
    INSERT INTO ml.fold_metric (model_id, kind, fold, period_from, period_to, n_obs, mean, std, skew, kurtosis, sharpe,
                                net_return, buy_hold_return, turnover, max_drawdown, actor)
    VALUES (p_model_id, p_kind, p_fold, p_period_from, p_period_to, p_n_obs, p_mean, p_std, p_skew, p_kurtosis, p_sharpe,
            p_net_return, p_buy_hold_return, p_turnover, p_drawdown, ops.actor())
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION api.record_fold_metric(text, text, integer, timestamptz, timestamptz, integer, numeric, numeric, numeric, numeric, numeric, numeric, numeric, numeric, numeric) IS 'Worker and operator: records a model''s out-of-sample figures on one fold in ml.fold_metric (append-only, chained): kind walk_forward (selection window), holdout (after it, what the gate judges) or forward (paper/shadow track record), period, per-period returns'' n, mean, population std, skew, kurtosis (not excess), Sharpe (mean/std), total net and buy-and-hold log returns on the same hours, turnover, max drawdown. PD012 NaN/±Infinity or out of domain, a fold recorded twice; PD011 unknown model; PD015 an infinite or future period.';
