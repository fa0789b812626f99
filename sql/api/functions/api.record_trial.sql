-- api.record_trial(p_family, p_params, p_n_obs, p_sharpe, p_metrics, p_returns) -> bigint (seq in ml.trial)
-- Worker (training and selection jobs) and operator. Records one configuration tried in a model family
-- (ml.trial, append-only, chained in book 0) — every one, kept or not: the count per family is the N that
-- deflates the selected model's Sharpe ratio (api.evaluate_promotion), and the variance of the trials'
-- Sharpe ratios its V. p_sharpe: the in-sample Sharpe ratio per period (mean/std of the per-period returns,
-- not annualised) over p_n_obs periods (> 1); p_metrics: other in-sample figures (a JSON object, informative);
-- p_returns (optional): the trial's per-period returns over the selection window, in time order, 4 to 100000 of
-- them — when two or more trials of the family carry returns of the same length, the gate computes the family's
-- probability of backtest overfitting from them (ml.pbo).
-- PD012 NaN/±Infinity in p_sharpe or p_returns (first), a missing or malformed argument.
-- Tables: ml.trial (and its chain head).
CREATE OR REPLACE FUNCTION api.record_trial(p_family text, p_params jsonb, p_n_obs integer, p_sharpe numeric,
                                            p_metrics jsonb, p_returns numeric[])
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
    PERFORM ops._require_finite('record_trial', ARRAY['p_sharpe'], ARRAY[p_sharpe]);
    IF p_returns IS NOT NULL THEN
        PERFORM ops._require_finite('record_trial', (SELECT array_agg(format('p_returns[%s]', i) ORDER BY i)
                                                       FROM generate_subscripts(p_returns, 1) i), p_returns);
    END IF;
    IF p_family IS NULL OR p_family !~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' OR p_params IS NULL
       OR jsonb_typeof(p_params) <> 'object' OR p_n_obs IS NULL OR p_n_obs <= 1 OR p_sharpe IS NULL
       OR abs(p_sharpe) > 1000 OR (p_metrics IS NOT NULL AND jsonb_typeof(p_metrics) <> 'object') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_trial refused: a trial needs its family, parameters, observations and Sharpe ratio',
            DETAIL = format('p_family=%s p_params=%s p_n_obs=%s p_sharpe=%s p_metrics=%s', left(p_family, 200),
                            left(p_params::text, 200), p_n_obs, p_sharpe, left(p_metrics::text, 200)),
            HINT = 'Pass the family name, the parameters and metrics as JSON objects, more than 1 observation and a Sharpe ratio per period within ±1000.';
    END IF;
    IF p_returns IS NOT NULL AND (array_ndims(p_returns) <> 1 OR array_lower(p_returns, 1) <> 1
                                  OR cardinality(p_returns) NOT BETWEEN 4 AND 100000
                                  OR array_position(p_returns, NULL) IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_trial refused: p_returns is not a series of returns',
            DETAIL = format('cardinality=%s ndims=%s lower=%s', cardinality(p_returns), array_ndims(p_returns), array_lower(p_returns, 1)),
            HINT = 'Pass the per-period returns in time order as a one-dimensional array of 4 to 100000 numbers without NULL, its first at subscript 1, or NULL.';
    END IF;
    INSERT INTO ml.trial (family, params, n_obs, sharpe, metrics, returns, actor)
    VALUES (p_family, p_params, p_n_obs, p_sharpe::double precision, coalesce(p_metrics, '{}'::jsonb),
            p_returns::double precision[], ops.actor())
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION api.record_trial(text, jsonb, integer, numeric, jsonb, numeric[]) IS 'Worker and operator: records one configuration tried in a model family in ml.trial (append-only, chained): parameters, in-sample Sharpe ratio per period over n_obs periods, other metrics, optional per-period returns (for the family''s PBO). The count per family is the N of the deflated Sharpe ratio. PD012 NaN/±Infinity or a missing or malformed argument.';
