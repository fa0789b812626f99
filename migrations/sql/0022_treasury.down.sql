-- 0022_treasury.down.sql — removes the treasury tables, limits, memo accounts and their postings.
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DROP TABLE IF EXISTS portfolio.treasury_status;
DROP TABLE IF EXISTS ledger.treasury_transfer;
DROP TABLE IF EXISTS ledger.operating_cost;
DELETE FROM ops.chain_head WHERE chain LIKE 'portfolio.treasury_status:%' OR chain LIKE 'ledger.treasury_transfer:%';
DELETE FROM risk.limit_setting WHERE limit_name LIKE 'treasury\_%';
DELETE FROM risk.limit_kind WHERE limit_name LIKE 'treasury\_%';
DELETE FROM ledger.posting WHERE account_code IN ('principal', 'realized_pnl', 'fee_expense', 'operations', 'treasury', 'reserve', 'ops_cost');
DELETE FROM ledger.balance WHERE account_code IN ('principal', 'realized_pnl', 'fee_expense', 'operations', 'treasury', 'reserve', 'ops_cost');
DELETE FROM ledger.transaction WHERE kind IN ('principal', 'realized', 'ops_cost', 'reserve', 'transfer');
DELETE FROM ledger.ledger_account WHERE code IN ('principal', 'realized_pnl', 'fee_expense', 'operations', 'treasury');
ALTER TABLE ledger.transaction DROP CONSTRAINT ledger_tx_kind_is_known;
ALTER TABLE ledger.transaction ADD CONSTRAINT ledger_tx_kind_is_known
    CHECK (kind IN ('deposit', 'withdrawal', 'fill', 'fee', 'ops_cost', 'reserve', 'transfer'));
ALTER TABLE ledger.ledger_account DROP CONSTRAINT ledger_account_code_is_known;
ALTER TABLE ledger.ledger_account ADD CONSTRAINT ledger_account_code_is_known
    CHECK (code IN ('trading', 'venue', 'fees', 'external', 'reserve', 'ops_cost'));
