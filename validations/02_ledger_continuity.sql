-- Gate 02 — ledger continuity (DESIGN.md §3.3).
-- Rule: per (book, account, currency) the postings are numbered 1, 2, 3 … without gaps, each carries
-- balance_after = previous balance_after + amount (the first: 0 + amount), and the head in ledger.balance
-- equals the last posting (seq and balance); every posting chain has a head and every head has postings.
-- A row is one violation: the posting (or head) where continuity breaks, and how.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/02_ledger_continuity.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's posting chains and heads; from/to: the postings judged (ts; each is still checked against its predecessor), heads always.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH w AS (
    SELECT p.book_id, p.account_code, p.currency, p.seq, p.amount, p.balance_after, p.ts,
           row_number() OVER k AS expected_seq,
           coalesce(lag(p.balance_after) OVER k, 0) + p.amount AS expected_balance
      FROM ledger.posting p
     WHERE (:'account' = '' OR p.book_id = :book)
    WINDOW k AS (PARTITION BY p.book_id, p.account_code, p.currency ORDER BY p.seq))
SELECT w.book_id, w.account_code, w.currency, w.seq,
       CASE WHEN w.seq <> w.expected_seq THEN format('sequence gap: expected seq %s', w.expected_seq)
            ELSE format('balance_after %s <> previous balance + amount = %s', w.balance_after, w.expected_balance) END AS problem
  FROM w
 WHERE (w.seq <> w.expected_seq OR w.balance_after <> w.expected_balance) AND w.ts >= :'from' AND w.ts <= :'to'
UNION ALL
SELECT b.book_id, b.account_code, b.currency, b.seq,
       format('balance head (seq %s, balance %s) <> last posting (seq %s, balance_after %s)', b.seq, b.balance, l.seq, l.balance_after)
  FROM ledger.balance b
  LEFT JOIN LATERAL (SELECT p.seq, p.balance_after FROM ledger.posting p
                      WHERE p.book_id = b.book_id AND p.account_code = b.account_code AND p.currency = b.currency
                      ORDER BY p.seq DESC LIMIT 1) l ON true
 WHERE (:'account' = '' OR b.book_id = :book)
   AND (l.seq IS DISTINCT FROM b.seq OR l.balance_after IS DISTINCT FROM b.balance)
UNION ALL
SELECT p.book_id, p.account_code, p.currency, max(p.seq), 'postings without a balance head'
  FROM ledger.posting p
 WHERE (:'account' = '' OR p.book_id = :book)
   AND NOT EXISTS (SELECT FROM ledger.balance b
                    WHERE b.book_id = p.book_id AND b.account_code = p.account_code AND b.currency = p.currency)
 GROUP BY p.book_id, p.account_code, p.currency
ORDER BY 1, 2, 3, 4;
