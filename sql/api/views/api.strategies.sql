-- api.strategies — strategies registered per account, with parameters and status.
CREATE VIEW api.strategies AS
SELECT a.name AS account, s.strategy, s.params, s.status
  FROM trading.strategy s JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.strategies IS 'Strategies per account: parameters and status (active or paused).';
