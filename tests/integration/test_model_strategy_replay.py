"""A promoted model runs as a strategy on a paper book and replays to parity (issue 19 items 5 and 6; docs/ml.md
"Inference"): a small LightGBM trained by predator.ml on real BTC/USDT bars loaded through the gated path, registered
with its trial ledger and (crafted, passing) walk-forward folds, promoted to paper by the operator; the model strategy
registered on a paper book, a week of hours run by the same HourRunner as predator paper, every signal naming the
model; the replay in a scratch database (which gets the registry through the governed doors) gives REPLAY PARITY:
TRUE. A tampered artefact then stops a run at start."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from predator.cli import main
from predator.db import ml_api
from predator.db.connection import Target
from predator.errors import DatabaseRefusal, ModelRefused
from predator.ml.dataset import FEATURE_NAMES, DatasetSpec, load_dataset
from predator.ml.train import train_family
from predator.runner import replay as replay_mod
from predator.runner.hour import HourRunner, RunConfig, bind_models
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig
from tests.helpers import candle_lines, record_crafted_passing_record, stage_and_load

SYMBOL = "BTC/USDT"
LOAD_START = datetime(2022, 10, 1, tzinfo=UTC)
TRAIN_END = datetime(2023, 1, 15, tzinfo=UTC)
RUN_START = datetime(2023, 2, 1, tzinfo=UTC)
RUN_END = datetime(2023, 2, 6, tzinfo=UTC)
TRIALS = ({"num_leaves": 7, "learning_rate": 0.1, "min_data_in_leaf": 50, "num_boost_round": 15},)


def _register_and_promote(db: Target, out_dir: Path) -> tuple[str, str]:
    with db.connect("worker") as wk:
        ds = load_dataset(wk, DatasetSpec("binance", (SYMBOL,), LOAD_START, TRAIN_END))
        wk.commit()
        model = train_family(ds, scope=SYMBOL, out_dir=out_dir, family="lgbm_t48", trials=TRIALS, n_groups=3,
                             embargo=24, version="test")
        with wk.transaction():
            ml_api.register_model(wk, model_id=model.model_id, family=model.family,
                                  code_version=model.code_version, dataset_hash=model.dataset_hash,
                                  features=model.features,
                                  params={**model.params, "validation": dict(model.validation),
                                          "dataset": {"venue": "binance"}},
                                  artefact_sha256=model.sha256, artefact_path=str(model.path))
            record_crafted_passing_record(wk, family=model.family, model_id=model.model_id)
    return model.model_id, model.dataset_hash


AUDITOR_TRACE = """
SELECT s.ts, s.symbol, s.direction, s.confidence, s.model_id,
       m.family, m.code_version, m.dataset_hash, m.features, m.params, m.artefact_sha256, m.artefact_path,
       (SELECT array_agg(p.lane ORDER BY p.seq) FROM ml.promotion p
         WHERE p.model_id = m.model_id AND p.passed) AS passed_lanes,
       r.params AS strategy_params
  FROM trading.signal s
  JOIN trading.account a USING (book_id)
  JOIN ml.model m ON m.model_id = s.model_id
  JOIN trading.strategy r ON r.book_id = s.book_id AND r.strategy = s.strategy
 WHERE a.name = %s
 ORDER BY s.seq
