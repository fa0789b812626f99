-- 46_ml_stats.sql — schema ml (migration 0042, issue 19): the model lane's statistics as pure SQL functions.
--
-- The schema holds exactly the functions below, owned by predator_owner, IMMUTABLE, SECURITY INVOKER with a pinned
-- search_path, each with a COMMENT; the public ones are STRICT (NULL in, NULL out). The operator and the auditor
-- execute them all, the worker and PUBLIC none. Values: the published worked examples (Bailey & López de Prado
-- 2012, "The Sharpe Ratio Efficient Frontier", §3 and Appendix A.3; 2014, "The Deflated Sharpe Ratio", "A
-- numerical example"), the normal CDF and quantile at known points, PBO on matrices whose answer is known by
-- construction. Refusals: every double precision argument of every public function refuses NaN, Infinity and
-- -Infinity with PD012 naming the argument in DETAIL (generated from pg_proc), and each domain rule has its PD012
-- with a HINT. tests/integration/test_ml_stats_sql.py checks the Python mirror against these functions.
BEGIN;

CREATE TEMP TABLE ml_surface (fn name, args name[], public boolean);
INSERT INTO ml_surface VALUES
    ('norm_cdf', '{"double precision"}', true),
    ('norm_inv', '{"double precision"}', true),
    ('probabilistic_sharpe_ratio', '{"double precision","double precision","double precision","double precision","double precision"}', true),
    ('expected_max_sharpe', '{"double precision",bigint}', true),
    ('deflated_sharpe_ratio', '{"double precision","double precision",bigint,"double precision","double precision","double precision"}', true),
    ('min_track_record_length', '{"double precision","double precision","double precision","double precision","double precision"}', true),
    ('pbo', '{"double precision[]",integer}', true),
    ('_refuse', '{text,text,text,text,text}', false),
    ('_require_finite', '{text,text[],"double precision[]"}', false),
    ('_sr_variance_term', '{text,"double precision","double precision","double precision"}', false);

-- pg_temp.cases() -> one row per (public ml function, double precision argument, non-finite value): the call with
-- plausible values elsewhere, and the DETAIL its refusal must carry.
CREATE FUNCTION pg_temp.cases() RETURNS TABLE (routine text, arg text, val text, call text, detail text)
LANGUAGE sql AS $$
    SELECT p.oid::regprocedure::text, a.name, v.val,
           format('SELECT ml.%I(%s)', p.proname,
                  (SELECT string_agg(CASE WHEN b.i = a.i THEN quote_literal(v.val) || '::float8'
                                          ELSE CASE b.name WHEN 'p_sr' THEN '0.2' WHEN 'p_sr_benchmark' THEN '0'
                                                           WHEN 'p_n_obs' THEN '100' WHEN 'p_skew' THEN '0'
                                                           WHEN 'p_kurtosis' THEN '3' WHEN 'p_confidence' THEN '0.95'
                                                           WHEN 'p_var_of_trial_srs' THEN '0.01' WHEN 'p_n_trials' THEN '10'
                                                           WHEN 'p_x' THEN '0.5' WHEN 'p_p' THEN '0.5' END END,
                                     ', ' ORDER BY b.i)
                     FROM unnest(p.proargtypes::regtype[], p.proargnames[1:p.pronargs]) WITH ORDINALITY b(typ, name, i))),
           format('argument=%s value=%s', a.name, v.val)
      FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ml'
     CROSS JOIN LATERAL unnest(p.proargtypes::regtype[], p.proargnames[1:p.pronargs]) WITH ORDINALITY a(typ, name, i)
     CROSS JOIN (VALUES ('NaN'), ('Infinity'), ('-Infinity')) v(val)
     WHERE p.prokind = 'f' AND p.proname NOT LIKE '\_%' AND a.typ = 'double precision'::regtype
     ORDER BY 1, a.i, v.val
$$;

-- pg_temp.refusal(sql) -> 'SQLSTATE: DETAIL' of the error the statement raises (NULL if none)
CREATE FUNCTION pg_temp.refusal(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_state text;
    v_detail text;
BEGIN
    BEGIN
        EXECUTE p_sql;
        RAISE EXCEPTION USING ERRCODE = 'P0004', MESSAGE = 'no error';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL;
    END;
    RETURN CASE WHEN v_state = 'P0004' THEN NULL ELSE v_state || ': ' || v_detail END;
END
$$;

-- pg_temp.hint(sql) -> the HINT of the error the statement raises (NULL if none)
CREATE FUNCTION pg_temp.hint(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_hint text;
BEGIN
    BEGIN
        EXECUTE p_sql;
        RETURN NULL;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_hint = PG_EXCEPTION_HINT;
    END;
    RETURN v_hint;
END
$$;

-- The domain refusals: each a call, and the argument its DETAIL names.
CREATE TEMP TABLE domain_cases (call text, arg text, why text);
INSERT INTO domain_cases VALUES
    ('SELECT ml.norm_inv(0)', 'p_p', 'a probability of 0'),
    ('SELECT ml.norm_inv(1)', 'p_p', 'a probability of 1'),
    ('SELECT ml.probabilistic_sharpe_ratio(0.2, 0, 1, 0, 3)', 'p_n_obs', 'one observation'),
    ('SELECT ml.probabilistic_sharpe_ratio(0.2, 0, 100, 0, 0)', 'p_kurtosis', 'the excess kurtosis of a normal passed for the kurtosis'),
    ('SELECT ml.probabilistic_sharpe_ratio(0.2, 0, 100, -2, 4)', 'p_kurtosis', 'a kurtosis below 1 + skew^2'),
    ('SELECT ml.probabilistic_sharpe_ratio(1, 0, 100, 2, 5)', 'p_kurtosis', 'a two-point distribution leaving the estimate no variance'),
    ('SELECT ml.probabilistic_sharpe_ratio(1001, 0, 100, 0, 3)', 'p_sr', 'an annualised-looking Sharpe ratio beyond 1000'),
    ('SELECT ml.probabilistic_sharpe_ratio(0.2, -1001, 100, 0, 3)', 'p_sr_benchmark', 'a benchmark beyond 1000'),
    ('SELECT ml.expected_max_sharpe(-0.01, 10)', 'p_var_of_trial_srs', 'a negative variance'),
    ('SELECT ml.expected_max_sharpe(0.01, 0)', 'p_n_trials', 'no trial'),
    ('SELECT ml.deflated_sharpe_ratio(0.2, 0.01, 0, 100, 0, 3)', 'p_n_trials', 'no trial'),
    ('SELECT ml.deflated_sharpe_ratio(0.2, 0.01, 10, 100, 0, 0.5)', 'p_kurtosis', 'a kurtosis below 1'),
    ('SELECT ml.min_track_record_length(0.1, 0.1, 0, 3, 0.95)', 'p_sr', 'a Sharpe ratio that does not beat the benchmark'),
    ('SELECT ml.min_track_record_length(0.1, 0, 0, 3, 1)', 'p_confidence', 'a confidence of 1'),
    ('SELECT ml.min_track_record_length(0.1, 0, 0, 3, 0.4)', 'p_confidence', 'a confidence below 1/2'),
    ($$SELECT ml.pbo('{{0.1,0.2},{0.1,0.2},{0.1,0.2},{0.1,0.2}}', 3)$$, 'p_blocks', 'an odd number of blocks'),
    ($$SELECT ml.pbo('{{0.1,0.2},{0.1,0.2},{0.1,0.2},{0.1,0.2}}', 18)$$, 'p_blocks', 'more than 16 blocks'),
    ($$SELECT ml.pbo('{0.1,0.2,0.3,0.4}', 2)$$, 'p_performance', 'a 1-D array'),
    ($$SELECT ml.pbo('{{0.1},{0.2},{0.3},{0.4}}', 2)$$, 'p_performance', 'a single trial'),
    ($$SELECT ml.pbo('{{0.1,0.2},{0.1,0.2},{0.1,0.2},{0.1,0.2},{0.1,0.2},{0.1,0.2}}', 4)$$, 'p_performance', 'rows not a multiple of the blocks'),
    ($$SELECT ml.pbo('{{0.1,0.2},{0.1,0.2}}', 2)$$, 'p_performance', 'fewer than 4 rows'),
    ($$SELECT ml.pbo('{{0.1,0.2},{0.1,NaN},{0.1,0.2},{0.1,0.2}}', 2)$$, 'p_performance', 'a NaN cell'),
    ($$SELECT ml.pbo('{{0.1,0.2},{0.1,0.2},{Infinity,0.2},{0.1,0.2}}', 2)$$, 'p_performance', 'an Infinity cell'),
    ($$SELECT ml.pbo('{{0.1,0.2},{0.1,0.2},{0.1,-Infinity},{0.1,0.2}}', 2)$$, 'p_performance', 'a -Infinity cell'),
    ($$SELECT ml.pbo('{{0.1,0.2},{0.1,0.2},{0.1,NULL},{0.1,0.2}}', 2)$$, 'p_performance', 'a NULL cell');

SELECT plan(41 + 6 * (SELECT count(*)::integer FROM ml_surface) + 2 * (SELECT count(*)::integer FROM pg_temp.cases())
            + 3 * (SELECT count(*)::integer FROM domain_cases));

-- Surface -----------------------------------------------------------------------------------------------------
SELECT schema_owner_is('ml', 'predator_owner', 'schema ml exists and is owned by predator_owner');
-- Besides the statistics, schema ml holds the model registry (migration 0043, tests/sql/47_ml_registry.sql): its
-- tables, the view ml.champion, ml._fold_summary, which reads them, ml._forward_figures, which reads a paper book
-- (STABLE, not pure functions; tests/sql/50_forward_fold.sql), and ml._require_model, the registered-model check of
-- every door that names a model.
SELECT functions_are('ml', ARRAY(SELECT fn FROM ml_surface) || '{_fold_summary,_forward_figures,_require_model}'::name[],
                     'ml holds exactly the statistics functions and their checks (and the registry''s fold summary, forward figures and model check)');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'ml'::regnamespace), (SELECT count(*) + 3 FROM ml_surface),
          'ml has no overloads');
SELECT is_empty($$SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'ml'::regnamespace AND c.relkind <> 'i'
                     AND c.relname NOT IN ('model', 'trial', 'fold_metric', 'promotion', 'champion')$$,
                'ml holds no table, view or sequence but the registry''s');
SELECT function_owner_is('ml', s.fn, s.args, 'predator_owner', format('ml.%s is owned by predator_owner', s.fn))
  FROM ml_surface s ORDER BY s.fn;
SELECT is((SELECT p.provolatile FROM pg_proc p WHERE p.pronamespace = 'ml'::regnamespace AND p.proname = s.fn), 'i'::"char",
          format('ml.%s is IMMUTABLE', s.fn))
  FROM ml_surface s ORDER BY s.fn;
SELECT is((SELECT p.proisstrict FROM pg_proc p WHERE p.pronamespace = 'ml'::regnamespace AND p.proname = s.fn), s.public,
          format('ml.%s is %s', s.fn, CASE WHEN s.public THEN 'STRICT' ELSE 'not STRICT (internal)' END))
  FROM ml_surface s ORDER BY s.fn;
SELECT ok((SELECT NOT p.prosecdef AND 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig)
             FROM pg_proc p WHERE p.pronamespace = 'ml'::regnamespace AND p.proname = s.fn),
          format('ml.%s is SECURITY INVOKER with a pinned search_path', s.fn))
  FROM ml_surface s ORDER BY s.fn;
