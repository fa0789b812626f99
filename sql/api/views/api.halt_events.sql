-- api.halt_events — every halt and resume.
CREATE VIEW api.halt_events AS
SELECT e.scope_kind, e.scope_key, e.action, e.reason, e.source, e.actor, e.ts, e.effective_at, e.book_id, e.seq
  FROM risk.halt_event e;
COMMENT ON VIEW api.halt_events IS 'Every halt and resume: scope, reason, operator or system, who, business time (system halts) and effective wall time.';
