-- api.strategies — strategies registered per account, with parameters, status, capital pool and priority.
CREATE VIEW api.strategies AS
SELECT a.name AS account, s.strategy, s.params, s.status, s.pool, s.priority
  FROM trading.strategy s JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.strategies IS 'Strategies per account: parameters, status (active or paused), capital pool (CORE, AGGRESSIVE, TAIL_RISK) and arbitration priority.';
