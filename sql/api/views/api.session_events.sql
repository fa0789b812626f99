-- api.session_events — every move of every session, in order.
CREATE VIEW api.session_events AS
SELECT e.session_id, 'SES-' || e.session_id AS session, a.name AS account, e.seq, e.from_status, e.to_status, e.cause,
       e.source, e.reason, e.links, e.actor, e.recorded_at
  FROM ops.session_event e
  JOIN ops.session s ON s.session_id = e.session_id
  JOIN trading.account a ON a.book_id = s.book_id;
COMMENT ON VIEW api.session_events IS 'The moves of each session (creation, start, suspension, resumption, completion, rollback, promotion, demotion): from and to status, cause (operator, halt, incident, envelope, promotion, demotion), source (operator or system), reason, links (halt event, incident, approval, figures), who and when (wall time).';
