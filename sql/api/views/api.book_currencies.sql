-- api.book_currencies — per book, its reporting currency and every extra quote currency an operator enabled
-- (latest revision), with its trading cash, who set it and why.
CREATE VIEW api.book_currencies AS
SELECT a.name AS account, a.base_currency AS currency, true AS reporting, true AS enabled, NULL::integer AS revision,
       coalesce(b.balance, 0) AS cash, NULL::text AS reason, NULL::text AS actor, a.created_at AS recorded_at
  FROM trading.account a
  LEFT JOIN ledger.balance b ON b.book_id = a.book_id AND b.account_code = 'trading' AND b.currency = a.base_currency
UNION ALL
SELECT a.name, c.currency, false, c.enabled, c.revision, coalesce(b.balance, 0), c.reason, c.actor, c.recorded_at
  FROM (SELECT DISTINCT ON (x.book_id, x.currency) x.* FROM trading.book_currency x
         ORDER BY x.book_id, x.currency, x.revision DESC) c
  JOIN trading.account a ON a.book_id = c.book_id
  LEFT JOIN ledger.balance b ON b.book_id = c.book_id AND b.account_code = 'trading' AND b.currency = c.currency;
COMMENT ON VIEW api.book_currencies IS 'Currencies of each book: its reporting currency (trading.account.base_currency; equity, exposures and caps are valued in it) and the extra quote currencies an operator enabled (latest revision of trading.book_currency, api.enable_book_currency), with the trading cash held in each.';
