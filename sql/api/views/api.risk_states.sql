-- api.risk_states — the current risk state of every book (docs/risk.md).
CREATE VIEW api.risk_states AS
SELECT a.name AS account, a.lane, coalesce(c.state, 'normal') AS state, c.cause, c.since_ts, c.until_ts, c.breaker,
       c.last_breach, c.hold
  FROM trading.account a
  LEFT JOIN risk.state_current c ON c.book_id = a.book_id AND c.scope_kind = 'book';
COMMENT ON VIEW api.risk_states IS 'Current risk state per account (normal, reducing, halted, cooldown): its cause, since when and until when (business time), for a paper breaker pause the breaker and its last breach, and the hold of a reducing state only an operator releases (api.resume_reducing).';
