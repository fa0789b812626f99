"""The model lane (issue 19).

``stats`` mirrors the SQL functions of schema ``ml`` (PSR, DSR, MinTRL, PBO by CSCV, the normal CDF and its
inverse); ``labels`` makes triple-barrier labels; ``validation`` makes purged walk-forward and combinatorial
purged cross-validation splits — these three NumPy only: no database, no wall clock, no randomness. ``dataset``
reads a dataset of 1h bars through :mod:`predator.db` with its ``api.dataset_hash`` and computes causal,
finite-memory features; ``train`` trains LightGBM per coin and global on triple-barrier targets, validated by
purged walk-forward, to a byte-reproducible artefact; ``example`` is the built-in family ``lgbm_tb``; ``strategy``
is the model strategy (entry point ``model``): a registered, promoted model's artefact, verified by sha256 and
feature list, deciding in the hour (docs/ml.md "Inference"). No shuffled
or static split anywhere in this package (tests/unit/test_ml_split_lint.py). docs/ml.md.
"""
