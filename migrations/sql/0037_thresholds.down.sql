-- 0037_thresholds (down): the index and the comment of ops.run as before. The definitions under sql/ are those
-- of the revision the database is migrated to.
DROP INDEX trading.signal_by_decision_time;
COMMENT ON TABLE ops.run IS 'Registered runs of the hour runner: the configuration that makes the run reproducible (symbols, strategy and parameters, venue model and seed, period) and the hash of the dataset it used.';
