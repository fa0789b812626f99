-- Gate 10 — hash chains (DESIGN.md §3.9).
-- Rule: every append-only chain (per book and table; the journal's postings per book, account and
-- currency) verifies from genesis: gapless seq, prev_hash = the previous row's row_hash, row_hash =
-- sha256(prev_hash || canonical row) recomputed from the content, running balances continuous, and the
-- chain heads (ops.chain_head, ledger.balance) equal the last row.
-- A row is one violation: the first broken row of a broken chain (api.verify_chains()).
SELECT * FROM api.verify_chains() ORDER BY chain, seq;
