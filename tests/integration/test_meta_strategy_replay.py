"""A promoted meta-model runs as the meta strategy on a paper book and replays to parity (issue 19 item 2; docs/ml.md
"The meta strategy"): a meta-labelling family (the SMA crossover's entries, predator.ml.meta) trained on real
BTC/USDT bars, registered with its costs and (crafted, passing) folds; the strategy is refused on the book before the
promotion (PD023), then a short paper window runs with the same HourRunner as predator paper: every signal names the
model, every buy's confidence is the model's P(win) at that bar (meta_signal_at), every exit follows the crossover,
and the replay in a scratch database gives REPLAY PARITY: TRUE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from predator.db import ml_api
from predator.db.connection import Target
from predator.errors import DatabaseRefusal
from predator.ml.dataset import DatasetSpec, load_dataset
from predator.ml.meta import META_SMA_TRIALS, meta_samples, meta_signal_at
from predator.ml.train import train_family
from predator.runner import replay as replay_mod
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.strategies.sma_cross import cross_series
from predator.venues.paper import PaperConfig
from tests.helpers import candle_lines, record_crafted_passing_record, stage_and_load

SYMBOL = "BTC/USDT"
FAST, SLOW = 5, 20
LOAD_START = datetime(2022, 10, 1, tzinfo=UTC)
TRAIN_END = datetime(2023, 1, 15, tzinfo=UTC)
RUN_START = datetime(2023, 2, 1, tzinfo=UTC)
RUN_END = datetime(2023, 2, 6, tzinfo=UTC)


def _register(db: Target, out_dir: Path) -> tuple[str, Path]:
    with db.connect("worker") as wk:
        ds = load_dataset(wk, DatasetSpec("binance", (SYMBOL,), LOAD_START, TRAIN_END))
        wk.commit()
        model = train_family(ds, scope=SYMBOL, out_dir=out_dir, family="meta_sma", trials=META_SMA_TRIALS,
                             sampler=partial(meta_samples, fast=FAST, slow=SLOW), min_train=30, n_groups=4,
                             embargo=24, version="test")
        with wk.transaction():
            ml_api.register_model(wk, model_id=model.model_id, family=model.family,
                                  code_version=model.code_version, dataset_hash=model.dataset_hash,
                                  features=model.features,
                                  params={**model.params, "fast": FAST, "slow": SLOW,
                                          "validation": dict(model.validation), "dataset": {"venue": "binance"}},
                                  artefact_sha256=model.sha256, artefact_path=str(model.path))
            record_crafted_passing_record(wk, family=model.family, model_id=model.model_id)
    return model.model_id, model.path


def test_a_promoted_meta_model_trades_on_a_paper_book_and_replays_to_parity(db: Target, tmp_path: Path) -> None:
    hours = int((RUN_END - LOAD_START) / timedelta(hours=1)) + 48
    with db.connect("operator") as op:
        stage_and_load(op, SYMBOL, candle_lines(SYMBOL, LOAD_START, hours))
    model_id, artefact = _register(db, tmp_path)
    params = effective_params(load_strategy("meta_model", {"model_id": model_id, "fast": FAST, "slow": SLOW}))
    config = RunConfig(account="meta02", symbols=(SYMBOL,), strategy="meta_model", params=params, start=RUN_START,
                       end=RUN_END, venue=PaperConfig(seed=7))

    # The same promotion gate as the model strategy: refused on the book until promoted for its lane.
    with pytest.raises(DatabaseRefusal, match="model_not_promoted") as refused:
        HourRunner(db, config, backtest_fast_commit=True).prepare()
    assert refused.value.sqlstate == "PD023"
    with db.connect("operator") as op, op.transaction():
        decision = ml_api.evaluate_promotion(op, model_id, "paper", "test: crafted passing record")
    assert decision.passed and decision.reasons == []

    runner = HourRunner(db, config, backtest_fast_commit=True)
    try:
        assert runner.run() is not None
    finally:
        runner.close()
    with db.connect("auditor") as conn:
        conn.execute("SET TimeZone = 'UTC'")
        rows = conn.execute(
            "SELECT s.ts, s.direction, s.confidence, s.model_id, s.quantity FROM trading.signal s"
            " JOIN trading.account a USING (book_id) WHERE a.name = %s ORDER BY s.seq", ("meta02",)).fetchall()
        registered = conn.execute("SELECT r.params FROM trading.strategy r JOIN trading.account a USING (book_id)"
                                  " WHERE a.name = %s", ("meta02",)).fetchone()
        outcomes = [r[0] for r in conn.execute("SELECT outcome FROM api.decisions WHERE account = %s",
                                               ("meta02",)).fetchall()]
    assert registered is not None and registered[0]["model_id"] == model_id
    buys = [r for r in rows if r[1] == "buy"]
    assert buys, "the meta-model took no entry in the window: the test would prove nothing"
    assert {r[3] for r in rows} == {model_id}  # every signal names its model
    assert {r[1] for r in rows} <= {"buy", "exit"} and outcomes.count("admitted") >= 1

    # Each buy's confidence is the model's P(win) at its bar: meta_signal_at on the bars up to the decision.
    with db.connect("worker") as wk:
        ds = load_dataset(wk, DatasetSpec("binance", (SYMBOL,), LOAD_START, RUN_END))
    bars = ds.symbol(SYMBOL)
    text = artefact.read_text()
    for ts, _, confidence, _, quantity in buys:
        last = int(ts.timestamp()) - 3600  # the decision at T reads the bar opened at T - 1h and before
        end = int((bars.ts <= last).sum())
        d = meta_signal_at(text, bars.history(0, end), fast=FAST, slow=SLOW)
        assert d is not None and d.take and float(confidence) == pytest.approx(d.confidence, abs=1e-12)
        assert quantity > 0
    exits = [r for r in rows if r[1] == "exit"]
    assert exits
    cross = cross_series(bars.close, FAST, SLOW)
    for ts, _, confidence, _, _ in exits:  # the primary's exit: fast crossed below slow at the last closed bar
        assert cross[int((bars.ts <= int(ts.timestamp()) - 3600).sum()) - 1] == -1 and float(confidence) == 1.0

    result = replay_mod.replay(db, "meta02")
    assert result.mismatches == [] and result.unreplayable == []
    assert result.parity and result.hours_compared == int((RUN_END - RUN_START) / timedelta(hours=1)) + 1
