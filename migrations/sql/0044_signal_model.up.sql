-- 0044_signal_model.up.sql — a model strategy's signals name their model (issue 19 items 5 and 6).
--
-- trading.signal.model_id: the ml.model row whose artefact decided the signal, set by api.submit_signal
-- (p_model_id) and NULL for every other strategy. A NULL column is dropped from the canonical row
-- (jsonb_strip_nulls, docs/hashing.md §1), so the row hash of every signal without a model, before and after this
-- migration, is unchanged: existing chains verify and replay digests do not move. The model is of book 0 (the
-- control plane) and the signal of its book, so there is no foreign key (the schema stays distributable by book,
-- tests/integration/test_distributable.py); api.submit_signal checks that the model is registered in ml.model and
-- that it is the model the strategy was registered with (trading.strategy.params->>'model_id').
SET LOCAL ROLE predator_owner;

ALTER TABLE trading.signal ADD COLUMN model_id text
    CONSTRAINT signal_model_id_shape CHECK (model_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$');
COMMENT ON COLUMN trading.signal.model_id IS 'The registered model (ml.model.model_id) that decided this signal, for a model strategy (checked by api.submit_signal against ml.model and the strategy''s registered params->>''model_id''); NULL otherwise, and then absent from the row hash.';
