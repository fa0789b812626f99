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


def test_predator_ml_retrain_once_records_a_candidate_that_is_not_judged(
        db: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``predator ml retrain --once`` over a real window of BTC/USDT (the shared file): the job trains a candidate
    on the window less its last 720 hours and records it as the worker (model, trials, selection folds); nothing is
    judged and no champion moves; ``predator ml evaluate`` then measures the kept-out hours as its hold-out."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from click.testing import CliRunner

    from predator.cli import main
    from predator.db import ml_api
    from tests.helpers import candle_lines, stage_and_load

    start, end = datetime(2022, 1, 1, tzinfo=UTC), datetime(2022, 7, 1, tzinfo=UTC)
    with db.connect("operator") as conn:
        stage_and_load(conn, "BTC/USDT", candle_lines("BTC/USDT", start, int((end - start).total_seconds()) // 3600))
    monkeypatch.setenv("PREDATOR_DSN", db.dsn)
    monkeypatch.setenv("PREDATOR_LOG", str(tmp_path / "predator.jsonl"))
    run = CliRunner().invoke
    r = run(main, ["ml", "retrain", "--once", "--mode", "schedule", "--scope", "BTC/USDT", "--symbols", "BTC/USDT",
                   "--end", "2022-07-01", "--hours", "4000", "--holdout-hours", "720", "--groups", "4",
                   "--min-train", "200", "--out-dir", str(tmp_path / "models")])
    assert r.exit_code == 0, r.output
    assert "trigger schedule" in r.output and "window 2022-01-15 08:00 .. 2022-07-01 00:00" in r.output, r.output
    model_id = next(w for line in r.output.splitlines() if line.startswith("candidate ") for w in line.split()[1:2])
    with db.connect("auditor") as conn:
        row = ml_api.model(conn, model_id)
        assert row is not None and row.family == "lgbm_tb:BTC-USDT" and row.actor.startswith("predator_worker")
        assert ml_api.trial_counts(conn) == {"lgbm_tb:BTC-USDT": 3}
        folds = ml_api.fold_metrics(conn, model_id)
        assert folds and {f.kind for f in folds} == {"walk_forward"}
        cut = datetime(2022, 7, 1, tzinfo=UTC).timestamp() - 720 * 3600
        assert all(f.period_to.timestamp() <= cut for f in folds)  # selection ends before the kept-out hours
        assert ml_api.promotions(conn) == [] and ml_api.champions(conn) == []

        v = row.params["validation"]
        assert (v["fee_bps"], v["slippage_bps"], v["slippage_from_db"]) == (10.0, 2.0, True)  # the database's costs

    ev = run(main, ["ml", "evaluate", model_id])
    assert ev.exit_code == 0 and "holdout fold   0 2022-06-02" in ev.output, ev.output
    assert "net of 10 bps taker fee and 2 bps slippage" in ev.output, ev.output
    with db.connect("auditor") as conn:
        assert [f.kind for f in ml_api.fold_metrics(conn, model_id)].count("holdout") == 1
        assert ml_api.promotions(conn) == []

    # the drift thresholds are the settings in force: a caller may be stricter, never looser
    with db.connect("operator") as conn:
        drift = ml_api.drift_settings(conn)
        assert (drift.psi_threshold, drift.ks_alpha, drift.hit_rate_alpha) == (Decimal("0.25"), Decimal("0.01"),
                                                                                Decimal("0.01"))
        conn.execute("SELECT api.set_setting('ml_drift_psi_threshold', 0.2, 'test: stricter')")
        conn.commit()
    loose = run(main, ["ml", "retrain", "--once", "--scope", "BTC/USDT", "--symbols", "BTC/USDT", "--end",
                       "2022-07-01", "--hours", "4000", "--psi-threshold", "0.25"])
    assert loose.exit_code == 2 and "never looser" in loose.output, loose.output
