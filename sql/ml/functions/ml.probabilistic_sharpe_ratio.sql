-- ml.probabilistic_sharpe_ratio(p_sr, p_sr_benchmark, p_n_obs, p_skew, p_kurtosis) -> double precision
-- The probabilistic Sharpe ratio PSR(SR*) of Bailey & López de Prado (2012), "The Sharpe Ratio Efficient
-- Frontier", Journal of Risk 15(2), §3 "Probabilistic Sharpe ratio" (SSRN abstract 1821643):
--     PSR(SR*) = Φ( (SR̂ - SR*) · √(n - 1) / √(1 - γ̂3·SR̂ + (γ̂4 - 1)/4 · SR̂²) )
-- the probability that the true Sharpe ratio exceeds the benchmark SR*, given an estimate SR̂ from n returns of
-- skewness γ̂3 and kurtosis γ̂4. Units: SR̂ and SR* per observation (mean / standard deviation of one period's
-- returns, never annualised, the same period for both); n a count of observations (> 1; fractional only as
-- MinTRL's output); γ̂4 the kurtosis, NOT the excess kurtosis (3 for normal returns). A probability in [0, 1].
-- Refusals: PD012 for NaN/±Infinity, n <= 1 or n > 1e12, |SR*| > 1000 and the moments' domain of
-- ml._sr_variance_term. STRICT: a NULL argument gives NULL.
CREATE OR REPLACE FUNCTION ml.probabilistic_sharpe_ratio(p_sr double precision, p_sr_benchmark double precision,
                                                         p_n_obs double precision, p_skew double precision,
                                                         p_kurtosis double precision)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_routine CONSTANT text := 'ml.probabilistic_sharpe_ratio';
    v_term double precision;
BEGIN
    PERFORM ml._require_finite(c_routine, ARRAY['p_sr', 'p_sr_benchmark', 'p_n_obs', 'p_skew', 'p_kurtosis'],
                               ARRAY[p_sr, p_sr_benchmark, p_n_obs, p_skew, p_kurtosis]);
    IF abs(p_sr_benchmark) > 1000 THEN
        PERFORM ml._refuse(c_routine, 'p_sr_benchmark', p_sr_benchmark::text, 'is outside [-1000, 1000]',
                           'sr_benchmark is a per-observation Sharpe ratio in the same period as sr, never annualised.');
    END IF;
    IF p_n_obs <= 1 OR p_n_obs > 1e12 THEN
        PERFORM ml._refuse(c_routine, 'p_n_obs', p_n_obs::text, 'is outside (1, 1e12]',
                           'n_obs is the number of return observations behind sr: at least 2.');
    END IF;
    v_term := ml._sr_variance_term(c_routine, p_sr, p_skew, p_kurtosis);
    RETURN ml.norm_cdf((p_sr - p_sr_benchmark) * sqrt(p_n_obs - 1) / sqrt(v_term));
END
$$;

COMMENT ON FUNCTION ml.probabilistic_sharpe_ratio(double precision, double precision, double precision, double precision, double precision) IS 'PSR(SR*) = Φ((SR - SR*)·√(n-1) / √(1 - skew·SR + (kurtosis-1)/4·SR²)), Bailey & López de Prado (2012) "The Sharpe Ratio Efficient Frontier": the probability that the true Sharpe ratio exceeds sr_benchmark. sr and sr_benchmark per observation (not annualised); n_obs observations (> 1); kurtosis is the fourth standardised moment, NOT excess (3 = normal). PD012 on NaN/±Infinity or out of domain. docs/ml.md.';
