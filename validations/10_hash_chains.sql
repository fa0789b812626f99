-- Gate 10 — hash chains (DESIGN.md §3.9).
-- Rule: every append-only chain (per book and table; the journal's postings per book, account and
-- currency) verifies from genesis: gapless seq, prev_hash = the previous row's row_hash, row_hash =
-- sha256(prev_hash || canonical row) recomputed from the content, running balances continuous, and the
-- chain heads (ops.chain_head, ledger.balance) equal the last row.
-- A row is one violation: the first broken row of a broken chain (api.verify_chains()).
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/10_hash_chains.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's chains only (api.verify_book_chains); from/to do not apply (a chain verifies from genesis).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
SELECT * FROM api.verify_chains() WHERE :'account' = ''
UNION ALL
SELECT * FROM api.verify_book_chains(:book)
 WHERE :'account' <> ''
ORDER BY chain, seq;
