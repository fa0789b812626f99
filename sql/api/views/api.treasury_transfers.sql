-- api.treasury_transfers — transfers of surplus to the operations bucket: proposed, approved, automatic.
CREATE VIEW api.treasury_transfers AS
SELECT a.name AS account, t.proposal_no, t.action, t.amount, t.currency, t.day, t.tx_seq, t.reason, t.actor, t.ts,
       t.action = 'proposed' AND NOT EXISTS (SELECT FROM ledger.treasury_transfer u
                                              WHERE u.book_id = t.book_id AND u.proposal_no = t.proposal_no
                                                AND u.action <> 'proposed') AS pending
  FROM ledger.treasury_transfer t JOIN trading.account a ON a.book_id = t.book_id;
COMMENT ON VIEW api.treasury_transfers IS 'Transfers of surplus to the operations bucket per account: proposals (pending until approved with api.approve_treasury_transfer), approvals and automatic transfers with their journal transaction.';
