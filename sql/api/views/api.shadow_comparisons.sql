-- api.shadow_comparisons — every hour a shadow account was compared with its reference.
CREATE VIEW api.shadow_comparisons AS
SELECT s.name AS shadow, r.name AS reference, c.hour, c.divergence, c.threshold, c.tripped, c.shadow_decisions,
       c.reference_decisions, c.recorded_at
  FROM risk.shadow_comparison c
  JOIN trading.account s ON s.book_id = c.shadow_book_id
  JOIN trading.account r ON r.book_id = c.reference_book_id;
COMMENT ON VIEW api.shadow_comparisons IS 'Shadow mode: per hour closed by a shadow account and its reference, the decisions of each ([symbol, direction, outcome]), their divergence (multiset difference), the shadow_divergence threshold in force and whether it tripped.';
