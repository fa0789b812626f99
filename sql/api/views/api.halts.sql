-- api.halts — current halt status per scope.
CREATE VIEW api.halts AS
SELECT h.scope_kind, h.scope_key, h.active, h.reason, h.since
  FROM risk.halt_state h;
COMMENT ON VIEW api.halts IS 'Halt status per scope (global, lane, account, strategy): active or lifted, why, since when (wall clock).';
