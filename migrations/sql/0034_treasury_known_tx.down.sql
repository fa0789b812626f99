-- 0034_treasury_known_tx down — the statuses no longer name the journal they were computed from.
SET LOCAL ROLE predator_owner;
ALTER TABLE portfolio.treasury_status DROP COLUMN known_tx_seq;
