-- api.incidents — incidents with their current status (open, acknowledged, resolved).
CREATE VIEW api.incidents AS
SELECT i.book_id, i.seq, 'INC-' || i.book_id || '-' || i.seq AS incident, a.name AS account, i.severity, i.category,
       i.scope, i.title, i.description, i.links, i.source, i.actor, i.ts, coalesce(i.opened_at, i.recorded_at) AS opened_at,
       coalesce((SELECT CASE bool_or(u.action = 'resolved') WHEN true THEN 'resolved'
                        ELSE CASE bool_or(u.action = 'acknowledged') WHEN true THEN 'acknowledged' END END
                   FROM ops.incident_update u WHERE u.book_id = i.book_id AND u.incident_seq = i.seq), 'open') AS status,
       (SELECT u.actor || ': ' || u.reason FROM ops.incident_update u
         WHERE u.book_id = i.book_id AND u.incident_seq = i.seq AND u.action = 'resolved' ORDER BY u.seq DESC LIMIT 1) AS resolution
  FROM ops.incident i LEFT JOIN trading.account a ON a.book_id = i.book_id;
COMMENT ON VIEW api.incidents IS 'Incidents (INC-<book>-<seq>; book 0 spans books) with severity, category, scope, links, who or what opened them, business time ts, wall time opened_at, and their status: open, acknowledged or resolved (with who and why).';
