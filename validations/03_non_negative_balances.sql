-- Gate 03 — no leverage, no shorting (DESIGN.md §3.4).
-- Rule: no balance of a non-negative ledger account (the trading account, reserves) is ever below zero:
-- not at any posting (balance_after), not at the head; and the head's non_negative flag is the account's.
-- A row is one violation: the posting or head whose balance is negative, or whose flag disagrees.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/03_non_negative_balances.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's postings and heads; from/to: the postings judged (ts), heads always.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
SELECT p.book_id, p.account_code, p.currency, p.seq, format('balance_after %s is negative', p.balance_after) AS problem
  FROM ledger.posting p
  JOIN ledger.ledger_account a ON a.book_id = p.book_id AND a.code = p.account_code
 WHERE (:'account' = '' OR p.book_id = :book) AND p.ts >= :'from' AND p.ts <= :'to'
   AND a.non_negative AND p.balance_after < 0
UNION ALL
SELECT b.book_id, b.account_code, b.currency, b.seq,
       CASE WHEN b.non_negative IS DISTINCT FROM a.non_negative
            THEN format('head non_negative=%s but the account says %s', b.non_negative, a.non_negative)
            ELSE format('head balance %s is negative', b.balance) END
  FROM ledger.balance b
  LEFT JOIN ledger.ledger_account a ON a.book_id = b.book_id AND a.code = b.account_code
 WHERE (:'account' = '' OR b.book_id = :book)
   AND (b.non_negative IS DISTINCT FROM a.non_negative OR (a.non_negative AND b.balance < 0))
ORDER BY 1, 2, 3, 4;
