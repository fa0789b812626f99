-- api.risk_state_events — every move of the risk state machine of a book and of its strategies (docs/risk.md).
CREATE VIEW api.risk_state_events AS
SELECT a.name AS account, e.state_before, e.state_after, e.cause, e.reason, e.ts, e.until_ts, e.recorded_at, e.seq,
       CASE WHEN e.scope_kind = 'strategy' THEN e.scope_key END AS strategy
  FROM risk.state_event e JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.risk_state_events IS 'Every move of a book''s risk state (strategy NULL) or of one of its strategies'' (strategy given): from, to, cause, reason, business time and the earliest time the system may lift it; chained per book (risk.state_event).';