SELECT ok((SELECT length(obj_description(p.oid, 'pg_proc')) > 40 FROM pg_proc p
            WHERE p.pronamespace = 'ml'::regnamespace AND p.proname = s.fn),
          format('ml.%s has a COMMENT', s.fn))
  FROM ml_surface s ORDER BY s.fn;
SELECT ok((SELECT has_function_privilege('predator_operator', p.oid, 'EXECUTE') AND has_function_privilege('predator_auditor', p.oid, 'EXECUTE')
                  AND NOT has_function_privilege('predator_worker', p.oid, 'EXECUTE') AND NOT has_function_privilege('public', p.oid, 'EXECUTE')
             FROM pg_proc p WHERE p.pronamespace = 'ml'::regnamespace AND p.proname = s.fn),
          format('ml.%s: operator and auditor execute it, worker and PUBLIC do not', s.fn))
  FROM ml_surface s ORDER BY s.fn;
SELECT schema_privs_are('ml', 'predator_operator', '{USAGE}', 'the operator has USAGE only on schema ml');
SELECT schema_privs_are('ml', 'predator_auditor', '{USAGE}', 'the auditor has USAGE only on schema ml');
SELECT schema_privs_are('ml', 'predator_worker', '{}', 'the worker has no privilege on schema ml');
SELECT ok(obj_description('ml'::regnamespace, 'pg_namespace') IS NOT NULL, 'schema ml has a COMMENT');

