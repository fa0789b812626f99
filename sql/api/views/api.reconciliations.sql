-- api.reconciliations — every comparison of a book with its venue.
CREATE VIEW api.reconciliations AS
SELECT a.name AS account, r.seq, r.kind, r.ts, r.clean, r.diffs, r.venue_balances, r.book_balances,
       r.venue_open_orders, r.book_open_orders, r.tolerance
  FROM ops.reconciliation r JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.reconciliations IS 'Reconciliations (hourly, at start-up, manual): venue and book balances per currency and open orders, the differences beyond the tolerance, clean or not.';
