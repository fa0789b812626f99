"""The model lane end to end on real shared bars (issue 19 items 4 and 8): a small model trained on 2022 of BTC and
ETH (selection) and measured on 2023's first half (hold-out), recorded in the registry from Python, judged by the
gate, reported; then the same through ``predator ml`` (click's CliRunner)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from predator.cli import main
from predator.db import ml_api
from predator.db.connection import Target
from predator.ml.dataset import HOUR, DatasetSpec, load_dataset
from predator.ml.registry import (
    ModelAlreadyRegistered,
    evaluate_registered,
    record_holdout,
    record_model,
)
from predator.ml.train import train_family
from predator.reports.model import render
from tests.helpers import candle_lines, stage_and_load

START = datetime(2022, 1, 1, tzinfo=UTC)
SELECTION_END = datetime(2023, 1, 1, tzinfo=UTC)
END = datetime(2023, 7, 1, tzinfo=UTC)
SYMBOLS = ("BTC/USDT", "ETH/USDT")
TRIALS = ({"num_leaves": 7, "learning_rate": 0.1, "min_data_in_leaf": 100, "num_boost_round": 20},
          {"num_leaves": 15, "learning_rate": 0.05, "min_data_in_leaf": 100, "num_boost_round": 20})


def _load(db: Target) -> None:
    hours = int((END - START).total_seconds()) // HOUR
    with db.connect("operator") as conn:
        for s in SYMBOLS:
            stage_and_load(conn, s, candle_lines(s, START, hours))


def test_a_model_is_recorded_judged_and_reported(db: Target, tmp_path: Path) -> None:
    _load(db)
    with db.connect("worker") as conn:
        ds = load_dataset(conn, DatasetSpec("binance", SYMBOLS, START, END))
        model = train_family(ds, scope="global", out_dir=tmp_path, trials=TRIALS, n_groups=4, embargo=24,
                             selection_end=int(SELECTION_END.timestamp()) // HOUR, version="test")
        rec = record_model(conn, model, ds)
        assert rec.family == "lgbm_tb:global" and len(rec.trial_seqs) == 2 and len(rec.folds) == 3
        with pytest.raises(ModelAlreadyRegistered, match="already registered"):
            record_model(conn, model, ds)  # refused by the database; the trial ledger is not counted twice

    with db.connect("auditor") as conn:
        row = ml_api.model(conn, model.model_id)
        assert row is not None and row.artefact_sha256 == model.sha256 and row.dataset_hash == ds.dataset_hash
        assert row.code_version == "test" and row.params["dataset"]["symbols"] == list(SYMBOLS)
        assert ml_api.trial_counts(conn) == {"lgbm_tb:global": 2}
        trials = ml_api.trials(conn, "lgbm_tb:global", with_returns=True)
        assert [t.metrics["selected"] for t in trials] == [t.trial == model.selected_trial for t in model.trials]
        assert all(t.returns is not None and len(t.returns) == t.n_obs for t in trials)
        folds = ml_api.fold_metrics(conn, model.model_id)
        assert [f.fold for f in folds] == [0, 1, 2]
        assert all(f.period_to <= SELECTION_END and abs(f.sharpe * f.std - f.mean) < 1e-12 for f in folds)
        assert [f.n_obs for f in folds] == [f.n_obs for f in model.folds]

    # the hold-out: the first half of 2023, after the embargo, seen by neither training nor selection
    with db.connect("worker") as conn:
        hold = evaluate_registered(conn, row, load_dataset(conn, DatasetSpec("binance", SYMBOLS, START, END)))
        assert [f.fold for f in hold] == [0]
        records = record_holdout(conn, model.model_id, hold)
        assert [(r.kind, r.fold) for r in records] == [("holdout", 0)]
        assert records[0].period_from == datetime(2023, 1, 2, tzinfo=UTC) and records[0].period_to <= END
        assert 4000 < records[0].n_obs < 4344
    with db.connect("worker") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        ml_api.evaluate_promotion(conn, model.model_id, "paper", "a candidate promotes itself")

    with db.connect("operator") as conn:
        with conn.transaction():
            decision = ml_api.evaluate_promotion(conn, model.model_id, "paper", "integration test")
        stored = ml_api.promotions(conn, model_id=model.model_id)
        champions = ml_api.champions(conn)
    assert [(p.seq, p.passed, p.reasons) for p in stored] == [(decision.seq, decision.passed, decision.reasons)]
    assert decision.passed == (decision.reasons == [])
    # judged on the hold-out alone; the three selection folds reported, not pooled
    assert decision.figures["holdout_folds"] == 1 and decision.figures["oos_folds"] == 3
    assert decision.figures["holdout_n_obs"] == records[0].n_obs and decision.figures["judged_on"] == "holdout"
    assert decision.figures["trials"] == 2 and "pbo" in decision.figures
    if decision.passed:
        assert [(c.family, c.lane, c.model_id) for c in champions] == [("lgbm_tb:global", "paper", model.model_id)]
    else:
        assert champions == []
    print("decision", decision.passed, decision.reasons, json.dumps(decision.figures, sort_keys=True))

    out = render(db, model.model_id, tmp_path / "report.html")
    page = out.read_text()
    for text in (model.model_id, model.sha256, ds.dataset_hash, "hold-out fold 0", "<svg", "rsi_14", "DSR",
                 "PBO", f"{decision.figures['dsr']:.4g}", "PASSED" if decision.passed else "REFUSED",
                 *decision.reasons):
        assert text in page, text


def test_predator_ml_commands(db: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _load(db)
    monkeypatch.setenv("PREDATOR_DSN", db.dsn)
    monkeypatch.setenv("PREDATOR_LOG", str(tmp_path / "predator.jsonl"))
    run = CliRunner().invoke
    train = ["ml", "train", "--scope", "global", "--start", "2022-01-01", "--selection-end", "2023-01-01",
             "--end", "2023-07-01", "--groups", "4", "--out-dir", str(tmp_path / "models")]
    r = run(main, train)
    assert r.exit_code == 0, r.output
    model_id = next(line.split()[0] for line in r.output.splitlines() if line.startswith("lgbm_tb:global:"))
    assert "3 trials recorded" in r.output

    again = run(main, train)
    assert again.exit_code == 4 and "already registered" in again.output

    early = run(main, ["ml", "promote", model_id, "--reason", "too early"])  # the database refuses it
    assert early.exit_code == 1 and "reason: no_holdout" in early.output and "ml evaluate" in early.output

    ev = run(main, ["ml", "evaluate", model_id])
    assert ev.exit_code == 0 and "holdout fold   0" in ev.output and "recorded" in ev.output, ev.output
    twice = run(main, ["ml", "evaluate", model_id])
    assert twice.exit_code == 0 and "already recorded" in twice.output

    pr = run(main, ["ml", "promote", model_id, "--lane", "paper", "--reason", "cli test"])
    assert pr.exit_code in (0, 1), pr.output
    passed = pr.exit_code == 0
    assert ("PASSED" if passed else "REFUSED") in pr.output and "dsr" in pr.output
    assert (f"champion of lgbm_tb:global on paper: {model_id}" if passed else "on paper: none") in pr.output

    ls = run(main, ["ml", "list"])
    assert ls.exit_code == 0 and model_id in ls.output and "trials   3" in ls.output and "folds 3+1" in ls.output
    assert ("paper passed" if passed else "paper refused: ") in ls.output

    rp = run(main, ["ml", "report", model_id, "--out", str(tmp_path / "r.html")])
    assert rp.exit_code == 0 and model_id in (tmp_path / "r.html").read_text()

    unknown = run(main, ["ml", "evaluate", "lgbm_tb:global:0000000000000000"])
    assert unknown.exit_code == 5 and "no model" in unknown.output
