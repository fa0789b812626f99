-- api.pools — the capital pools per lane: enabled or not (latest revision), with who set it and why.
CREATE VIEW api.pools AS
SELECT DISTINCT ON (s.lane, s.pool) s.lane, s.pool, p.description, s.enabled, s.revision, s.reason, s.actor, s.recorded_at
  FROM risk.lane_pool_setting s JOIN risk.pool p USING (pool)
 ORDER BY s.lane, s.pool, s.revision DESC;
COMMENT ON VIEW api.pools IS 'Capital pools per lane: enabled (latest revision of risk.lane_pool_setting), with who set it and why. Budgets and loss limits are in api.limits (pool_budget, pool_max_daily_loss, pool_max_drawdown, scoped by pool).';
