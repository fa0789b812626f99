"""Retraining (predator.ml.retrain, issue 19 item 7) without a database: the drift trigger trains a candidate only
on a regime change (or a fall of the forward hit rate), the scheduled mode trains every run, each candidate goes to
the recorder passed in and nowhere else, a real APScheduler scheduler runs the job, and the module holds no way to
promote (no SQL, no registry import, no promotion call)."""

from __future__ import annotations

import ast
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

import predator.ml.retrain as retrain_mod
from predator.ml.dataset import Dataset, DatasetSpec, SymbolBars
from predator.ml.drift import DriftRule
from predator.ml.retrain import RetrainConfig, RetrainJob, cron, latest_window_spec
from predator.ml.train import TrainedModel
from tests.unit.test_ml_train import SMALL_TRIALS, T0, synthetic_dataset


def regime_dataset(n: int = 3000, recent: int = 720, factor: float = 4.0) -> Dataset:
    """A seeded random walk whose last ``recent`` hours have ``factor`` times the volatility and bar ranges."""
    rng = np.random.default_rng(21)
    vol = np.where(np.arange(n) >= n - recent, 0.01 * factor, 0.01)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 1.0, n) * vol))
    open_ = np.concatenate(([100.0], close[:-1]))
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.004, n) * vol / 0.01)
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.004, n) * vol / 0.01)
    bars = SymbolBars("BTC/USDT", T0 + 3600 * np.arange(n, dtype=np.int64), open_, high, low, close,
                      rng.uniform(10, 100, n))
    spec = DatasetSpec("binance", ("BTC/USDT",), datetime.fromtimestamp(T0, UTC),
                       datetime.fromtimestamp(T0 + 3600 * n, UTC))
    return Dataset(spec, "0" * 64, {}, 10.0, False, (bars,))


class Recorder:
    def __init__(self) -> None:
        self.recorded: list[TrainedModel] = []
        self.called = threading.Event()

    def __call__(self, trained: TrainedModel) -> int:
        self.recorded.append(trained)
        self.called.set()
        return len(self.recorded)


def config(tmp_path: Path, **kw: object) -> RetrainConfig:
    base = RetrainConfig(scope="BTC/USDT", out_dir=tmp_path, trials=SMALL_TRIALS, n_groups=4, min_train=100,
                         version="test")
    return replace(base, **kw)  # type: ignore[arg-type]


def test_drift_mode_trains_nothing_without_drift(tmp_path: Path) -> None:
    rec = Recorder()
    job = RetrainJob(lambda: synthetic_dataset(("BTC/USDT",), 3000), rec, config(tmp_path))
    out = job.run()
    assert out.trigger == "none" and out.candidate is None and out.record_id is None
    assert not out.drift.drifted and rec.recorded == [] and list(tmp_path.iterdir()) == []
    assert out.drift.n_recent == 720 and out.drift.n_reference > 2000


def test_drift_mode_trains_and_records_a_candidate_on_a_regime_change(tmp_path: Path) -> None:
    rec = Recorder()
    job = RetrainJob(regime_dataset, rec, config(tmp_path))
    out = job.run()
    assert out.drift.drifted and out.trigger == "drift"
    assert {"vol_24", "range_1"} <= set(out.drift.drifted_features)
    assert out.candidate is not None and rec.recorded == [out.candidate] and out.record_id == 1
    assert out.candidate.path.exists() and out.candidate.model_id.startswith("lgbm_tb:BTC-USDT:")
    assert list(job.outcomes) == [out]


def test_a_fall_of_the_forward_hit_rate_triggers_without_feature_drift(tmp_path: Path) -> None:
    rec = Recorder()
    outcomes = np.r_[np.ones(20), np.zeros(60)]
    job = RetrainJob(lambda: synthetic_dataset(("BTC/USDT",), 3000), rec, config(tmp_path),
                     forward=lambda: (outcomes, 0.55))
    out = job.run()
    assert not out.drift.drifted and out.hit_rate is not None and out.hit_rate.fell
    assert out.trigger == "hit_rate" and len(rec.recorded) == 1
    steady = RetrainJob(lambda: synthetic_dataset(("BTC/USDT",), 3000), rec, config(tmp_path),
                        forward=lambda: (np.r_[np.ones(45), np.zeros(35)], 0.55)).run()
    assert steady.trigger == "none" and len(rec.recorded) == 1


