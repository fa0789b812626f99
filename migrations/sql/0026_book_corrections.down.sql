-- 0026_book_corrections.down.sql — removes the book corrections and their journal transactions.
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DROP TABLE IF EXISTS trading.fill_void;
DROP TABLE IF EXISTS ops.transfer_posting;
DELETE FROM ops.chain_head WHERE chain LIKE 'trading.fill_void:%' OR chain LIKE 'ops.transfer_posting:%';
DELETE FROM ledger.posting p USING ledger.transaction t WHERE t.book_id = p.book_id AND t.seq = p.tx_seq AND t.kind = 'void';
DELETE FROM ledger.transaction WHERE kind = 'void';
ALTER TABLE ledger.transaction DROP CONSTRAINT ledger_tx_kind_is_known;
ALTER TABLE ledger.transaction ADD CONSTRAINT ledger_tx_kind_is_known
    CHECK (kind IN ('deposit', 'withdrawal', 'fill', 'fee', 'ops_cost', 'reserve', 'transfer', 'principal', 'realized'));
