-- ml.norm_cdf(p_x double precision) -> double precision
-- The standard normal cumulative distribution function Φ(x) = erfc(-x/√2) / 2.
--
-- Written in-house because PostgreSQL 15 has no erf, erfc or normal distribution function (erf and erfc arrive
-- only in PostgreSQL 16) and no extension may be assumed. The complementary error function is computed the way
-- CPython's mathmodule.c computes it where the C library has no erf (m_erf_series, m_erfc_contfrac), which is
-- double-precision accurate:
--   |z| < 1.5        the power series erf(z) = 2z/√π · e^(-z²) · Σ_{k≥0} (2z²)^k / (1·3·…·(2k+1))
--                    (Abramowitz & Stegun 7.1.6), 25 terms summed from the last, then erfc = 1 - erf;
--   1.5 <= |z| < 26  the continued fraction erfc(z) = e^(-z²)/√π · z / (z² + 1/2 - (1·1/2)/(z² + 5/2 - (2·3/2)/
--                    (z² + 9/2 - …))) (A&S 7.1.14 in its even form), 50 terms by the forward recurrence;
--   |z| >= 26        erfc(|z|) = 0 (below 10^-295), erfc(-|z|) = 2;
-- and |x| < 10^-100 returns 0.5 (PostgreSQL refuses a float8 product that underflows to zero).
-- Absolute error below 10^-15 over the whole line (tests/integration/test_ml_stats_sql.py compares it with Python's
-- statistics.NormalDist, which calls the C library's erf, and requires 10^-9).
CREATE OR REPLACE FUNCTION ml.norm_cdf(p_x double precision)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sqrtpi CONSTANT double precision := sqrt(pi());
    v_z  double precision;  -- -x/√2: Φ(x) = erfc(v_z) / 2
    v_az double precision;
    v_z2 double precision;
    v_acc double precision := 0;
    v_fk double precision;
    v_a double precision;
    v_da double precision;
    v_b double precision;
    v_p double precision;
    v_p_last double precision;
    v_q double precision;
    v_q_last double precision;
    v_t double precision;
    v_erfc double precision;
BEGIN
    PERFORM ml._require_finite('ml.norm_cdf', ARRAY['p_x'], ARRAY[p_x]);
    IF abs(p_x) < 1e-100 THEN
        RETURN 0.5;
    END IF;
    v_z := -p_x / sqrt(2::double precision);
    v_az := abs(v_z);
    IF v_az < 1.5 THEN
        v_z2 := v_z * v_z;
        v_fk := 25.5;
        FOR i IN 1 .. 25 LOOP
            v_acc := 2.0 + v_z2 * v_acc / v_fk;
            v_fk := v_fk - 1.0;
        END LOOP;
        RETURN 0.5 * (1.0 - v_acc * v_z * exp(-v_z2) / v_sqrtpi);
    END IF;
    IF v_az >= 26 THEN
        v_erfc := 0;
    ELSE
        v_z2 := v_az * v_az;
        v_a := 0; v_da := 0.5;
        v_p := 1; v_p_last := 0;
        v_q := v_da + v_z2; v_q_last := 1;
        FOR i IN 1 .. 50 LOOP
            v_a := v_a + v_da;
            v_da := v_da + 2.0;
            v_b := v_da + v_z2;
            v_t := v_p; v_p := v_b * v_p - v_a * v_p_last; v_p_last := v_t;
            v_t := v_q; v_q := v_b * v_q - v_a * v_q_last; v_q_last := v_t;
        END LOOP;
        v_erfc := v_p / v_q * v_az * exp(-v_z2) / v_sqrtpi;
    END IF;
    IF v_z < 0 THEN
        v_erfc := 2.0 - v_erfc;
    END IF;
    RETURN 0.5 * v_erfc;
END
$$;

COMMENT ON FUNCTION ml.norm_cdf(double precision) IS 'The standard normal CDF Φ(x) = erfc(-x/√2)/2, in-house (PostgreSQL 15 has no erf): power series below |x/√2| = 1.5, continued fraction above (A&S 7.1.6, 7.1.14; the algorithm of CPython''s mathmodule.c), absolute error < 1e-15. Refuses NaN and ±Infinity with PD012; NULL gives NULL. docs/ml.md.';
