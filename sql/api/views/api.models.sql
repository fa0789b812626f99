-- api.models — the model registry (ml.model) as every login role reads it: what a model strategy loads and checks at
-- start (issue 19 item 6, docs/ml.md "Inference"), and the model row of predator ml and the model report. The worker
-- cannot read ml.model itself. The artefact at artefact_path must hash to artefact_sha256.
CREATE VIEW api.models AS
SELECT m.seq, m.model_id, m.family, m.code_version, m.dataset_hash, m.features, m.params, m.artefact_sha256,
       m.artefact_path, m.actor, m.recorded_at
  FROM ml.model m;
COMMENT ON VIEW api.models IS 'Registered models (ml.model): seq, id, family, code version, dataset hash, feature list, parameters, artefact sha256 and path, who recorded it and when; read by the worker to load and verify a model strategy''s artefact, and by predator ml and the model report (predator.db.ml_api).';
