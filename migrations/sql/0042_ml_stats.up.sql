-- 0042_ml_stats.up.sql — schema ml, the statistics of the model lane (issue 19 item 5, its foundation).
--
-- The schema holds no table yet: only pure functions (sql/ml/functions, re-applied on every migrate like every
-- other definition) that the promotion gate will call: the probabilistic Sharpe ratio, the expected maximum
-- Sharpe ratio of N trials under the null, the deflated Sharpe ratio, the minimum track record length, the
-- probability of backtest overfitting by combinatorially symmetric cross-validation, and the standard normal
-- CDF and its inverse they need (docs/ml.md gives every formula with its source). The registry of models and
-- trials comes in a later migration.
SET LOCAL ROLE predator_owner;

CREATE SCHEMA ml;
COMMENT ON SCHEMA ml IS 'The model lane''s statistics: pure functions (PSR, DSR, MinTRL, PBO, the standard normal CDF and its inverse), executable by the operator and the auditor (docs/ml.md).';
