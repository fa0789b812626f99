-- api.session_incidents — the incidents of each session: those of its account opened while it ran (from its
-- start to its end, wall time), with their severity, status and reason.
CREATE VIEW api.session_incidents AS
SELECT s.session_id, 'SES-' || s.session_id AS session, a.name AS account, i.incident, i.severity, i.category,
       i.title, i.description, i.status, i.opened_at
  FROM ops.session s
  JOIN trading.account a ON a.book_id = s.book_id
  JOIN api.incidents i ON i.book_id = s.book_id AND i.opened_at >= s.started_at
                      AND (s.ended_at IS NULL OR i.opened_at <= s.ended_at);
COMMENT ON VIEW api.session_incidents IS 'Incidents linked to a session: those of its account opened between its start and its end (wall time), with severity, category, title, reason (description) and status (open, acknowledged, resolved).';
