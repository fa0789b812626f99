-- api.treasury_balances — the treasury ledgers of each account (docs/treasury.md).
CREATE VIEW api.treasury_balances AS
SELECT a.name AS account, b.account_code AS ledger, b.currency, b.balance,
       CASE WHEN b.account_code IN ('principal', 'realized_pnl') THEN -b.balance ELSE b.balance END AS amount
  FROM ledger.balance b JOIN trading.account a ON a.book_id = b.book_id
 WHERE b.account_code IN ('principal', 'realized_pnl', 'fees', 'fee_expense', 'ops_cost', 'reserve', 'operations', 'treasury');
COMMENT ON VIEW api.treasury_balances IS 'The treasury ledgers per account and currency: balance as posted (debit positive) and amount with the ledger''s natural sign (principal deposited, realized PnL gained, fees as charged, fee expense, operating costs, reserve, operations bucket, treasury = free capital).';
