-- api.hour_knowledge — per closed hour of a run fed by the live sync and traded symbol: the last load of the
-- feed the hour knew (portfolio.hour_knowledge), with the account's venue.
CREATE VIEW api.hour_knowledge AS
SELECT a.name AS account, a.venue, k.hour, k.symbol, k.interval, k.load_id
  FROM portfolio.hour_knowledge k
  JOIN trading.account a ON a.book_id = k.book_id;
COMMENT ON VIEW api.hour_knowledge IS 'What each hour of a sync-fed run knew of the market: per account, hour (close time UTC) and symbol, the feed''s last load id committed at close (NULL: none). Load ids are per database; replay reads them to feed its scratch database in the same order.';
