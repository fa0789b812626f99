-- api.strategy_risk_states — the current risk state of every strategy of every book (docs/risk.md, issue 13 item 3).
CREATE VIEW api.strategy_risk_states AS
SELECT a.name AS account, s.strategy, s.pool, coalesce(c.state, 'normal') AS state, c.cause, c.since_ts, c.until_ts,
       c.hold
  FROM trading.strategy s
  JOIN trading.account a ON a.book_id = s.book_id
  LEFT JOIN risk.state_current c ON c.book_id = s.book_id AND c.scope_kind = 'strategy' AND c.scope_key = s.strategy;
COMMENT ON VIEW api.strategy_risk_states IS 'Current risk state per strategy (normal, reducing, halted, cooldown): its cause, since when and until when (business time), and the hold of a reducing state only an operator releases (api.resume_strategy, api.resume_reducing).';
