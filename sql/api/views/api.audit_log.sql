-- api.audit_log — operator actions.
CREATE VIEW api.audit_log AS
SELECT l.book_id, l.seq, l.action, l.target, l.args, l.reason, l.actor, l.recorded_at, l.correlation_id
  FROM ops.audit_log l;
COMMENT ON VIEW api.audit_log IS 'Operator actions: what, on which target, with which arguments, who (login role), why and when (wall clock), and the correlation id of the request, command or worker hour that wrote it (advisory, caller-supplied, joins the log lines; NULL before migration 0038 or when malformed).';
