-- api.audit_log — operator actions.
CREATE VIEW api.audit_log AS
SELECT l.book_id, l.seq, l.action, l.target, l.args, l.reason, l.actor, l.recorded_at
  FROM ops.audit_log l;
COMMENT ON VIEW api.audit_log IS 'Operator actions: what, on which target, with which arguments, who (login role), why and when (wall clock).';
