-- ml.expected_max_sharpe(p_var_of_trial_srs, p_n_trials) -> double precision
-- The expected maximum of N estimated Sharpe ratios under the null (every trial's true Sharpe ratio is 0),
-- Bailey & López de Prado (2014), "The Deflated Sharpe Ratio", Journal of Portfolio Management 40(5), the
-- benchmark SR0 of the DSR (SSRN abstract 2460551; after Bailey, Borwein, López de Prado, Zhu 2014,
-- "Pseudo-mathematics and financial charlatanism", Notices of the AMS 61(5)):
--     E[max SR̂_n] ≈ √V[SR̂_n] · ( (1 - γ)·Φ⁻¹(1 - 1/N) + γ·Φ⁻¹(1 - 1/(N·e)) )
-- γ = 0.5772156649015329 (Euler–Mascheroni), e Euler's number. Units: V the variance of the N trials' Sharpe
-- ratios, per observation (in the squared units of the Sharpe ratio it will deflate, never annualised); N the
-- count of trials (>= 1). N = 1 (no selection) and V = 0 give 0. Φ⁻¹(1 - a) is computed as -Φ⁻¹(a), which the
-- symmetry of Φ makes exact and which keeps the tail accurate for any N. Refusals: PD012 for NaN/±Infinity,
-- V < 0 or V > 1e4, N < 1. STRICT.
CREATE OR REPLACE FUNCTION ml.expected_max_sharpe(p_var_of_trial_srs double precision, p_n_trials bigint)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_routine CONSTANT text := 'ml.expected_max_sharpe';
    c_euler_gamma CONSTANT double precision := 0.5772156649015329;
BEGIN
    PERFORM ml._require_finite(c_routine, ARRAY['p_var_of_trial_srs'], ARRAY[p_var_of_trial_srs]);
    IF p_var_of_trial_srs < 0 OR p_var_of_trial_srs > 1e4 THEN
        PERFORM ml._refuse(c_routine, 'p_var_of_trial_srs', p_var_of_trial_srs::text, 'is outside [0, 1e4]',
                           'var_of_trial_srs is the variance of the trials'' per-observation Sharpe ratios (never annualised).');
    END IF;
    IF p_n_trials < 1 THEN
        PERFORM ml._refuse(c_routine, 'p_n_trials', p_n_trials::text, 'is below 1',
                           'n_trials is the honest count of every trial tried (the trial ledger), at least 1.');
    END IF;
    IF p_n_trials = 1 OR p_var_of_trial_srs = 0 THEN
        RETURN 0;
    END IF;
    RETURN sqrt(p_var_of_trial_srs)
           * ((1 - c_euler_gamma) * -ml.norm_inv(1 / p_n_trials::double precision)
              + c_euler_gamma * -ml.norm_inv(1 / (p_n_trials::double precision * exp(1::double precision))));
END
$$;

COMMENT ON FUNCTION ml.expected_max_sharpe(double precision, bigint) IS 'SR0 = √V·((1-γ)Φ⁻¹(1-1/N) + γΦ⁻¹(1-1/(N·e))), γ Euler–Mascheroni: the expected maximum Sharpe ratio of N trials whose true Sharpe ratio is 0, Bailey & López de Prado (2014) "The Deflated Sharpe Ratio". V the variance of the trials'' per-observation Sharpe ratios; N >= 1 (N = 1 or V = 0 gives 0). PD012 on NaN/±Infinity or out of domain. docs/ml.md.';
