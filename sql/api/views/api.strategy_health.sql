-- api.strategy_health — the health score of every strategy at every closed hour, and its actions.
CREATE VIEW api.strategy_health AS
SELECT a.name AS account, h.strategy, h.hour, h.scored_from, h.trades, h.claimed_edge_bps, h.realized_edge_bps,
       h.hit_rate, h.claimed_hit_rate, h.decisions, h.refused, h.edge_psr, h.hit_p, h.score, h.state_before, h.state,
       h.action, h.cause, h.thresholds, h.recorded_at, h.seq
  FROM risk.strategy_health h JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.strategy_health IS 'Strategy health per closed hour (docs/risk.md "Strategy health"): evidence window, claimed and realized edge (bps), hit rate against claimed confidence, refusals, the probabilities edge_psr and hit_p, the score, the state before and after and the action taken (demote, restore, pause, resumed) with its cause.';
