-- api.lanes — the lane registry in force: each lane's capital budget and risk envelope (the highest revision of
-- risk.lane_setting), what its running and suspended sessions hold of the budget, and its sessions by status.
CREATE VIEW api.lanes AS
SELECT l.lane, l.capital_budget, l.currency,
       coalesce(u.allocated, 0) AS allocated,
       l.capital_budget - coalesce(u.allocated, 0) AS available,
       CASE WHEN l.capital_budget > 0 THEN coalesce(u.allocated, 0) / l.capital_budget END AS budget_used,
       l.max_drawdown_pct, l.max_daily_loss_pct, l.min_days,
       coalesce(u.scheduled, 0) AS scheduled, coalesce(u.running, 0) AS running, coalesce(u.suspended, 0) AS suspended,
       coalesce(u.ended, 0) AS ended,
       (SELECT count(*) FROM trading.account a WHERE a.lane = l.lane) AS accounts,
       l.revision, l.reason, l.actor, l.recorded_at
  FROM (SELECT DISTINCT ON (s.lane) s.* FROM risk.lane_setting s ORDER BY s.lane, s.revision DESC) l
  LEFT JOIN (SELECT s.lane,
                    sum(s.allocation) FILTER (WHERE s.status IN ('running', 'suspended')) AS allocated,
                    count(*) FILTER (WHERE s.status = 'scheduled') AS scheduled,
                    count(*) FILTER (WHERE s.status = 'running') AS running,
                    count(*) FILTER (WHERE s.status = 'suspended') AS suspended,
                    count(*) FILTER (WHERE s.status IN ('completed', 'rolled_back')) AS ended
               FROM ops.session s GROUP BY s.lane) u ON u.lane = l.lane;
COMMENT ON VIEW api.lanes IS 'The lanes (paper, live_canary, live_promoted) as the registry has them in force: capital budget and currency, allocated (running and suspended sessions), available, budget_used (fraction), the risk envelope (max_drawdown_pct, max_daily_loss_pct, min_days before promotion), sessions by status, accounts in the lane, and the revision with who and why.';
