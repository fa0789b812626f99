-- 0023_reconcile_evidence — api.reconcile's incident and breaker evidence names the comparison by {ts, kind}
-- instead of its seq (issue 14: replay parity of a campaign whose venue differs from the book after a restart).
-- api.reconcile is a definition (sql/api/functions/api.reconcile.sql), re-applied at head by predator migrate;
-- api.chaos_metrics (a definition too) counts the differences of the last reconciliation (an array) as events lost
-- and a terminal venue fault that ended the account's trading as needing a human. No table changes.
SET LOCAL ROLE predator_owner;
