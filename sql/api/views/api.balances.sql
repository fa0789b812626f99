-- api.balances — ledger balances per account, ledger account and currency.
CREATE VIEW api.balances AS
SELECT a.name AS account, b.account_code, b.currency, b.balance, b.seq
  FROM ledger.balance b JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.balances IS 'Running balances of every (ledger account, currency) of every book.';
