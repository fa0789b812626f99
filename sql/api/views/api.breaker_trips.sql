-- api.breaker_trips — every circuit-breaker trip.
CREATE VIEW api.breaker_trips AS
SELECT a.name AS account, t.breaker, t.ts, t.value, t.threshold, t.trip_scope, t.figures,
       'INC-' || t.book_id || '-' || t.incident_seq AS incident, t.seq
  FROM risk.breaker_trip t JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.breaker_trips IS 'Circuit-breaker trips: the figure that tripped, its threshold, the scope halted, the incident opened.';
