-- api.transfer_postings — venue deposits and withdrawals posted to the journal by an operator (api.post_venue_transfer).
CREATE VIEW api.transfer_postings AS
SELECT a.name AS account, t.kind, t.currency, t.amount, t.venue_ref, t.tx_seq,
       format('INC-%s-%s', t.book_id, t.incident_seq) AS incident, t.reason, t.actor, t.ts, t.recorded_at, t.seq
  FROM ops.transfer_posting t JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.transfer_postings IS 'Deposits and withdrawals seen on the venue account and posted to the journal by an operator (trading against external, with the principal memo), each with the incident it corrects.';
