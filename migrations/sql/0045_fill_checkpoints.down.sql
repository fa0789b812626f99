-- 0045_fill_checkpoints.down.sql — undoes 0045 (checkpoints are derived from the fills: nothing is lost).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;

DROP INDEX trading.order_request_ts_idx;
DROP INDEX ledger.posting_principal_idx;
DROP INDEX trading.fill_third_currency_fee_idx;
DROP TABLE risk.fill_checkpoint_total;
DROP TABLE risk.fill_checkpoint;
