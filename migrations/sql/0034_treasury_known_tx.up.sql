-- 0034_treasury_known_tx — a stored self-financing status names the journal it was computed from: the book's
-- newest journal transaction when the hour close stored it. A fill relayed late (a venue outage) but dated
-- inside a day whose status is already stored is not in that row; gate 21 recomputes each row from the postings
-- of the transactions up to known_tx_seq, so the row stays checkable to the cent (NULL on rows stored before:
-- judged against every posting, as before).
SET LOCAL ROLE predator_owner;
ALTER TABLE portfolio.treasury_status ADD COLUMN known_tx_seq bigint;
COMMENT ON COLUMN portfolio.treasury_status.known_tx_seq IS 'The book''s newest journal transaction (ledger.transaction.seq) when the status was stored: the figures are those of the postings of transactions up to it (a fill relayed after its day''s status is in later rolling windows, not in that row). NULL on statuses stored before migration 0034.';
