-- 0024_reconcile_evidence — api.reconcile's incident and breaker evidence names the comparison by {ts, kind}
-- instead of its seq (issue 14: replay parity of a campaign whose venue differs from the book after a restart).
-- api.reconcile is a definition (sql/api/functions/api.reconcile.sql), re-applied at head by predator migrate;
-- no table changes. This revision marks the change.
SET LOCAL ROLE predator_owner;
