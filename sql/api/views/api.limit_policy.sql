-- api.limit_policy — the policy ceilings in force (risk.limit_policy, highest revision per profile and limit).
CREATE VIEW api.limit_policy AS
SELECT DISTINCT ON (lp.profile, lp.limit_name) lp.profile, lp.limit_name, lp.mode, lp.ceiling, lp.revision, lp.reason,
       lp.actor, lp.recorded_at
  FROM risk.limit_policy lp
 ORDER BY lp.profile, lp.limit_name, lp.revision DESC;
COMMENT ON VIEW api.limit_policy IS 'Policy ceilings in force per risk profile and limit (ceiling NULL: none): api.set_limit above one needs a second operator''s approval while the two-person rule holds.';
