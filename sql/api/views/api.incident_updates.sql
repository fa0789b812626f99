-- api.incident_updates — every acknowledgement, comment and resolution of an incident (api.update_incident, and
-- api.resume resolving the incidents it answers).
CREATE VIEW api.incident_updates AS
SELECT 'INC-' || u.book_id || '-' || u.incident_seq AS incident, u.book_id, u.incident_seq, u.seq, u.action, u.reason,
       u.actor, u.recorded_at
  FROM ops.incident_update u;
COMMENT ON VIEW api.incident_updates IS 'Updates of incidents (INC-<book>-<seq>), in the incident''s book: acknowledged, comment or resolved, with why, who (login role) and when (wall clock); the incident''s status is in api.incidents.';