def test_schedule_mode_trains_every_run_and_the_same_data_gives_the_same_candidate(tmp_path: Path) -> None:
    rec = Recorder()
    job = RetrainJob(lambda: synthetic_dataset(("BTC/USDT",), 3000), rec, config(tmp_path, mode="schedule"))
    a, b = job.run(), job.run()
    assert a.trigger == b.trigger == "schedule" and len(rec.recorded) == 2
    assert a.candidate is not None and b.candidate is not None and a.candidate.sha256 == b.candidate.sha256


def test_a_real_apscheduler_scheduler_runs_the_job(tmp_path: Path) -> None:
    rec = Recorder()
    job = RetrainJob(lambda: synthetic_dataset(("BTC/USDT",), 3000), rec, config(tmp_path, mode="schedule"))
    scheduler = BackgroundScheduler(timezone=UTC)
    aps_job = job.schedule(scheduler, IntervalTrigger(seconds=1, timezone=UTC))
    assert aps_job.id == "retrain-lgbm_tb-BTC/USDT"
    scheduler.start()
    try:
        assert rec.called.wait(timeout=60), "the scheduler never ran the retraining job"
    finally:
        scheduler.shutdown(wait=True)
    assert len(rec.recorded) >= 1 and job.outcomes[0].trigger == "schedule"
    assert job.outcomes[0].candidate is rec.recorded[0]


def test_cron_and_latest_window_helpers() -> None:
    trigger = cron("10 0 * * *")
    nxt = trigger.get_next_fire_time(None, datetime(2026, 1, 1, 12, 0, tzinfo=UTC))
    assert nxt == datetime(2026, 1, 2, 0, 10, tzinfo=UTC)
    spec = latest_window_spec("binance", ("ETH/USDT", "BTC/USDT"), 48, datetime(2026, 1, 3, 5, 42, tzinfo=UTC))
    assert spec.symbols == ("BTC/USDT", "ETH/USDT")
    assert (spec.start, spec.end) == (datetime(2026, 1, 1, 5, tzinfo=UTC), datetime(2026, 1, 3, 5, tzinfo=UTC))
    with pytest.raises(ValueError):
        latest_window_spec("binance", ("BTC/USDT",), 0)


def test_the_retraining_module_has_no_way_to_promote() -> None:
    source = Path(retrain_mod.__file__).read_text()
    tree = ast.parse(source)
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    assert not any(m.startswith(("predator.db", "psycopg", "predator.ml.registry")) for m in imported), imported
    for node in ast.walk(tree):  # docstrings left out: only code counts
        body = getattr(node, "body", None)
        if isinstance(body, list):
            node.body = [n for n in body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]  # type: ignore[attr-defined]
    code = ast.unparse(tree)
    assert "train_family(" in code  # the probe reads the code
    assert "evaluate_promotion" not in code and "champion" not in code


def test_the_drift_rule_in_force_governs_and_a_caller_may_only_be_stricter(tmp_path: Path) -> None:
    in_force = DriftRule.in_force(0.3, 0.02, None)
    assert in_force == DriftRule(0.3, 0.02, 0.01)  # an unset setting: the shipped default
    assert in_force.stricter(0.2, 0.05, 0.05) == DriftRule(0.2, 0.05, 0.05)
    for looser in ({"psi_threshold": 0.5}, {"ks_alpha": 0.001}, {"hit_rate_alpha": 0.001}):
        with pytest.raises(ValueError, match="never looser"):
            in_force.stricter(**looser)
    # the job applies the rule it reads each run, and refuses a config looser than it
    rec = Recorder()
    job = RetrainJob(regime_dataset, rec, config(tmp_path), rule=lambda: DriftRule(psi_threshold=10.0, ks_alpha=1e-4))
    out = job.run()
    assert out.rule == DriftRule(10.0, 1e-4, 0.01)
    strict = RetrainJob(regime_dataset, rec, config(tmp_path, psi_threshold=0.25), rule=lambda: DriftRule(10.0))
    assert strict.run().rule.psi_threshold == 0.25
    loose = RetrainJob(regime_dataset, rec, config(tmp_path, psi_threshold=0.5), rule=lambda: DriftRule(0.25))
    with pytest.raises(ValueError, match="never looser"):
        loose.run()
