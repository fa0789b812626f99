-- api.breakers — circuit-breaker settings in force per lane and account.
CREATE VIEW api.breakers AS
SELECT DISTINCT ON (s.lane, s.account, s.breaker) s.lane, s.account, s.breaker, k.unit, s.threshold, s.window_hours,
       s.min_events, s.trip_scope, s.revision, s.reason, s.actor, s.recorded_at
  FROM risk.breaker_setting s JOIN risk.breaker_kind k USING (breaker)
 ORDER BY s.lane, s.account, s.breaker, s.revision DESC;
COMMENT ON VIEW api.breakers IS 'Circuit-breaker thresholds per lane and account (* = every account of the lane), highest revision; NULL threshold = off.';
