-- Gate 01 — balanced transactions (DESIGN.md §3.2, double entry).
-- Rule: every journal transaction is posted whole (the legs posted equal the legs declared in its header,
-- at least two), its postings sum to zero in every currency, and every posting belongs to a transaction.
-- A row is one violation: a (book, transaction, currency) whose postings do not sum to zero, a transaction
-- whose posted legs differ from its declared legs (a transaction without postings has 0 legs posted), or a
-- posting without a transaction header.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/01_balanced_transactions.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's transactions and postings; from/to: their business time (ts).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
SELECT t.book_id, t.seq AS tx_seq, p.currency, 'postings do not sum to zero: ' || sum(p.amount) AS problem
  FROM ledger.transaction t
  JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq
 WHERE (:'account' = '' OR t.book_id = :book) AND (:'account' = '' OR p.book_id = :book)
   AND t.ts >= :'from' AND t.ts <= :'to'
 GROUP BY t.book_id, t.seq, p.currency
HAVING sum(p.amount) <> 0
UNION ALL
SELECT t.book_id, t.seq, NULL, format('%s legs declared, %s posted', t.legs, count(p.leg))
  FROM ledger.transaction t
  LEFT JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq AND (:'account' = '' OR p.book_id = :book)
 WHERE (:'account' = '' OR t.book_id = :book) AND t.ts >= :'from' AND t.ts <= :'to'
 GROUP BY t.book_id, t.seq, t.legs
HAVING count(p.leg) <> t.legs OR count(p.leg) < 2
UNION ALL
SELECT p.book_id, p.tx_seq, p.currency, format('posting %s/%s seq %s has no transaction header', p.account_code, p.currency, p.seq)
  FROM ledger.posting p
 WHERE (:'account' = '' OR p.book_id = :book) AND p.ts >= :'from' AND p.ts <= :'to'
   AND NOT EXISTS (SELECT FROM ledger.transaction t WHERE t.book_id = p.book_id AND t.seq = p.tx_seq)
ORDER BY 1, 2, 3;
