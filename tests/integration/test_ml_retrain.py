"""A retraining candidate never promotes itself (issue 19 item 7): the retraining job runs with a recorder on a
real connection as the worker login (``predator_worker``), which registers the candidate in ``ml.model``; the same
connection is refused ``api.evaluate_promotion`` (42501) and cannot write ``ml.promotion``, so ``ml.champion``
stays empty until the operator evaluates the candidate — and then only a passed decision could move it."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from predator.db.connection import Target
from predator.ml.retrain import RetrainConfig, RetrainJob
from predator.ml.train import TrainedModel
from tests.unit.test_ml_train import SMALL_TRIALS, synthetic_dataset


def _register(conn: psycopg.Connection, trained: TrainedModel) -> int:
    """A minimal recorder (the registry's recorder is written elsewhere): api.register_model on ``conn``."""
    row = conn.execute(
        "SELECT api.register_model(%s, %s, %s, %s, %s, %s::jsonb, %s, %s)",
        (trained.model_id, trained.family, trained.code_version, trained.dataset_hash, list(trained.features),
         json.dumps(dict(trained.params)), trained.sha256, str(trained.path))).fetchone()
    assert row is not None
    return int(row[0])


def test_the_job_records_as_the_worker_and_the_worker_cannot_promote(db: Target, tmp_path: Path) -> None:
    with db.connect("worker", autocommit=True) as worker:
        role = worker.execute("SELECT pg_has_role(current_user, 'predator_worker', 'MEMBER'), "
                              "pg_has_role(current_user, 'predator_operator', 'MEMBER')").fetchone()
        assert role == (True, False)
        job = RetrainJob(lambda: synthetic_dataset(("BTC/USDT",), 3000), lambda t: _register(worker, t),
                         RetrainConfig(scope="BTC/USDT", out_dir=tmp_path, mode="schedule", trials=SMALL_TRIALS,
                                       n_groups=4, min_train=100, version="test"))
        out = job.run()
        assert out.candidate is not None and out.record_id is not None and out.record_id > 0
        model_id = out.candidate.model_id
        with pytest.raises(errors.InsufficientPrivilege):
            worker.execute("SELECT * FROM api.evaluate_promotion(%s, 'paper', 'the candidate promotes itself')",
                           (model_id,))
        with pytest.raises(errors.InsufficientPrivilege):
            worker.execute("INSERT INTO ml.promotion (model_id) VALUES (%s)", (model_id,))
        with pytest.raises(errors.InsufficientPrivilege):
            worker.execute("SELECT * FROM ml.champion")
    with db.connect("operator", autocommit=True) as operator:
        registered = operator.execute("SELECT family, artefact_sha256 FROM ml.model WHERE model_id = %s",
                                      (model_id,)).fetchone()
        assert registered == ("lgbm_tb", out.candidate.sha256)
        assert operator.execute("SELECT count(*) FROM ml.promotion").fetchone() == (0,)
        assert operator.execute("SELECT count(*) FROM ml.champion").fetchone() == (0,)
        # the operator may evaluate it; a candidate with no fold metrics and no trials is refused, nothing moves
        passed, reasons = operator.execute(
            "SELECT passed, reasons FROM api.evaluate_promotion(%s, 'paper', 'operator review')",
            (model_id,)).fetchone() or (None, None)
        assert passed is False and "no_oos_folds" in reasons
        assert operator.execute("SELECT count(*) FROM ml.champion").fetchone() == (0,)
