-- api.settings — the operator settings in force (ops.setting, highest revision per name).
CREATE VIEW api.settings AS
SELECT DISTINCT ON (s.name) s.name, s.value, s.revision, s.reason, s.actor, s.recorded_at
  FROM ops.setting s
 ORDER BY s.name, s.revision DESC;
COMMENT ON VIEW api.settings IS 'Operator settings in force (highest revision per name): max_clock_skew_seconds, how far business time may run ahead of the wall clock; with who set it and why.';
