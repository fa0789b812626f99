-- 0037_thresholds — thresholds live in the database (issue 17 item 4).
--
-- * api.close_hour loses its p_symbols argument (sql/api/functions/api.close_hour.sql): the hour's symbols —
--   its inputs hash and the set the stale-data and data-quality breakers watch — are the database's
--   (portfolio.book_symbols: the book's latest run's symbols and conversion pairs, held symbols, symbols with an
--   open order, symbols signalled in the week before the hour), so no worker argument can take a traded
--   symbol out of the stale-data breaker. The reconciliation tolerance was already the operator setting
--   reconcile_tolerance (ops.setting, api.set_setting, audited revisions; migration 0007).
-- * trading.signal gains an index on (book_id, ts): portfolio.book_symbols reads a week of a book's signals at
--   every hour close.
-- * The comment of ops.run says its latest run's symbols are part of the hour's symbols.
CREATE INDEX signal_by_decision_time ON trading.signal (book_id, ts);
COMMENT ON INDEX trading.signal_by_decision_time IS 'A book''s signals by decision time: the week portfolio.book_symbols reads at each hour close.';

COMMENT ON TABLE ops.run IS 'Registered runs of the hour runner: the configuration that makes the run reproducible (symbols, strategy and parameters, venue model and seed, period) and the hash of the dataset it used. The latest run''s symbols and rate_symbols are part of every hour''s symbol set of its book (portfolio.book_symbols: inputs hash, stale-data and data-quality breakers).';
