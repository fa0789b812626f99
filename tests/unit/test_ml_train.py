"""predator.ml.dataset and predator.ml.train without a database (issue 19 items 1 and 3): causal, finite-memory
features; walk-forward folds that never train on data at or after the test fold's start minus the embargo, nor on
labels overlapping the test fold; training twice writes the same artefact sha256."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from predator.ml.dataset import (
    FEATURE_NAMES,
    WARMUP_BARS,
    Dataset,
    DatasetSpec,
    SymbolBars,
    feature_matrix,
    features,
    truncation_differences,
)
from predator.ml.train import (
    LabelSpec,
    Samples,
    _buy_hold,
    samples,
    strategy_returns,
    train_family,
    walk_forward_folds,
)
from predator.strategies.base import History

T0 = int(datetime(2021, 1, 1, tzinfo=UTC).timestamp())
SMALL_TRIALS = ({"num_leaves": 7, "learning_rate": 0.1, "min_data_in_leaf": 50, "num_boost_round": 15},
                {"num_leaves": 15, "learning_rate": 0.1, "min_data_in_leaf": 50, "num_boost_round": 15})


def synthetic_bars(symbol: str, n: int, seed: int) -> SymbolBars:
    """A seeded random walk of n hourly bars from 2021-01-01."""
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, n)))
    open_ = np.concatenate(([100.0], close[:-1]))
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.004, n))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.004, n))
    volume = rng.uniform(10, 100, n)
    return SymbolBars(symbol, T0 + 3600 * np.arange(n, dtype=np.int64), open_, high, low, close, volume)


def synthetic_dataset(symbols: tuple[str, ...] = ("BTC/USDT",), n: int = 4000) -> Dataset:
    start = datetime.fromtimestamp(T0, UTC)
    end = datetime.fromtimestamp(T0 + 3600 * n, UTC)
    bars = tuple(synthetic_bars(s, n, i + 1) for i, s in enumerate(symbols))
    return Dataset(DatasetSpec("binance", symbols, start, end), "0" * 64, {}, 10.0, False, bars)


def test_features_at_h_ignore_every_bar_at_or_after_h() -> None:
    bars = synthetic_bars("BTC/USDT", 1200, 7)
    full = features(bars.history())
    rng = np.random.default_rng(99)
    for h in (WARMUP_BARS + 5, 600, 1100):
        # perturb every bar from h + 1 on: the feature at bar h (decision at its close) must not move
        perturbed = {k: np.array(getattr(bars, k)) for k in ("open", "high", "low", "close", "volume")}
        for k in perturbed:
            perturbed[k][h + 1:] *= rng.uniform(0.5, 1.5, perturbed[k].size - h - 1)
        other = SymbolBars("BTC/USDT", bars.ts, perturbed["open"], perturbed["high"], perturbed["low"],
                           perturbed["close"], perturbed["volume"])
        moved = features(other.history())
        for name in FEATURE_NAMES:
            np.testing.assert_array_equal(full[name][: h + 1], moved[name][: h + 1], err_msg=f"{name} at {h}")
        # and perturbing bar h itself does move features at h (the probe is not vacuous)
        at_h = {k: np.array(getattr(bars, k)) for k in ("open", "high", "low", "close", "volume")}
        at_h["close"][h] *= 1.01
        third = SymbolBars("BTC/USDT", bars.ts, at_h["open"], at_h["high"], at_h["low"], at_h["close"],
                           at_h["volume"])
        assert not np.array_equal(feature_matrix(bars.history())[h], feature_matrix(third.history())[h])


def test_truncating_the_start_of_history_changes_no_feature_after_warm_up() -> None:
    bars = synthetic_bars("ETH/USDT", 2000, 11)
    for drop in (1, 13, 500):
        assert truncation_differences(bars.history(), drop) == [], drop
    assert bool(np.isfinite(feature_matrix(bars.history())[WARMUP_BARS:]).all())


def test_truncation_check_catches_an_infinite_memory_feature() -> None:
    from predator.strategies.indicators import rsi

    bars = synthetic_bars("ETH/USDT", 1500, 11)
    full = rsi(bars.close, 14)[150:]
    cut = rsi(bars.close[100:], 14)[50:]
    assert not np.array_equal(full, cut)  # Wilder smoothing remembers its start: why features avoid it


@pytest.mark.parametrize("symbols", [("BTC/USDT",), ("BTC/USDT", "ETH/USDT")])
def test_folds_train_only_on_labels_ending_before_the_test_start_minus_embargo(symbols: tuple[str, ...]) -> None:
    s = samples(synthetic_dataset(symbols, 3000), symbols, LabelSpec(horizon=24))
    embargo = 24
    folds = walk_forward_folds(s, n_groups=5, embargo=embargo, min_train=100)
    assert len(folds) >= 3
    for fold in folds:
        start, end = int(s.t0[fold.test].min()), int(s.t1[fold.test].max())
        assert int(s.t1[fold.train].max()) < start - embargo  # no label reaches the gap or the test fold
        assert int(s.t0[fold.train].max()) < start - embargo
        overlaps = (s.t0[fold.train] <= end) & (s.t1[fold.train] >= start)
        assert not overlaps.any()
        assert np.all(np.diff(fold.train) > 0) and np.all(np.diff(fold.test) > 0)


def test_training_twice_writes_the_same_artefact(tmp_path: Path) -> None:
    ds = synthetic_dataset(("BTC/USDT", "ETH/USDT"), 3000)
    train = partial(train_family, ds, trials=SMALL_TRIALS, n_groups=4, embargo=24, version="test")
    a = train(scope="BTC/USDT", out_dir=tmp_path / "a")
    b = train(scope="BTC/USDT", out_dir=tmp_path / "b")
    assert a.sha256 == b.sha256 and a.path.read_bytes() == b.path.read_bytes()
    assert a.model_id == b.model_id and a.model_id.startswith("lgbm_tb:BTC-USDT:")
    assert len(a.trials) == 2 and a.selected_trial in (0, 1)
    assert [f.sharpe for f in a.folds] == [f.sharpe for f in b.folds]
    g = train(scope="global", out_dir=tmp_path / "g")
    assert g.scope == "global" and g.sha256 != a.sha256
    for f in g.folds:
        assert f.n_obs > 1 and f.train_last_t1 < f.first_hour - 24 and 0 <= f.max_drawdown <= 1


def test_selection_reads_nothing_after_selection_end(tmp_path: Path) -> None:
    ds = synthetic_dataset(("BTC/USDT",), 3000)
    cut = (T0 + 3600 * 2000) // 3600
    m = train_family(ds, scope="BTC/USDT", out_dir=tmp_path, trials=SMALL_TRIALS[:1], n_groups=4,
                     selection_end=cut, version="test")
    assert max(f.last_hour for f in m.folds) < cut
    # changing every bar after the selection end (beyond label horizons) leaves the model unchanged
    b = ds.bars[0]
    close = b.close.copy()
    close[2100:] *= 1.3
    ds2 = Dataset(ds.spec, ds.dataset_hash, {}, 10.0, False,
                  (SymbolBars(b.symbol, b.ts, b.open, b.high, b.low, close, b.volume),))
    m2 = train_family(ds2, scope="BTC/USDT", out_dir=tmp_path / "2", trials=SMALL_TRIALS[:1], n_groups=4,
                      selection_end=cut, version="test")
    assert m2.sha256 == m.sha256


def test_truncating_history_changes_no_model_decision_after_warm_up(tmp_path: Path) -> None:
    from predator.ml.train import fit_model_text, predict_proba

    ds = synthetic_dataset(("BTC/USDT",), 2500)
    s = samples(ds, ("BTC/USDT",))
    model = fit_model_text(s.x, s.y, SMALL_TRIALS[0])
    history = ds.bars[0].history()
    drop = 400
    full = predict_proba(model, feature_matrix(history)[drop + WARMUP_BARS:])
    cut = History(**{k: getattr(history, k)[drop:] for k in ("ts", "open", "high", "low", "close", "volume")})
    short = predict_proba(model, feature_matrix(cut)[WARMUP_BARS:])
    np.testing.assert_array_equal(full, short)
    assert np.array_equal(full > 0.5, short > 0.5) and 0 < int((full > 0.5).sum()) < full.size


def test_every_change_of_position_pays_fee_and_slippage_and_buy_and_hold_pays_them_on_entry() -> None:
    # one symbol, four hours: flat, long, long, flat -> two changes of position (in at hour 1, out at hour 3)
    test = Samples(("BTC/USDT",), np.zeros((4, len(FEATURE_NAMES))), np.zeros(4, dtype=np.int8),
                   np.arange(4, dtype=np.int64), np.arange(4, dtype=np.int64) + 1, np.zeros(4, dtype=np.int64),
                   np.array([0.01, 0.02, -0.01, 0.03]))
    proba = np.array([0.1, 0.9, 0.9, 0.1])
    r, turnover = strategy_returns(proba, test, 0.5, fee_bps=10.0, slippage_bps=2.0)
    assert turnover == pytest.approx(0.5)
    assert r.tolist() == pytest.approx([0.0, 0.02 - 0.0012, -0.01, -0.0012])
    r0, _ = strategy_returns(proba, test, 0.5, fee_bps=10.0)
    assert float(r0.sum() - r.sum()) == pytest.approx(2 * 0.0002)  # the slippage of the two changes
    bh = _buy_hold(test, 10.0, 2.0)
    assert bh.tolist() == pytest.approx([0.01 - 0.0012, 0.02, -0.01, 0.03])  # entry costs only, no exit


def test_training_takes_its_costs_from_the_dataset_and_refuses_to_assume_less(tmp_path: Path) -> None:
    ds = replace(synthetic_dataset(("BTC/USDT",), 3000), min_slippage_bps=3.0, slippage_from_db=True)
    train = partial(train_family, ds, scope="BTC/USDT", trials=SMALL_TRIALS[:1], n_groups=4, version="test")
    m = train(out_dir=tmp_path / "a")
    v = m.validation
    assert (v["fee_bps"], v["slippage_bps"], v["slippage_from_db"]) == (10.0, 3.0, True)
    more = train(out_dir=tmp_path / "b", slippage_bps=5.0)
    assert (more.validation["slippage_bps"], more.validation["slippage_from_db"]) == (5.0, False)
    assert sum(f.mean for f in more.folds) <= sum(f.mean for f in m.folds)  # dearer trading earns no more
    with pytest.raises(ValueError, match="never less"):
        train(out_dir=tmp_path / "c", slippage_bps=1.0)
    with pytest.raises(ValueError, match="never less"):
        train(out_dir=tmp_path / "d", fee_bps=5.0)