-- Published values, as the auditor -------------------------------------------------------------------------------
SET LOCAL ROLE predator_auditor;
-- The Sharpe Ratio Efficient Frontier (2012), §3: n = 24 monthly returns, SR = 0.458, skew -2.448, kurtosis 10.164.
SELECT is(round(ml.probabilistic_sharpe_ratio(0.458, 0, 24, -2.448, 10.164)::numeric, 3), 0.913,
          'PSR(0) of the 2012 paper''s track record is 0.913 (§3)');
SELECT is(round(ml.probabilistic_sharpe_ratio(0.458, 0, 24, 0, 3)::numeric, 3), 0.982,
          'and 0.982 had its returns been normal (§3)');
-- Appendix A.3: SR = 2/√12, SR* = 1/√12 (monthly), skew -0.72, kurtosis 5.78, 95 %.
SELECT is(round(ml.min_track_record_length(2 / sqrt(12), 1 / sqrt(12), -0.72, 5.78, 0.95)::numeric, 3), 59.895,
          'MinTRL of the 2012 paper''s appendix example is 59.895 months');
SELECT ok(abs(ml.probabilistic_sharpe_ratio(2 / sqrt(12), 1 / sqrt(12), ml.min_track_record_length(2 / sqrt(12), 1 / sqrt(12), -0.72, 5.78, 0.95), -0.72, 5.78) - 0.95) < 1e-12,
          'PSR at exactly MinTRL observations is the confidence asked');
