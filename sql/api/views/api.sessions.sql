-- api.sessions — the live sessions registry (seed 003 §5.2) with each session's capital, utilisation, evidence
-- and envelope.
--   * equity and exposure (positions at mark) of the account at its last closed hour for a session that has not
--     ended (at the session's last closed hour for one that has): the figures api.close_hour stored from
--     portfolio.valuation, the one definition; utilisation = exposure / allocation, equity_utilisation = equity /
--     allocation;
--   * the session's evidence: the hours of the account closed while it ran (portfolio.hourly_state recorded between
--     its start and its end), their first and last business hours and the days between them; its drawdown from its
--     own peak over those hours (now: drawdown, and at its worst: max_drawdown, fractions), the account's loss today
--     as a fraction of its day-start equity at the last of them (daily_loss);
--   * the lane's envelope in force (max_drawdown_pct, max_daily_loss_pct, min_days) and envelope_breached (the
--     drawdown or the daily loss beyond it now);
--   * halts covering the account (halted_by, reason codes) and the session's incidents (api.session_incidents):
--     how many are not resolved, and which.
CREATE VIEW api.sessions AS
SELECT s.session_id, 'SES-' || s.session_id AS session, s.book_id, a.name AS account, s.strategy, s.lane,
       a.lane AS account_lane, s.status, s.allocation, s.currency, s.planned_end,
       CASE WHEN s.promoted_from IS NOT NULL THEN 'SES-' || s.promoted_from END AS promoted_from,
       s.reason, s.actor, s.created_at, s.started_at, s.status_since, s.ended_at,
       (SELECT e.cause || ': ' || e.reason FROM ops.session_event e WHERE e.session_id = s.session_id
         ORDER BY e.seq DESC LIMIT 1) AS last_event,
       cur.hour AS figures_hour, cur.equity, cur.positions_value AS exposure,
       CASE WHEN s.allocation > 0 THEN cur.positions_value / s.allocation END AS utilisation,
       CASE WHEN s.allocation > 0 THEN cur.equity / s.allocation END AS equity_utilisation,
       coalesce(f.hours, 0) AS hours, f.first_hour, f.last_hour,
       coalesce(extract(epoch FROM f.last_hour - f.first_hour) / 86400, 0)::numeric AS days,
       f.peak_equity, coalesce(f.drawdown, 0) AS drawdown, coalesce(f.max_drawdown, 0) AS max_drawdown,
       coalesce(f.daily_loss, 0) AS daily_loss,
       l.max_drawdown_pct, l.max_daily_loss_pct, l.min_days,
       (coalesce(f.drawdown, 0) * 100 > l.max_drawdown_pct OR coalesce(f.daily_loss, 0) * 100 > l.max_daily_loss_pct)
           AS envelope_breached,
       (SELECT coalesce(array_agg('halted_' || h.scope_kind ORDER BY h.scope_kind), '{}') FROM risk.halt_state h
         WHERE h.active AND (h.scope_kind = 'global' OR (h.scope_kind = 'lane' AND h.scope_key = a.lane)
                             OR (h.scope_kind = 'account' AND h.scope_key = a.name)
                             OR (h.scope_kind = 'strategy' AND h.scope_key = a.name || '/' || coalesce(s.strategy, ''))))
           AS halted_by,
       (SELECT count(*) FROM api.session_incidents si WHERE si.session_id = s.session_id AND si.status <> 'resolved')
           AS open_incidents,
       (SELECT coalesce(array_agg(si.incident ORDER BY si.opened_at), '{}') FROM api.session_incidents si
         WHERE si.session_id = s.session_id) AS incidents
  FROM ops.session s
  JOIN trading.account a ON a.book_id = s.book_id
  LEFT JOIN LATERAL (
        SELECT count(*) AS hours, min(x.hour) AS first_hour, max(x.hour) AS last_hour, max(x.equity) AS peak_equity,
               max(x.dd) AS max_drawdown,
               (array_agg(x.dd ORDER BY x.hour DESC))[1] AS drawdown,
               (array_agg(x.daily_loss ORDER BY x.hour DESC))[1] AS daily_loss
          FROM (SELECT h.hour, h.equity,
                       CASE WHEN max(h.equity) OVER w > 0 THEN greatest(0, 1 - h.equity / max(h.equity) OVER w) ELSE 0 END AS dd,
                       CASE WHEN h.day_start_equity > 0 THEN greatest(0, -h.daily_pnl) / h.day_start_equity ELSE 0 END AS daily_loss
                  FROM portfolio.hourly_state h
                 WHERE h.book_id = s.book_id AND h.recorded_at >= s.started_at
                   AND (s.ended_at IS NULL OR h.recorded_at <= s.ended_at)
                WINDOW w AS (ORDER BY h.hour ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) x) f ON true
  LEFT JOIN LATERAL (
        SELECT h.hour, h.equity, h.positions_value FROM portfolio.hourly_state h
         WHERE h.book_id = s.book_id
           AND (s.ended_at IS NULL OR (h.recorded_at >= s.started_at AND h.recorded_at <= s.ended_at))
         ORDER BY h.hour DESC LIMIT 1) cur ON true
  LEFT JOIN LATERAL (SELECT ls.max_drawdown_pct, ls.max_daily_loss_pct, ls.min_days FROM risk.lane_setting ls
                      WHERE ls.lane = s.lane ORDER BY ls.revision DESC LIMIT 1) l ON true;
COMMENT ON VIEW api.sessions IS 'The live sessions registry: each session (SES-n) of an account (and strategy) in a lane with its status, allocation and currency, planned end, origin (promoted_from), last event; its account''s equity and exposure at the last closed hour (the stored portfolio.valuation figures) and utilisation = exposure / allocation; its evidence (hours closed while it ran, days between the first and last, drawdown from its own peak now and at worst, daily loss); its lane''s envelope and whether it is breached; the halts covering it and its incidents (api.session_incidents).';
