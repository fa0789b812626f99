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
-- Checkpoint (with an account; `predator validate --incremental` sets it): the seq of a recorded validation
-- run of the book (api.validation_runs); the book's chains are verified from the heads that run recorded
-- (api.verify_book_chains_since: the row at each head must still carry the recorded hash, later rows verify in
-- full), so the time follows the rows appended since. '' (the default): from genesis.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
\if :{?checkpoint} \else \set checkpoint '' \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
SELECT * FROM api.verify_chains() WHERE :'account' = ''
UNION ALL
SELECT * FROM api.verify_book_chains_since(:book, nullif(:'checkpoint', '')::bigint)
 WHERE :'account' <> ''
ORDER BY chain, seq;
