-- api.account_lanes — the lane changes of each account (promotions and demotions).
CREATE VIEW api.account_lanes AS
SELECT a.name AS account, l.seq, l.from_lane, l.to_lane, l.cause, 'SES-' || l.session_id AS session, l.approval,
       l.source, l.reason, l.actor, l.recorded_at
  FROM trading.account_lane l JOIN trading.account a ON a.book_id = l.book_id;
COMMENT ON VIEW api.account_lanes IS 'Each lane change of an account: a promotion (live_canary -> live_promoted, api.promote_session) or a demotion (back to live_canary, api.demote_session), each an operator''s decision, with the approval request it used, the session, who, why and when.';
