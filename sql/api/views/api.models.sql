-- api.models — the model registry (ml.model) as the worker reads it: what a model strategy loads and checks at start
-- (issue 19 item 6, docs/ml.md "Inference"). The artefact at artefact_path must hash to artefact_sha256.
CREATE VIEW api.models AS
SELECT m.model_id, m.family, m.code_version, m.dataset_hash, m.features, m.params, m.artefact_sha256, m.artefact_path,
       m.recorded_at
  FROM ml.model m;
COMMENT ON VIEW api.models IS 'Registered models (ml.model): id, family, code version, dataset hash, feature list, parameters, artefact sha256 and path, when recorded; read by the worker to load and verify a model strategy''s artefact.';