-- The Deflated Sharpe Ratio (2014), "A numerical example": N = 100, V = 1/2 annualised, T = 1250 days of 250 a year,
-- skew -3, kurtosis 10, SR 2.5 annualised.
SELECT is(round(ml.expected_max_sharpe(0.5 / 250, 100)::numeric, 4), 0.1132, 'SR0 of the DSR paper''s example is 0.1132 per day');
SELECT is(round(ml.deflated_sharpe_ratio(2.5 / sqrt(250), 0.5 / 250, 100, 1250, -3, 10)::numeric, 4), 0.9004,
          'DSR of the DSR paper''s example is 0.9004 (< 0.95: not significant)');
SELECT is(round(ml.deflated_sharpe_ratio(2.5 / sqrt(250), 0.5 / 250, 46, 1250, -3, 10)::numeric, 4), 0.9505,
          'with N = 46 trials it would have been 0.9505 (the paper''s figure)');
SELECT is(round(ml.deflated_sharpe_ratio(2.5 / sqrt(250), 0.5 / 250, 88, 1250, 0, 3)::numeric, 4), 0.9505,
          'with normal returns, 0.9505 after N = 88 trials (the paper''s figure)');
SELECT ok(abs(ml.deflated_sharpe_ratio(2.5 / sqrt(250), 0.5 / 250, 100, 1250, -3, 10)
              - ml.probabilistic_sharpe_ratio(2.5 / sqrt(250), ml.expected_max_sharpe(0.5 / 250, 100), 1250, -3, 10)) < 1e-15,
          'DSR is PSR against the expected maximum Sharpe ratio');
SELECT is(ml.expected_max_sharpe(0.01, 1), 0::float8, 'one trial: no selection, SR0 = 0');
SELECT is(ml.expected_max_sharpe(0, 100), 0::float8, 'no dispersion among the trials: SR0 = 0');
SELECT ok(ml.expected_max_sharpe(0.01, 1000) > ml.expected_max_sharpe(0.01, 100), 'more trials raise the bar');

-- The normal CDF and quantile at known points (Abramowitz & Stegun table 26.1 values).
SELECT is(ml.norm_cdf(0), 0.5::float8, 'Φ(0) = 1/2');
SELECT ok(abs(ml.norm_cdf(1.96) - 0.9750021048517795) < 1e-15, 'Φ(1.96) = 0.97500210485178');
SELECT ok(abs(ml.norm_cdf(-3) - 0.0013498980316301) < 1e-15, 'Φ(-3) = 0.00134989803163');
SELECT ok(abs(ml.norm_cdf(-10) - 7.619853024160527e-24) < 1e-36, 'Φ(-10) = 7.6198530241605e-24 (relative accuracy in the tail)');
SELECT ok(abs(ml.norm_inv(0.975) - 1.959963984540054) < 1e-14, 'Φ⁻¹(0.975) = 1.959963984540054');
SELECT ok(abs(ml.norm_inv(1e-10) + 6.361340902404056) < 1e-12, 'Φ⁻¹(1e-10) = -6.361340902404056');
SELECT ok((SELECT max(abs(ml.norm_cdf(x) + ml.norm_cdf(-x) - 1)) FROM generate_series(-10.0, 10.0, 0.01) x) < 1e-15,
          'Φ(x) + Φ(-x) = 1 on [-10, 10]');
