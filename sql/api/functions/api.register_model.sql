-- api.register_model(p_model_id, p_family, p_code_version, p_dataset_hash, p_features, p_params,
--                    p_artefact_sha256, p_artefact_path) -> bigint (seq in ml.model)
-- Worker (training jobs) and operator. Registers a trained model in the governed registry (ml.model,
-- append-only, chained in book 0): its id (unique, never reused), family, code version (the commit that
-- trained it), the dataset hash of its training data (api.dataset_hash, 64 hex), its features (a non-empty list
-- of distinct names), its parameters (a JSON object), the sha256 of its artefact (64 hex) and where the artefact
-- lies. A registration decides nothing: only api.evaluate_promotion (operator) moves a champion.
-- PD012 a missing or malformed argument, a duplicate feature, a model id already registered.
-- Tables: ml.model (and its chain head).
CREATE OR REPLACE FUNCTION api.register_model(p_model_id text, p_family text, p_code_version text, p_dataset_hash text,
                                              p_features text[], p_params jsonb, p_artefact_sha256 text,
                                              p_artefact_path text)
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
    IF p_model_id IS NULL OR p_model_id !~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'
       OR p_family IS NULL OR p_family !~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'register_model refused: the model id or family is not a name',
            DETAIL = format('p_model_id=%s p_family=%s', left(p_model_id, 200), left(p_family, 200)),
            HINT = 'A model id and a family are 1 to 128 characters of letters, digits and . _ : -, starting with a letter or digit.';
    END IF;
    IF p_code_version IS NULL OR length(btrim(p_code_version)) NOT BETWEEN 1 AND 200
       OR p_dataset_hash IS NULL OR p_dataset_hash !~ '^[0-9a-f]{64}$'
       OR p_artefact_sha256 IS NULL OR p_artefact_sha256 !~ '^[0-9a-f]{64}$'
       OR p_artefact_path IS NULL OR length(btrim(p_artefact_path)) NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('register_model refused: model %s lacks its lineage', p_model_id),
            DETAIL = format('p_code_version=%s p_dataset_hash=%s p_artefact_sha256=%s p_artefact_path=%s', left(p_code_version, 200),
                            left(p_dataset_hash, 100), left(p_artefact_sha256, 100), left(p_artefact_path, 200)),
            HINT = 'Pass the code version (1..200 characters), the dataset hash from api.dataset_hash and the artefact sha256 (64 lowercase hex each) and the artefact path (1..1000 characters).';
    END IF;
    IF p_features IS NULL OR cardinality(p_features) NOT BETWEEN 1 AND 10000 OR array_ndims(p_features) <> 1
       OR array_position(p_features, NULL) IS NOT NULL
       OR (SELECT count(DISTINCT f) FROM unnest(p_features) f) <> cardinality(p_features)
       OR EXISTS (SELECT FROM unnest(p_features) f WHERE length(btrim(f)) NOT BETWEEN 1 AND 200) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('register_model refused: the feature list of model %s is not a list of names', p_model_id),
            DETAIL = format('p_features=%s', left(p_features::text, 500)),
            HINT = 'Pass 1 to 10000 distinct feature names of 1 to 200 characters, in the order the model reads them.';
    END IF;
    IF p_params IS NULL OR jsonb_typeof(p_params) <> 'object' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('register_model refused: the parameters of model %s are not a JSON object', p_model_id),
            DETAIL = format('p_params=%s', left(p_params::text, 500)),
            HINT = 'Pass the hyperparameters (seeds and thread counts included) as a JSON object.';
    END IF;
    IF EXISTS (SELECT FROM ml.model m WHERE m.book_id = 0 AND m.model_id = p_model_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('register_model refused: model %s is already registered', p_model_id),
            DETAIL = format('model_id=%s', p_model_id),
            HINT = 'A model id names one artefact for ever: register a retrained model under a new id.';
    END IF;
    INSERT INTO ml.model (model_id, family, code_version, dataset_hash, features, params, artefact_sha256, artefact_path, actor)
    VALUES (p_model_id, p_family, p_code_version, p_dataset_hash, p_features, p_params, p_artefact_sha256, p_artefact_path, ops.actor())
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;

COMMENT ON FUNCTION api.register_model(text, text, text, text, text[], jsonb, text, text) IS 'Worker and operator: registers a trained model in ml.model (append-only, chained): id, family, code version, dataset hash (api.dataset_hash), features, parameters, artefact sha256 and path. Decides nothing (api.evaluate_promotion does). PD012 a missing or malformed argument or an id already registered.';
