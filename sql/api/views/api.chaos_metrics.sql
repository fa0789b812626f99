CREATE VIEW api.chaos_metrics AS
WITH c AS (
    SELECT cc.*, a.name AS account, a.lane, cc.recorded_at - make_interval(secs => cc.wall_seconds::double precision) AS started_at
      FROM ops.chaos_campaign cc JOIN trading.account a USING (book_id)
), hs AS (   -- the campaign's closed hours and whether a halt covering the book was in force at each close
    SELECT c.campaign_id, h.hour, h.equity, h.drawdown,
           EXISTS (SELECT FROM risk.halt_event e
                    WHERE (e.scope_kind = 'global' OR (e.scope_kind = 'lane' AND e.scope_key = c.lane)
                           OR (e.scope_kind = 'account' AND e.scope_key = c.account))
                      AND e.action = 'halt' AND e.effective_at <= h.recorded_at
                      AND NOT EXISTS (SELECT FROM risk.halt_event r WHERE r.scope_kind = e.scope_kind
                                        AND r.scope_key = e.scope_key AND r.action = 'resume'
                                        AND r.effective_at > e.effective_at AND r.effective_at <= h.recorded_at)) AS halted
      FROM c JOIN portfolio.hourly_state h ON h.book_id = c.book_id AND h.hour BETWEEN c.first_hour AND c.last_hour
), halts AS (  -- halts covering the book during the campaign, with the resume that lifted each
    SELECT c.campaign_id, e.scope_kind, e.effective_at,
           (SELECT min(r.effective_at) FROM risk.halt_event r WHERE r.scope_kind = e.scope_kind AND r.scope_key = e.scope_key
              AND r.action = 'resume' AND r.effective_at > e.effective_at) AS resumed_at,
           (SELECT r.source FROM risk.halt_event r WHERE r.scope_kind = e.scope_kind AND r.scope_key = e.scope_key
              AND r.action = 'resume' AND r.effective_at > e.effective_at ORDER BY r.effective_at LIMIT 1) AS resumed_by
      FROM c JOIN risk.halt_event e ON e.action = 'halt' AND e.effective_at BETWEEN c.started_at AND c.recorded_at
       AND (e.scope_kind = 'global' OR (e.scope_kind = 'lane' AND e.scope_key = c.lane)
            OR (e.scope_kind = 'account' AND e.scope_key = c.account))
), pool_dd AS (  -- per pool: the deepest fall of the pool's summed PnL from its running peak (quote currency)
    SELECT campaign_id, jsonb_object_agg(pool, dd ORDER BY pool) AS dd
      FROM (SELECT campaign_id, pool, max(peak - pnl) AS dd
              FROM (SELECT campaign_id, pool, pnl, max(pnl) OVER (PARTITION BY campaign_id, pool ORDER BY hour) AS peak
                      FROM (SELECT c.campaign_id, s.pool, s.hour, sum(s.pnl) AS pnl
                              FROM c JOIN portfolio.strategy_hour s ON s.book_id = c.book_id
                                    AND s.hour BETWEEN c.first_hour AND c.last_hour
                             GROUP BY 1, 2, 3) x) y
             GROUP BY 1, 2) z
     GROUP BY 1
)
SELECT c.campaign_id, c.campaign, c.seed, c.account,
       (SELECT count(*) FROM hs WHERE hs.campaign_id = c.campaign_id) AS hours,
       round(100.0 * (SELECT count(*) FILTER (WHERE NOT halted) FROM hs WHERE hs.campaign_id = c.campaign_id)
             / nullif((SELECT count(*) FROM hs WHERE hs.campaign_id = c.campaign_id), 0), 2) AS uptime_pct,
       (SELECT count(*) FROM halts WHERE halts.campaign_id = c.campaign_id AND halts.scope_kind = 'global') AS global_kill_switch_triggers,
       (SELECT count(*) FROM halts WHERE halts.campaign_id = c.campaign_id) AS halts,
       (SELECT count(*) FROM risk.halt_event e WHERE e.action = 'halt' AND e.scope_kind = 'strategy'
           AND e.scope_key LIKE c.account || '/%' AND e.effective_at BETWEEN c.started_at AND c.recorded_at)
       + (SELECT count(*) FROM risk.strategy_health h WHERE h.book_id = c.book_id AND h.action = 'pause'
           AND h.hour BETWEEN c.first_hour AND c.last_hour) AS local_kills,
       (SELECT round(avg(extract(epoch FROM halts.resumed_at - halts.effective_at)), 3) FROM halts
         WHERE halts.campaign_id = c.campaign_id AND halts.resumed_at IS NOT NULL) AS mttr_seconds,
       (SELECT round(max(extract(epoch FROM halts.resumed_at - halts.effective_at)), 3) FROM halts
         WHERE halts.campaign_id = c.campaign_id AND halts.resumed_at IS NOT NULL) AS max_recovery_seconds,
       (SELECT count(*) FROM halts WHERE halts.campaign_id = c.campaign_id AND halts.resumed_at IS NULL) AS halts_unresolved,
       (SELECT max(drawdown) FROM hs WHERE hs.campaign_id = c.campaign_id) AS max_drawdown,
       coalesce((SELECT dd FROM pool_dd WHERE pool_dd.campaign_id = c.campaign_id), '{}') AS max_drawdown_per_pool,
       c.failed_gate_checks + c.failed_chain_checks AS state_corruption_incidents,
       (SELECT count(*) FROM ops.reconciliation r WHERE r.book_id = c.book_id AND NOT r.clean
           AND r.ts BETWEEN c.first_hour AND c.last_hour) AS execution_portfolio_mismatches,
       coalesce((SELECT CASE jsonb_typeof(r.diffs) WHEN 'array' THEN jsonb_array_length(r.diffs)
                                                   WHEN 'object' THEN (SELECT count(*) FROM jsonb_object_keys(r.diffs))
                                                   ELSE 0 END
                   FROM ops.reconciliation r WHERE r.book_id = c.book_id AND r.ts <= c.last_hour
                  ORDER BY r.seq DESC LIMIT 1), 0) AS events_lost,
       (SELECT count(*) FROM ops.chaos_fault f WHERE f.campaign_id = c.campaign_id AND f.outcome NOT LIKE 'missed%') AS faults_injected,
       (SELECT count(DISTINCT f.layer || ':' || f.kind) FROM ops.chaos_fault f
         WHERE f.campaign_id = c.campaign_id AND f.outcome NOT LIKE 'missed%') AS scenarios_injected,
       -- A human: an operator resume, or a terminal venue fault (a ghost fill, a withdrawal) that ended the account's
       -- trading. A terminal fault the operator corrected (api.void_fill, api.post_venue_transfer: the book has a
       -- correction) is counted once, by the resume that followed its correction.
       round(100.0 * (1 - least(c.operator_resumes
                                + (SELECT count(*) FROM ops.chaos_fault f WHERE f.campaign_id = c.campaign_id
                                     AND f.layer = 'venue' AND f.kind IN ('ghost_fill', 'withdrawal')
                                     AND f.outcome NOT LIKE 'not reached%' AND f.outcome NOT LIKE 'missed%'
                                     AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = c.book_id)
                                     AND NOT EXISTS (SELECT FROM ops.transfer_posting t WHERE t.book_id = c.book_id)),
                                (SELECT count(*) FROM ops.chaos_fault f WHERE f.campaign_id = c.campaign_id
                                                       AND f.outcome NOT LIKE 'missed%'))::numeric
             / nullif((SELECT count(*) FROM ops.chaos_fault f WHERE f.campaign_id = c.campaign_id
                         AND f.outcome NOT LIKE 'missed%'), 0)), 2) AS survived_without_human_pct,
       c.worker_kills, c.db_stops, c.operator_resumes, c.liveness_hour, c.replay_parity, c.passed
  FROM c;
COMMENT ON VIEW api.chaos_metrics IS 'Seed 001''s metrics per chaos campaign, computed from the book: uptime % (closed hours without a halt covering the book in force at the close), global kill-switch triggers (global halts), halts, local kills (strategy halts and health pauses), MTTR and the longest recovery (wall seconds from halt to resume), halts never lifted, max drawdown (book) and per pool (fall of the pool''s PnL from its peak, quote currency), state-corruption incidents (segments whose gates or chains failed), execution/portfolio mismatches (dirty reconciliations), events lost (differences left in the last reconciliation), faults and distinct scenarios injected, % survived without a human (faults not followed by an operator resume nor ending the account''s trading; a corrected terminal fault counts by its resume), SIGKILLs, database stops, liveness, replay parity, verdict.';
