-- ml._require_model(p_routine, p_model_id, p_detail) -> void
-- Nothing when p_model_id is a registered model (ml.model, the registry of book 0), else PD011 (NotFound, docs/errors.md):
-- MESSAGE '<routine> refused: model <id> is not registered', DETAIL 'model_id=<id>' (preceded by p_detail when
-- given, e.g. the strategy), HINT to register it first. The one check of "is this model registered" behind every
-- door that names a model (api.record_fold_metric, api.evaluate_promotion, api.register_strategy,
-- api.submit_signal, ml._forward_figures), so that they refuse alike. A NULL id is refused the same way. Returns
-- void, not the row: a function returning ml.model would depend on the table's row type, and migration 0043's
-- down (tests/acceptance/test_durability.py migrates down and up again) could not drop the table.
CREATE OR REPLACE FUNCTION ml._require_model(p_routine text, p_model_id text, p_detail text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM ml.model m WHERE m.book_id = 0 AND m.model_id = p_model_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('%s refused: model %s is not registered', p_routine, coalesce(left(p_model_id, 200), 'NULL')),
            DETAIL = concat_ws(' ', p_detail, format('model_id=%s', coalesce(left(p_model_id, 200), 'NULL'))),
            HINT = 'Register the trained model first (api.register_model, with its trials and folds); registered models are in api.models.';
    END IF;
END
$$;

COMMENT ON FUNCTION ml._require_model(text, text, text) IS 'Internal: nothing for a registered model (ml.model, book 0), else PD011 "<routine> refused: model <id> is not registered" with a HINT to register it; the one check behind api.record_fold_metric, api.evaluate_promotion, api.register_strategy, api.submit_signal and ml._forward_figures.';
