-- api.venue_transfers — deposits and withdrawals seen on the venue accounts.
CREATE VIEW api.venue_transfers AS
SELECT a.name AS account, t.kind, t.currency, t.amount, t.venue_ref, t.ts, t.seq,
       EXISTS (SELECT FROM ops.transfer_posting p WHERE p.book_id = t.book_id AND p.venue_ref = t.venue_ref) AS posted
  FROM ops.venue_transfer t JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.venue_transfers IS 'Deposits and withdrawals seen on the venue account (any withdrawal halts globally); posted: an operator posted it to the journal (api.post_venue_transfer).';
