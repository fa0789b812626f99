-- Gate 01 — balanced transactions (DESIGN.md §3.2, double entry).
-- Rule: every journal transaction is posted whole (the legs posted equal the legs declared in its header,
-- at least two), its postings sum to zero in every currency, and every posting belongs to a transaction.
-- A row is one violation: a (book, transaction, currency) whose postings do not sum to zero, a transaction
-- whose posted legs differ from its declared legs (a transaction without postings has 0 legs posted), or a
-- posting without a transaction header.
SELECT t.book_id, t.seq AS tx_seq, p.currency, 'postings do not sum to zero: ' || sum(p.amount) AS problem
  FROM ledger.transaction t
  JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq
 GROUP BY t.book_id, t.seq, p.currency
HAVING sum(p.amount) <> 0
UNION ALL
SELECT t.book_id, t.seq, NULL, format('%s legs declared, %s posted', t.legs, count(p.leg))
  FROM ledger.transaction t
  LEFT JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq
 GROUP BY t.book_id, t.seq, t.legs
HAVING count(p.leg) <> t.legs OR count(p.leg) < 2
UNION ALL
SELECT p.book_id, p.tx_seq, p.currency, format('posting %s/%s seq %s has no transaction header', p.account_code, p.currency, p.seq)
  FROM ledger.posting p
 WHERE NOT EXISTS (SELECT FROM ledger.transaction t WHERE t.book_id = p.book_id AND t.seq = p.tx_seq)
ORDER BY 1, 2, 3;
