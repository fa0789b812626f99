"""predator.ml.registry without a database: the registry's units of a fold, the selection folds rebuilt from the
dataset as the trained ones, the hold-out after the selection end plus the embargo, one fold per calendar year, and
the lineage checks that run before anything is written."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from predator.ml.registry import (
    LineageMismatch,
    _json_safe,
    fold_record,
    holdout_folds,
    record_model,
    registry_family,
    selection_folds,
)
from predator.ml.train import train_family
from tests.unit.test_ml_train import SMALL_TRIALS, T0, synthetic_dataset


def test_a_fold_in_the_registrys_units() -> None:
    r = np.array([0.01, -0.02, 0.03, 0.0, -0.01])
    bh = np.array([0.02, 0.01, -0.01, 0.0, 0.005])
    hours = np.arange(1000, 1005, dtype=np.int64)
    f = fold_record("walk_forward", 3, hours, r, bh, 0.4)
    assert f.std == pytest.approx(r.std(ddof=0)) and f.sharpe == pytest.approx(r.mean() / r.std(ddof=0))
    assert f.net_return == pytest.approx(float(np.log1p(r).sum()))
    assert f.buy_hold_return == pytest.approx(float(np.log1p(bh).sum()))
    assert f.kurtosis >= 1 + f.skew ** 2 and f.turnover == 0.4
    assert f.period_from == datetime.fromtimestamp(1000 * 3600, UTC)
    assert f.period_to == datetime.fromtimestamp(1005 * 3600, UTC)  # the last position earns to the next close
    assert f.max_drawdown == pytest.approx(0.02)  # 1.01 -> 0.9898; the later fall 1.0195 -> 1.0093 is 1 %
    flat = fold_record("walk_forward", 0, hours, np.zeros(5), bh, 0.0)
    assert (flat.std, flat.sharpe, flat.kurtosis, flat.max_drawdown) == (0.0, 0.0, 3.0, 0.0)
    with pytest.raises(ValueError):
        fold_record("walk_forward", 0, hours[:1], r[:1], bh[:1], 0.0)


def test_json_safe_and_family_names() -> None:
    assert _json_safe({"a": [1.0, math.nan], "b": {"c": math.inf}}) == {"a": [1.0, None], "b": {"c": None}}
    assert registry_family("lgbm_tb", "BTC/USDT") == "lgbm_tb:BTC-USDT"
    assert registry_family("lgbm_tb", "global") == "lgbm_tb:global"


def test_selection_folds_are_the_trained_ones_and_the_holdout_comes_after(tmp_path: Path) -> None:
    n = 12_000  # 2021-01-01 + 500 days
    ds = synthetic_dataset(("BTC/USDT", "ETH/USDT"), n)
    cut = int(datetime(2021, 10, 1, tzinfo=UTC).timestamp()) // 3600
    m = train_family(ds, scope="global", out_dir=tmp_path, trials=SMALL_TRIALS, n_groups=4, embargo=24,
                     selection_end=cut, version="test")
    series = selection_folds(m, ds)
    chosen = next(t for t in m.trials if t.trial == m.selected_trial)
    assert [s.fold for s in series] == [f.fold for f in m.folds]
    for s, f in zip(series, m.folds, strict=True):
        assert s.returns.size == f.n_obs and s.hours[0] == f.first_hour and s.hours[-1] == f.last_hour
        assert s.returns.mean() == pytest.approx(f.mean) and s.turnover == pytest.approx(f.turnover / 2)
        rec = s.record()  # population std: the registry's Sharpe is the trained one × √(n / (n - 1))
        assert rec.sharpe == pytest.approx(f.sharpe * math.sqrt(f.n_obs / (f.n_obs - 1)), rel=1e-9)
    assert np.array_equal(np.concatenate([s.returns for s in series]), chosen.oos_returns)

    hold = holdout_folds(m.path.read_text(), ds, scope="global", labels=m.labels, selection_end_hour=cut,
                         embargo_hours=24, threshold=0.5, fee_bps=10.0)
    assert [h.fold for h in hold] == [0, 1]  # rest of 2021, then 2022
    assert {h.record('holdout').kind for h in hold} == {'holdout'}
    assert hold[0].hours[0] >= cut + 24 and max(f.last_hour for f in m.folds) < cut
    jan = int(datetime(2022, 1, 1, tzinfo=UTC).timestamp()) // 3600
    assert hold[0].hours[-1] < jan <= hold[1].hours[0]
    assert hold[1].hours[-1] < T0 // 3600 + n


def test_lineage_is_checked_before_anything_is_written(tmp_path: Path) -> None:
    ds = synthetic_dataset(("BTC/USDT",), 3000)
    m = train_family(ds, scope="BTC/USDT", out_dir=tmp_path, trials=SMALL_TRIALS[:1], n_groups=4, version="test")
    no_conn: Any = None  # a database call would fail on it: the checks come first
    m.path.write_text(m.path.read_text() + "\n")
    with pytest.raises(LineageMismatch, match="does not hash"):
        record_model(no_conn, m, ds)
