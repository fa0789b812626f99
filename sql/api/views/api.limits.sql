-- api.limits — the risk limits in force per profile.
CREATE VIEW api.limits AS
SELECT DISTINCT ON (s.profile, s.limit_name, s.scope) s.profile, s.limit_name, s.scope, s.mode, s.value, s.revision,
       s.reason, s.actor, s.recorded_at
  FROM risk.limit_setting s
 ORDER BY s.profile, s.limit_name, s.scope, s.revision DESC;
COMMENT ON VIEW api.limits IS 'Current limit per (profile, limit, scope): mode pct|abs|bps|count and value (NULL = disabled), with who set it and why.';
