-- Reconstruction 01 — balances rebuilt from the postings alone (issue 17 item 3; docs/audit.md, "Reconstruction").
-- Rebuilt: per (book, account, currency) the sum of every posting's amount, and per posting the running sum of the
-- amounts before it and its own (in posting seq order). Compared, row by row, with what is stored:
--   * balance            ledger.balance.balance of the (account, currency) head  vs  Σ amount of its postings;
--   * last_balance_after the balance_after of its last posting                      vs  Σ amount of its postings;
--   * posting_balance    each posting's balance_after                                vs  the running Σ amount up to it.
-- A head without postings, or postings without a head, is a mismatch (the side that is missing shows as NULL).
-- Columns: rule, book_id, key (account:currency), item (posting seq, or 'head'), stored, rebuilt, agrees.
-- Pure SQL over ledger.posting and ledger.balance: no Predator function is called.
-- psql variables, all optional: account (one book; '' = every book), show ('all': every compared row, with agrees;
-- default: only the mismatches). `predator audit reconstruct` runs it with show=all and counts both.
--   psql -v account=NAME -f validations/reconstruct/01_balances.sql
\if :{?account} \else \set account '' \endif
\if :{?show} \else \set show mismatches \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH run AS (
    SELECT p.book_id, p.account_code, p.currency, p.seq, p.balance_after,
           sum(p.amount) OVER (PARTITION BY p.book_id, p.account_code, p.currency ORDER BY p.seq) AS running,
           row_number() OVER (PARTITION BY p.book_id, p.account_code, p.currency ORDER BY p.seq DESC) AS from_last
      FROM ledger.posting p
     WHERE (:'account' = '' OR p.book_id = :book)),
rebuilt AS (
    SELECT r.book_id, r.account_code, r.currency, r.running AS balance, r.balance_after AS last_balance_after
      FROM run r WHERE r.from_last = 1),
heads AS (
    SELECT b.book_id, b.account_code, b.currency, b.balance
      FROM ledger.balance b WHERE (:'account' = '' OR b.book_id = :book)),
cmp AS (
    SELECT 'balance'::text AS rule, coalesce(h.book_id, r.book_id) AS book_id,
           coalesce(h.account_code, r.account_code) || ':' || coalesce(h.currency, r.currency) AS key, 'head'::text AS item,
           h.balance AS stored, r.balance AS rebuilt
      FROM heads h
      FULL JOIN rebuilt r ON r.book_id = h.book_id AND r.account_code = h.account_code AND r.currency = h.currency
    UNION ALL
    SELECT 'last_balance_after', r.book_id, r.account_code || ':' || r.currency, 'last posting', r.last_balance_after, r.balance
      FROM rebuilt r
    UNION ALL
    SELECT 'posting_balance', r.book_id, r.account_code || ':' || r.currency, r.seq::text, r.balance_after, r.running
      FROM run r)
SELECT c.rule, c.book_id, c.key, c.item, c.stored::text AS stored, c.rebuilt::text AS rebuilt,
       c.stored IS NOT DISTINCT FROM c.rebuilt AS agrees
  FROM cmp c
 WHERE :'show' = 'all' OR c.stored IS DISTINCT FROM c.rebuilt
ORDER BY 1, 2, 3, 4;