"""


def test_a_promoted_model_runs_on_a_paper_book_and_replays_to_parity(db: Target, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    hours = int((RUN_END - LOAD_START) / timedelta(hours=1)) + 48
    with db.connect("operator") as op:
        stage_and_load(op, SYMBOL, candle_lines(SYMBOL, LOAD_START, hours))
    model_id, dataset_hash = _register_and_promote(db, tmp_path)
    params = effective_params(load_strategy("model", {"model_id": model_id, "threshold": 0.5}))
    config = RunConfig(account="mdl48", symbols=(SYMBOL,), strategy="model", params=params, start=RUN_START,
                       end=RUN_END, venue=PaperConfig(seed=7))

    # Not promoted yet: the paper book refuses the model strategy.
    with pytest.raises(DatabaseRefusal, match="model_not_promoted") as refused:
        HourRunner(db, config, backtest_fast_commit=True).prepare()
    assert refused.value.sqlstate == "PD023"
    with db.connect("operator") as op, op.transaction():
        decision = ml_api.evaluate_promotion(op, model_id, "paper", "test: crafted passing record")
    assert decision.passed and decision.reasons == []

    runner = HourRunner(db, config, backtest_fast_commit=True)
    try:
        summary = runner.run()
    finally:
        runner.close()
    assert summary is not None
    with db.connect("auditor") as conn:
        rows = conn.execute(
            "SELECT s.direction, s.confidence, s.model_id FROM trading.signal s JOIN trading.account a USING (book_id)"
            " WHERE a.name = %s ORDER BY s.seq", ("mdl48",)).fetchall()
        outcomes = [r[0] for r in conn.execute("SELECT outcome FROM api.decisions WHERE account = %s",
                                               ("mdl48",)).fetchall()]
        registered = conn.execute("SELECT features, artefact_sha256 FROM ml.model WHERE model_id = %s",
                                  (model_id,)).fetchone()
    assert rows, "the model decided nothing in the week: the test would prove nothing"
    assert {r[2] for r in rows} == {model_id}  # every signal names its model
    assert {r[0] for r in rows} == {"buy", "exit"} and all(0 <= r[1] <= 1 for r in rows)
    assert outcomes.count("admitted") >= 2  # the model traded: entries and exits went through the risk gate
    assert registered is not None and tuple(registered[0]) == FEATURE_NAMES
    # What the auditor reads (docs/ml.md "Inference"): each signal to its model's code, data and promotion.
    with db.connect("auditor") as conn:
        conn.execute("SET TimeZone = 'UTC'")
        traced = conn.execute(AUDITOR_TRACE, ("mdl48",)).fetchall()
    assert len(traced) == len(rows)
    assert {(t[4], t[6], t[7], t[10], tuple(t[12])) for t in traced} == {
        (model_id, "test", dataset_hash, registered[1], ("paper",))}

    result = replay_mod.replay(db, "mdl48")
    assert result.mismatches == [] and result.unreplayable == []
    assert result.parity and result.hours_compared == int((RUN_END - RUN_START) / timedelta(hours=1)) + 1

    # The look-ahead check of predator check-strategy applies to the model strategy as it trades (issue 19 item
    # 1): bound to its registered artefact, its decisions on data cut at three points equal those on the full data.
    monkeypatch.setenv("PREDATOR_DSN", db.dsn)
    monkeypatch.setenv("PREDATOR_LOG", str(tmp_path / "predator.jsonl"))
    check_args = ["check-strategy", "model", "--params", json.dumps({"model_id": model_id, "threshold": 0.5}),
                  "--symbols", SYMBOL, "--from", "2023-02-01", "--to", "2023-02-06", "--cuts", "3"]
    checked = CliRunner().invoke(main, check_args)
    assert checked.exit_code == 0, checked.output
    assert "LOOK-AHEAD CHECK: PASS (model)" in checked.output
    decided = int(checked.output.split(" decisions on the full data")[0].split()[-1])
    assert decided > 0, checked.output  # it decided something, so the comparison is not empty

    # A tampered artefact: the registry row no longer matches the file, and a run refuses to start.
    path = Path(ml_registry_path(db, model_id))
    path.write_bytes(path.read_bytes() + b"\n")
    # ... and the look-ahead check refuses to judge a model other than the registered one
    tampered = CliRunner().invoke(main, check_args)
    assert tampered.exit_code == 2 and "tampered or replaced" in tampered.output, tampered.output
    fresh = load_strategy("model", params)
    with db.connect("worker") as wk, pytest.raises(ModelRefused, match="tampered"):
        bind_models(wk, [fresh])


def ml_registry_path(db: Target, model_id: str) -> str:
    with db.connect("worker") as wk:
        m = ml_api.model(wk, model_id)
    assert m is not None
    return m.artefact_path
