-- ml._sr_variance_term(p_routine, p_sr, p_skew, p_kurtosis) -> double precision
-- The non-normality term of the Sharpe ratio estimate's variance, 1 - γ3·SR + (γ4 - 1)/4 · SR², after checking
-- its inputs' domain (Bailey & López de Prado 2012, "The Sharpe Ratio Efficient Frontier", eq. for σ̂(SR̂):
-- σ̂²(SR̂) = (1 - γ3·SR̂ + (γ4-1)/4·SR̂²) / (n - 1)). Refusals (PD012, through ml._refuse, named by p_routine):
--   |sr| > 1000 (a per-observation Sharpe ratio, never annualised, is far below);
--   |skew| > 1000;
--   kurtosis < 1 + skew² (Pearson's inequality, true of every distribution, with a relative tolerance of 1e-9
--     for rounding: an excess kurtosis passed for the kurtosis usually breaks it) or kurtosis > 1e7;
--   a term <= 0 (possible only on the boundary kurtosis = 1 + skew², skew·SR = 2: a two-point distribution).
CREATE OR REPLACE FUNCTION ml._sr_variance_term(p_routine text, p_sr double precision, p_skew double precision,
                                                p_kurtosis double precision)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_term double precision;
BEGIN
    IF abs(p_sr) > 1000 THEN
        PERFORM ml._refuse(p_routine, 'p_sr', p_sr::text, 'is outside [-1000, 1000]',
                           'sr is the per-observation Sharpe ratio (mean / standard deviation of one period''s returns), never annualised.');
    END IF;
    IF abs(p_skew) > 1000 THEN
        PERFORM ml._refuse(p_routine, 'p_skew', p_skew::text, 'is outside [-1000, 1000]',
                           'skew is the third standardised moment of the returns behind sr.');
    END IF;
    IF p_kurtosis < (1 + p_skew * p_skew) * (1 - 1e-9) OR p_kurtosis > 1e7 THEN
        PERFORM ml._refuse(p_routine, 'p_kurtosis', p_kurtosis::text,
                           format('is outside [1 + skew^2, 1e7] = [%s, 1e7]', 1 + p_skew * p_skew),
                           'kurtosis is the fourth standardised moment, NOT the excess kurtosis: 3 for normal returns (pass excess + 3); every distribution has kurtosis >= 1 + skew^2.');
    END IF;
    v_term := 1 - p_skew * p_sr + (p_kurtosis - 1) / 4 * p_sr * p_sr;
    IF v_term <= 0 THEN
        PERFORM ml._refuse(p_routine, 'p_kurtosis', p_kurtosis::text,
                           format('with skew %s and sr %s leaves the Sharpe ratio estimate no variance (1 - skew*sr + (kurtosis-1)/4*sr^2 = %s)',
                                  p_skew, p_sr, v_term),
                           'Only a two-point distribution reaches this boundary: check the moments passed.');
    END IF;
    RETURN v_term;
END
$$;

COMMENT ON FUNCTION ml._sr_variance_term(text, double precision, double precision, double precision) IS 'The non-normality term 1 - skew·SR + (kurtosis-1)/4·SR² of the Sharpe ratio estimate''s variance (Bailey & López de Prado 2012), after refusing with PD012 |sr| > 1000, |skew| > 1000, kurtosis outside [1 + skew², 1e7] (kurtosis is NOT excess) and a non-positive term. Internal to the ml functions.';
