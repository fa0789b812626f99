-- ml.norm_inv(p_p double precision) -> double precision
-- The inverse of the standard normal CDF, Φ⁻¹(p) for 0 < p < 1.
--
-- Written in-house because PostgreSQL 15 has no normal quantile function and no extension may be assumed.
-- Algorithm AS 241 (PPND16) of M. J. Wichura, "The Percentage Points of the Normal Distribution", Applied
-- Statistics 37(3), 1988, pp. 477-484: three rational approximations of degree 7 (|p - 0.5| <= 0.425; then
-- r = √(-ln min(p, 1-p)) <= 5; r > 5), relative accuracy about 1e-16. The coefficients are those of the paper,
-- as Python's statistics.NormalDist.inv_cdf carries them (the Python mirror predator.ml.stats uses that), so
-- the two agree to the last bits (tests/integration/test_ml_stats_sql.py requires 1e-9).
CREATE OR REPLACE FUNCTION ml.norm_inv(p_p double precision)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_q double precision;
    v_r double precision;
    v_num double precision;
    v_den double precision;
    v_x double precision;
BEGIN
    PERFORM ml._require_finite('ml.norm_inv', ARRAY['p_p'], ARRAY[p_p]);
    IF p_p <= 0 OR p_p >= 1 THEN
        PERFORM ml._refuse('ml.norm_inv', 'p_p', p_p::text, 'is not a probability strictly between 0 and 1',
                           'Φ⁻¹ is finite only on the open interval (0, 1).');
    END IF;
    v_q := p_p - 0.5;
    IF abs(v_q) <= 0.425 THEN
        v_r := 0.180625 - v_q * v_q;
        v_num := (((((((2.5090809287301226727e+3 * v_r + 3.3430575583588128105e+4) * v_r
                       + 6.7265770927008700853e+4) * v_r + 4.5921953931549871457e+4) * v_r
                       + 1.3731693765509461125e+4) * v_r + 1.9715909503065514427e+3) * v_r
                       + 1.3314166789178437745e+2) * v_r + 3.3871328727963666080e+0) * v_q;
        v_den := (((((((5.2264952788528545610e+3 * v_r + 2.8729085735721942674e+4) * v_r
                       + 3.9307895800092710610e+4) * v_r + 2.1213794301586595867e+4) * v_r
                       + 5.3941960214247511077e+3) * v_r + 6.8718700749205790830e+2) * v_r
                       + 4.2313330701600911252e+1) * v_r + 1.0);
        RETURN v_num / v_den;
    END IF;
    v_r := CASE WHEN v_q <= 0 THEN p_p ELSE 1.0 - p_p END;
    v_r := sqrt(-ln(v_r));
    IF v_r <= 5.0 THEN
        v_r := v_r - 1.6;
        v_num := (((((((7.74545014278341407640e-4 * v_r + 2.27238449892691845833e-2) * v_r
                       + 2.41780725177450611770e-1) * v_r + 1.27045825245236838258e+0) * v_r
                       + 3.64784832476320460504e+0) * v_r + 5.76949722146069140550e+0) * v_r
                       + 4.63033784615654529590e+0) * v_r + 1.42343711074968357734e+0);
        v_den := (((((((1.05075007164441684324e-9 * v_r + 5.47593808499534494600e-4) * v_r
                       + 1.51986665636164571966e-2) * v_r + 1.48103976427480074590e-1) * v_r
                       + 6.89767334985100004550e-1) * v_r + 1.67638483018380384940e+0) * v_r
                       + 2.05319162663775882187e+0) * v_r + 1.0);
    ELSE
        v_r := v_r - 5.0;
        v_num := (((((((2.01033439929228813265e-7 * v_r + 2.71155556874348757815e-5) * v_r
                       + 1.24266094738807843860e-3) * v_r + 2.65321895265761230930e-2) * v_r
                       + 2.96560571828504891230e-1) * v_r + 1.78482653991729133580e+0) * v_r
                       + 5.46378491116411436990e+0) * v_r + 6.65790464350110377720e+0);
        v_den := (((((((2.04426310338993978564e-15 * v_r + 1.42151175831644588870e-7) * v_r
                       + 1.84631831751005468180e-5) * v_r + 7.86869131145613259100e-4) * v_r
                       + 1.48753612908506148525e-2) * v_r + 1.36929880922735805310e-1) * v_r
                       + 5.99832206555887937690e-1) * v_r + 1.0);
    END IF;
    v_x := v_num / v_den;
    RETURN CASE WHEN v_q < 0 THEN -v_x ELSE v_x END;
END
$$;

COMMENT ON FUNCTION ml.norm_inv(double precision) IS 'The standard normal quantile Φ⁻¹(p) for 0 < p < 1, in-house (PostgreSQL 15 has none): Wichura''s algorithm AS 241 (Applied Statistics 37(3), 1988), relative accuracy ~1e-16. Refuses p outside (0, 1), NaN and ±Infinity with PD012; NULL gives NULL. docs/ml.md.';
