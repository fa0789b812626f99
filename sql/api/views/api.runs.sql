-- api.runs — registered runs of the hour runner.
CREATE VIEW api.runs AS
SELECT r.run_id, a.name AS account, r.kind, r.config, r.dataset_hash, r.started_at
  FROM ops.run r JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.runs IS 'Runs of the hour runner with the configuration that reproduces them and their dataset hash.';
