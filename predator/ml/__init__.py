"""The model lane (issue 19): its statistical foundation so far.

``stats`` mirrors the SQL functions of schema ``ml`` (PSR, DSR, MinTRL, PBO by CSCV, the normal CDF and its
inverse); ``labels`` makes triple-barrier labels; ``validation`` makes purged walk-forward and combinatorial
purged cross-validation splits. No shuffled or static split anywhere in this package
(tests/unit/test_ml_split_lint.py). NumPy only; no database, no wall clock, no randomness. docs/ml.md.
"""
