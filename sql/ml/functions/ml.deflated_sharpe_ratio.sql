-- ml.deflated_sharpe_ratio(p_sr, p_var_of_trial_srs, p_n_trials, p_n_obs, p_skew, p_kurtosis) -> double precision
-- The deflated Sharpe ratio of Bailey & López de Prado (2014), "The Deflated Sharpe Ratio: Correcting for
-- Selection Bias, Backtest Overfitting and Non-Normality", Journal of Portfolio Management 40(5) (SSRN 2460551):
--     DSR = PSR(SR0),   SR0 = ml.expected_max_sharpe(V, N)
-- the probabilistic Sharpe ratio of the selected strategy against the expected maximum Sharpe ratio of N
-- trials under the null. Units as ml.probabilistic_sharpe_ratio and ml.expected_max_sharpe: SR̂ and V per
-- observation (never annualised), n_obs the selected strategy's observations, kurtosis NOT excess. The issue's
-- promotion gate asks DSR >= 0.95 with N from the trial ledger. Refusals: PD012 as those two functions, named
-- for this one. STRICT.
CREATE OR REPLACE FUNCTION ml.deflated_sharpe_ratio(p_sr double precision, p_var_of_trial_srs double precision,
                                                    p_n_trials bigint, p_n_obs double precision,
                                                    p_skew double precision, p_kurtosis double precision)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_routine CONSTANT text := 'ml.deflated_sharpe_ratio';
    v_term double precision;
    v_sr0 double precision;
BEGIN
    PERFORM ml._require_finite(c_routine, ARRAY['p_sr', 'p_var_of_trial_srs', 'p_n_obs', 'p_skew', 'p_kurtosis'],
                               ARRAY[p_sr, p_var_of_trial_srs, p_n_obs, p_skew, p_kurtosis]);
    IF p_var_of_trial_srs < 0 OR p_var_of_trial_srs > 1e4 THEN
        PERFORM ml._refuse(c_routine, 'p_var_of_trial_srs', p_var_of_trial_srs::text, 'is outside [0, 1e4]',
                           'var_of_trial_srs is the variance of the trials'' per-observation Sharpe ratios (never annualised).');
    END IF;
    IF p_n_trials < 1 THEN
        PERFORM ml._refuse(c_routine, 'p_n_trials', p_n_trials::text, 'is below 1',
                           'n_trials is the honest count of every trial tried (the trial ledger), at least 1.');
    END IF;
    IF p_n_obs <= 1 OR p_n_obs > 1e12 THEN
        PERFORM ml._refuse(c_routine, 'p_n_obs', p_n_obs::text, 'is outside (1, 1e12]',
                           'n_obs is the number of return observations behind sr: at least 2.');
    END IF;
    v_term := ml._sr_variance_term(c_routine, p_sr, p_skew, p_kurtosis);
    v_sr0 := ml.expected_max_sharpe(p_var_of_trial_srs, p_n_trials);
    RETURN ml.norm_cdf((p_sr - v_sr0) * sqrt(p_n_obs - 1) / sqrt(v_term));
END
$$;

COMMENT ON FUNCTION ml.deflated_sharpe_ratio(double precision, double precision, bigint, double precision, double precision, double precision) IS 'DSR = PSR(SR0) with SR0 = ml.expected_max_sharpe(var_of_trial_srs, n_trials), Bailey & López de Prado (2014) "The Deflated Sharpe Ratio": the probability that the selected strategy''s true Sharpe ratio exceeds what the best of N null trials would show. sr and the variance per observation (not annualised); kurtosis NOT excess. PD012 on NaN/±Infinity or out of domain. docs/ml.md.';
