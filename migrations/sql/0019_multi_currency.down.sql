-- 0019_multi_currency.down.sql — back to single-currency books (the routines live under sql/).
-- Append-only triggers must not fire while the migration unwinds (superuser only).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;

ALTER TABLE portfolio.hourly_state DROP COLUMN valuation;
DROP TABLE trading.book_currency;
COMMENT ON COLUMN trading.account.base_currency IS NULL;
