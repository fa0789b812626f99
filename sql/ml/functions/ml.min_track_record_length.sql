-- ml.min_track_record_length(p_sr, p_sr_benchmark, p_skew, p_kurtosis, p_confidence) -> double precision
-- The minimum track record length of Bailey & López de Prado (2012), "The Sharpe Ratio Efficient Frontier",
-- Journal of Risk 15(2), the section on the minimum track record length (SSRN abstract 1821643):
--     MinTRL = 1 + (1 - γ̂3·SR̂ + (γ̂4 - 1)/4 · SR̂²) · ( Z_α / (SR̂ - SR*) )²,   Z_α = Φ⁻¹(confidence)
-- the number of observations needed for PSR(SR*) to reach the confidence (PSR at n = MinTRL equals it). Units:
-- SR̂, SR* per observation (never annualised); the result in observations of that period (fractional; round up
-- to compare with a track record); kurtosis NOT excess. Refusals: PD012 for NaN/±Infinity, confidence outside
-- [0.5, 1), sr - sr_benchmark < 1e-9 (a track record whose Sharpe ratio does not exceed the benchmark never
-- qualifies, whatever its length), |SR*| > 1000 and the moments' domain of ml._sr_variance_term. STRICT.
CREATE OR REPLACE FUNCTION ml.min_track_record_length(p_sr double precision, p_sr_benchmark double precision,
                                                      p_skew double precision, p_kurtosis double precision,
                                                      p_confidence double precision)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_routine CONSTANT text := 'ml.min_track_record_length';
    v_term double precision;
    v_ratio double precision;
BEGIN
    PERFORM ml._require_finite(c_routine, ARRAY['p_sr', 'p_sr_benchmark', 'p_skew', 'p_kurtosis', 'p_confidence'],
                               ARRAY[p_sr, p_sr_benchmark, p_skew, p_kurtosis, p_confidence]);
    IF abs(p_sr_benchmark) > 1000 THEN
        PERFORM ml._refuse(c_routine, 'p_sr_benchmark', p_sr_benchmark::text, 'is outside [-1000, 1000]',
                           'sr_benchmark is a per-observation Sharpe ratio in the same period as sr, never annualised.');
    END IF;
    IF p_confidence < 0.5 OR p_confidence >= 1 THEN
        PERFORM ml._refuse(c_routine, 'p_confidence', p_confidence::text, 'is outside [0.5, 1)',
                           'confidence is the probability PSR must reach, e.g. 0.95.');
    END IF;
    v_term := ml._sr_variance_term(c_routine, p_sr, p_skew, p_kurtosis);
    IF p_sr - p_sr_benchmark < 1e-9 THEN
        PERFORM ml._refuse(c_routine, 'p_sr', p_sr::text,
                           format('does not exceed sr_benchmark %s by 1e-9 or more', p_sr_benchmark),
                           'MinTRL is finite only when sr exceeds sr_benchmark: a track record whose Sharpe ratio does not beat the benchmark never qualifies, whatever its length.');
    END IF;
    v_ratio := ml.norm_inv(p_confidence) / (p_sr - p_sr_benchmark);
    RETURN 1 + v_term * v_ratio * v_ratio;
END
$$;

COMMENT ON FUNCTION ml.min_track_record_length(double precision, double precision, double precision, double precision, double precision) IS 'MinTRL = 1 + (1 - skew·SR + (kurtosis-1)/4·SR²)·(Φ⁻¹(confidence)/(SR - SR*))², Bailey & López de Prado (2012) "The Sharpe Ratio Efficient Frontier": observations needed for PSR(SR*) to reach the confidence. sr, sr_benchmark per observation (not annualised); result in observations; kurtosis NOT excess; confidence in [0.5, 1); sr must exceed sr_benchmark. PD012 otherwise. docs/ml.md.';
