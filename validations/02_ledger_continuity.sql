-- Gate 02 — ledger continuity (DESIGN.md §3.3).
-- Rule: per (book, account, currency) the postings are numbered 1, 2, 3 … without gaps, each carries
-- balance_after = previous balance_after + amount (the first: 0 + amount), and the head in ledger.balance
-- equals the last posting (seq and balance); every posting chain has a head and every head has postings.
-- A row is one violation: the posting (or head) where continuity breaks, and how.
WITH w AS (
    SELECT p.book_id, p.account_code, p.currency, p.seq, p.amount, p.balance_after,
           row_number() OVER k AS expected_seq,
           coalesce(lag(p.balance_after) OVER k, 0) + p.amount AS expected_balance
      FROM ledger.posting p
    WINDOW k AS (PARTITION BY p.book_id, p.account_code, p.currency ORDER BY p.seq))
SELECT w.book_id, w.account_code, w.currency, w.seq,
       CASE WHEN w.seq <> w.expected_seq THEN format('sequence gap: expected seq %s', w.expected_seq)
            ELSE format('balance_after %s <> previous balance + amount = %s', w.balance_after, w.expected_balance) END AS problem
  FROM w
 WHERE w.seq <> w.expected_seq OR w.balance_after <> w.expected_balance
UNION ALL
SELECT b.book_id, b.account_code, b.currency, b.seq,
       format('balance head (seq %s, balance %s) <> last posting (seq %s, balance_after %s)', b.seq, b.balance, l.seq, l.balance_after)
  FROM ledger.balance b
  LEFT JOIN LATERAL (SELECT p.seq, p.balance_after FROM ledger.posting p
                      WHERE p.book_id = b.book_id AND p.account_code = b.account_code AND p.currency = b.currency
                      ORDER BY p.seq DESC LIMIT 1) l ON true
 WHERE l.seq IS DISTINCT FROM b.seq OR l.balance_after IS DISTINCT FROM b.balance
UNION ALL
SELECT p.book_id, p.account_code, p.currency, max(p.seq), 'postings without a balance head'
  FROM ledger.posting p
 WHERE NOT EXISTS (SELECT FROM ledger.balance b
                    WHERE b.book_id = p.book_id AND b.account_code = p.account_code AND b.currency = p.currency)
 GROUP BY p.book_id, p.account_code, p.currency
ORDER BY 1, 2, 3, 4;