SELECT ok((SELECT max(abs(ml.norm_cdf(ml.norm_inv(p)) - p)) FROM generate_series(0.0005, 0.9995, 0.0005) p) < 1e-14,
          'Φ(Φ⁻¹(p)) = p on (0, 1)');
SELECT is(ml.norm_cdf(1e300), 1::float8, 'Φ(1e300) = 1, no overflow');
SELECT is(ml.norm_cdf(-1e300), 0::float8, 'Φ(-1e300) = 0, no underflow error');
SELECT is(ml.norm_cdf(1e-320), 0.5::float8, 'Φ(1e-320) = 1/2, no underflow error');

-- PBO on matrices whose answer is known by construction.
SELECT is(ml.pbo('{{0.02,-0.01},{0.01,-0.02},{-0.02,0.01},{-0.01,0.02}}', 2), 1::float8,
          'PBO = 1 when each half''s winner is the other half''s loser');
SELECT is(ml.pbo(ARRAY(SELECT ARRAY[0.001 * sin(i), 0.05 + 0.001 * cos(i), 0.001 * sin(3 * i)] FROM generate_series(1, 16) i), 4), 0::float8,
          'PBO = 0 when one trial dominates every block');
SELECT is(ml.pbo('{{0.01,0.01,0.01},{-0.02,-0.02,-0.02},{0.03,0.03,0.03},{0,0,0}}', 2), 1::float8,
          'identical trials tie at the median (logit 0), which counts as overfit');
SELECT is(ml.pbo('[0:3][5:6]={{0.02,-0.01},{0.01,-0.02},{-0.02,0.01},{-0.01,0.02}}', 2), 1::float8,
          'array bounds other than 1 are read by position');
SELECT ok(ml.pbo(ARRAY(SELECT ARRAY[sin(i * 1.3), cos(i * 0.7), sin(i * 2.9), cos(i * 5.1)] FROM generate_series(1, 64) i), 8)
          = ml.pbo(ARRAY(SELECT ARRAY[sin(i * 1.3), cos(i * 0.7), sin(i * 2.9), cos(i * 5.1)] FROM generate_series(1, 64) i), 8),
          'PBO is deterministic');

-- STRICT: NULL in, NULL out.
SELECT is(ml.probabilistic_sharpe_ratio(NULL, 0, 24, 0, 3), NULL, 'a NULL argument gives NULL (STRICT)');
SELECT is(ml.pbo(NULL, 2), NULL, 'a NULL matrix gives NULL (STRICT)');

-- The worker is refused.
RESET ROLE;
SET LOCAL ROLE predator_worker;
SELECT throws_ok('SELECT ml.norm_cdf(0)', '42501', NULL, 'the worker may not call the ml functions (42501)');
RESET ROLE;

-- Refusals ----------------------------------------------------------------------------------------------------
SELECT ok((SELECT count(DISTINCT routine) FROM pg_temp.cases()) = 6,
          'the generated cases cover the 6 public ml functions with a double precision argument');
SELECT throws_ok(c.call, 'PD012', NULL, format('%s refuses %s = %s with PD012', c.routine, c.arg, c.val))
  FROM pg_temp.cases() c;
SELECT is(pg_temp.refusal(c.call), 'PD012: ' || c.detail, format('%s names %s = %s in DETAIL', c.routine, c.arg, c.val))
  FROM pg_temp.cases() c;
SELECT throws_ok(d.call, 'PD012', NULL, format('%s is refused with PD012', d.why)) FROM domain_cases d;
SELECT ok(pg_temp.refusal(d.call) LIKE 'PD012: argument=' || d.arg || ' value=%', format('the refusal of %s names %s', d.why, d.arg))
  FROM domain_cases d;
SELECT ok(length(pg_temp.hint(d.call)) > 20, format('the refusal of %s carries a HINT', d.why)) FROM domain_cases d;
SELECT ok(pg_temp.hint('SELECT ml.probabilistic_sharpe_ratio(0.2, 0, 100, 0, 0)') LIKE '%NOT the excess kurtosis%',
          'the kurtosis refusal says the kurtosis is not the excess kurtosis');

SELECT * FROM finish();
ROLLBACK;
