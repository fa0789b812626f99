-- ml._fold_summary(p_model_id, p_kind) -> (folds, n_obs, mean, std, skew, kurtosis, sharpe, net_return,
--                                          buy_hold_return, turnover, max_drawdown)
-- The out-of-sample figures of a model over its folds of one kind (ml.fold_metric: 'walk_forward', 'holdout' or
-- 'forward'), pooled as if the folds' per-period returns were one series: each fold's mean μ, population
-- standard deviation σ, skewness γ3 and kurtosis γ4 (not excess) give its raw moments
--     E[x] = μ,  E[x²] = σ² + μ²,  E[x³] = γ3σ³ + 3μσ² + μ³,  E[x⁴] = γ4σ⁴ + 4γ3σ³μ + 6σ²μ² + μ⁴,
-- which are averaged with the folds' observation counts as weights and turned back into central moments
-- (m2 = E2 - E1², m3 = E3 - 3E1E2 + 2E1³, m4 = E4 - 4E1E3 + 6E1²E2 - 3E1⁴; σ = √m2, γ3 = m3/σ³, γ4 = m4/σ⁴,
-- Sharpe ratio = E1/σ per period). net_return and buy_hold_return are the sums of the folds' total log
-- returns (net of fees and slippage, and buy-and-hold on the same hours); turnover the n-weighted mean per
-- period; max_drawdown the worst fold's. folds = 0 (and NULL figures) when the model has no fold of the kind;
-- std, skew, kurtosis and sharpe are NULL when the pooled variance is not positive. Used by
-- api.evaluate_promotion; the operator and the auditor may call it to recompute a decision.
CREATE OR REPLACE FUNCTION ml._fold_summary(p_model_id text, p_kind text)
RETURNS TABLE (folds integer, n_obs bigint, mean double precision, std double precision, skew double precision,
               kurtosis double precision, sharpe double precision, net_return double precision,
               buy_hold_return double precision, turnover double precision, max_drawdown double precision)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    WITH f AS (
        SELECT m.n_obs::double precision AS n, m.mean AS mu, m.std AS s, m.skew AS g3, m.kurtosis AS g4, m.net_return,
               m.buy_hold_return, m.turnover, m.max_drawdown, m.fold
          FROM ml.fold_metric m WHERE m.model_id = p_model_id AND m.kind = p_kind
    ), raw AS (
        SELECT count(*)::integer AS folds, sum(f.n)::bigint AS n,
               sum(f.n * f.mu ORDER BY f.fold) / sum(f.n) AS e1,
               sum(f.n * (f.s ^ 2 + f.mu ^ 2) ORDER BY f.fold) / sum(f.n) AS e2,
               sum(f.n * (f.g3 * f.s ^ 3 + 3 * f.mu * f.s ^ 2 + f.mu ^ 3) ORDER BY f.fold) / sum(f.n) AS e3,
               sum(f.n * (f.g4 * f.s ^ 4 + 4 * f.g3 * f.s ^ 3 * f.mu + 6 * f.s ^ 2 * f.mu ^ 2 + f.mu ^ 4) ORDER BY f.fold) / sum(f.n) AS e4,
               sum(f.net_return ORDER BY f.fold) AS net, sum(f.buy_hold_return ORDER BY f.fold) AS bh,
               sum(f.n * f.turnover ORDER BY f.fold) / sum(f.n) AS turnover, max(f.max_drawdown) AS mdd
          FROM f
    ), c AS (
        SELECT r.*, r.e2 - r.e1 ^ 2 AS m2, r.e3 - 3 * r.e1 * r.e2 + 2 * r.e1 ^ 3 AS m3,
               r.e4 - 4 * r.e1 * r.e3 + 6 * r.e1 ^ 2 * r.e2 - 3 * r.e1 ^ 4 AS m4
          FROM raw r
    )
    SELECT c.folds, c.n, c.e1,
           CASE WHEN c.m2 > 0 THEN sqrt(c.m2) END,
           CASE WHEN c.m2 > 0 THEN c.m3 / sqrt(c.m2) ^ 3 END,
           CASE WHEN c.m2 > 0 THEN c.m4 / c.m2 ^ 2 END,
           CASE WHEN c.m2 > 0 THEN c.e1 / sqrt(c.m2) END,
           c.net, c.bh, c.turnover, c.mdd
      FROM c;
END
$$;

COMMENT ON FUNCTION ml._fold_summary(text, text) IS 'A model''s out-of-sample figures over its folds of one kind (walk_forward, holdout or forward), pooled as one series from each fold''s n, mean, population std, skew and kurtosis (raw moments weighted by n): n_obs, mean, std, skew, kurtosis (not excess), Sharpe ratio per period; summed net and buy-and-hold log returns; n-weighted turnover; the worst drawdown. Used by api.evaluate_promotion (docs/ml.md).';
