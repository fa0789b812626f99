-- api.accounts — trading accounts (books) and their configuration.
CREATE VIEW api.accounts AS
SELECT a.book_id, a.name, a.mode, a.venue, a.base_currency, a.lane, a.initial_principal, a.risk_profile, a.created_at
  FROM trading.account a;
COMMENT ON VIEW api.accounts IS 'Trading accounts (books): mode, venue, base currency, lane, initial principal, risk profile.';
