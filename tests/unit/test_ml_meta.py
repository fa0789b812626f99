"""Meta-labels (predator.ml.meta, AFML §3.6) and bet sizing (AFML §10.3): seeded property tests and hand-made
cases.

Properties, over seeded random walks (hypothesis, derandomized): labels exist only where the primary fires; every
label is decided after its event and within the horizon; a label reads no close after its end t1 (truncating the
data right after t1 gives the same label); the label is 1 exactly when the side's return to t1 is positive; the
SMA crossover's entries at bar i use no close after i. A meta-labelling family trains deterministically.
"""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from predator.errors import StatisticsInputError
from predator.ml.dataset import HOUR, feature_matrix
from predator.ml.meta import (
    META_SMA_TRIALS,
    bet_size,
    meta_decision,
    meta_labels,
    meta_samples,
    meta_signal_at,
    sma_long_entries,
)
from predator.ml.train import LabelSpec, predict_proba, train_family
from tests.unit.test_ml_train import synthetic_dataset

PROPERTIES = settings(max_examples=50, deadline=None, derandomize=True)


def _walk(rng_seed: int, n: int, vol: float = 0.01) -> np.ndarray:
    rng = np.random.default_rng(rng_seed)
    return 100.0 * np.exp(np.cumsum(rng.normal(0.0, vol, n)))


@PROPERTIES
@given(st.integers(0, 10_000), st.integers(300, 900), st.integers(2, 30), st.sampled_from([(5, 20), (10, 50)]),
       st.booleans())
def test_meta_labels_only_where_the_primary_fires_and_read_nothing_past_their_end(
        rng_seed: int, n: int, horizon: int, windows: tuple[int, int], shorts: bool) -> None:
    close = _walk(rng_seed, n)
    fast, slow = windows
    events = sma_long_entries(close, fast, slow)
    side = np.ones(events.size, dtype=np.int8)
    if shorts:  # every other entry taken short: both sides exercised
        side[1::2] = -1
    ml = meta_labels(close, events, side, horizon=horizon, upper=1.0, lower=1.5, span=20)
    assert set(ml.t0.tolist()) <= set(events.tolist())  # labels only where the primary fires
    assert np.all(np.diff(ml.t0) > 0)
    for i in range(len(ml)):
        t0, t1, s = int(ml.t0[i]), int(ml.t1[i]), int(ml.side[i])
        assert s == int(side[events.tolist().index(t0)])
        assert t0 < t1 <= t0 + horizon
        ret = s * (close[t1] / close[t0] - 1.0)
        assert ml.ret[i] == pytest.approx(ret, rel=1e-12, abs=1e-15)
        assert ml.label[i] == (1 if ret > 0 else 0)
        # no label reads past its end: the data cut right after t1 gives the same outcome
        cut = meta_labels(close[: t1 + 1], [t0], [s], horizon=horizon, upper=1.0, lower=1.5, span=20)
        assert len(cut) == 1 and int(cut.t1[0]) == t1 and int(cut.label[0]) == int(ml.label[i])
        assert int(cut.touched[0]) == int(ml.touched[i])


@PROPERTIES
@given(st.integers(0, 10_000), st.integers(60, 500))
def test_sma_entries_at_a_bar_use_no_later_close(rng_seed: int, cut: int) -> None:
    close = _walk(rng_seed, 600)
    full = sma_long_entries(close, 5, 20)
    perturbed = close.copy()
    perturbed[cut + 1:] *= np.random.default_rng(rng_seed).uniform(0.5, 1.5, perturbed.size - cut - 1)
    moved = sma_long_entries(perturbed, 5, 20)
    assert full[full <= cut].tolist() == moved[moved <= cut].tolist()


def test_short_side_takes_profit_at_the_lower_barrier() -> None:
    # flat warm-up with alternating moves (σ ≈ 1 %), then a fall of 3 %: a win for a short, a loss for a long
    warm = 100.0 * np.cumprod(np.r_[1.0, np.tile([1.01, 1 / 1.01], 30)])
    close = np.r_[warm, warm[-1] * 0.97, warm[-1] * 0.96]
    t0 = warm.size - 1
    long_ = meta_labels(close, [t0], [1], horizon=2, upper=2.0, lower=1.0, span=10)
    short = meta_labels(close, [t0], [-1], horizon=2, upper=2.0, lower=1.0, span=10)
    assert (int(long_.label[0]), int(long_.touched[0])) == (0, -1)  # the long's stop-loss
    assert (int(short.label[0]), int(short.touched[0])) == (1, 1)  # the short's profit-take
    assert short.ret[0] == pytest.approx(0.03) and long_.ret[0] == pytest.approx(-0.03)


def test_meta_labels_refuse_a_side_other_than_plus_or_minus_one() -> None:
    close = _walk(1, 200)
    with pytest.raises(StatisticsInputError, match="side"):
        meta_labels(close, [120], [0], horizon=5)
    with pytest.raises(StatisticsInputError, match="one length"):
        meta_labels(close, [120, 130], [1], horizon=5)


def test_meta_samples_are_the_primary_entries_with_their_features() -> None:
    ds = synthetic_dataset(("BTC/USDT", "ETH/USDT"), 3000)
    s = meta_samples(ds, ("BTC/USDT", "ETH/USDT"), LabelSpec(horizon=24), fast=5, slow=20)
    assert s.round_trip and len(s) > 100
    for k, name in enumerate(s.symbols):
        bars = ds.symbol(name)
        entry_hours = set(((bars.ts[sma_long_entries(bars.close, 5, 20)] + HOUR) // HOUR).tolist())
        mine = s.t0[s.symbol == k]
        assert mine.size > 0 and set(mine.tolist()) <= entry_hours
    assert np.all(np.diff(s.t0) >= 0) and np.all(s.t1 > s.t0) and np.all(s.t1 <= s.t0 + 24)
    assert np.array_equal(s.y, (s.next_ret > 0).astype(np.int8))
    assert np.isfinite(s.x).all()


def test_a_meta_family_trains_twice_to_the_same_artefact(tmp_path: Path) -> None:
    ds = synthetic_dataset(("BTC/USDT",), 4000)
    train = partial(train_family, ds, scope="BTC/USDT", family="meta_sma", trials=META_SMA_TRIALS,
                    sampler=partial(meta_samples, fast=5, slow=20), min_train=30, n_groups=4, version="test")
    a = train(out_dir=tmp_path / "a")
    b = train(out_dir=tmp_path / "b")
    assert a.sha256 == b.sha256 and a.model_id.startswith("meta_sma:BTC-USDT:")
    assert len(a.folds) >= 2 and all(f.n_obs > 0 for f in a.folds)
    # a taken trade pays the fee twice: turnover is 2 per taken event, at most 2 per observation
    assert all(0 <= f.turnover <= 2 for f in a.folds)


def test_bet_size_follows_afml_10_3() -> None:
    for p in (0.51, 0.6, 0.7, 0.9, 0.99):
        z = (p - 0.5) / math.sqrt(p * (1 - p))
        assert bet_size([p])[0] == pytest.approx(2 * NormalDist().cdf(z) - 1, rel=1e-12)
    assert bet_size([0.7])[0] == pytest.approx(0.33747, abs=1e-5)
    p = np.linspace(0, 1, 101)
    m = bet_size(p)
    assert np.all(m[p <= 0.5] == 0) and m[-1] == 1.0 and np.all(np.diff(m) >= 0)
    assert np.array_equal(bet_size(p, -1), -m)
    stepped = bet_size(p, step=0.25)
    assert set(np.round(stepped, 12).tolist()) <= {0.0, 0.25, 0.5, 0.75, 1.0} and np.all(stepped <= m + 1e-12)
    d = meta_decision(0.8)
    assert d.take and d.confidence == 0.8 and d.size == pytest.approx(float(bet_size([0.8])[0]))
    assert not meta_decision(0.4).take and meta_decision(0.4).size == 0.0
    with pytest.raises(StatisticsInputError):
        bet_size([1.2])
    with pytest.raises(StatisticsInputError):
        bet_size([float("nan")])
    with pytest.raises(StatisticsInputError):
        bet_size([0.6], step=0.0)


def test_meta_signal_at_fires_only_with_the_primary_and_uses_the_models_probability(tmp_path: Path) -> None:
    ds = synthetic_dataset(("BTC/USDT",), 4000)
    m = train_family(ds, scope="BTC/USDT", family="meta_sma", trials=META_SMA_TRIALS,
                     sampler=partial(meta_samples, fast=5, slow=20), min_train=30, n_groups=4, version="test",
                     out_dir=tmp_path)
    text = m.path.read_text()
    bars = ds.symbol("BTC/USDT")
    entries = sma_long_entries(bars.close, 5, 20)
    entry = int(entries[entries > 300][0])
    d = meta_signal_at(text, bars.history(0, entry + 1), fast=5, slow=20)
    assert d is not None
    expected = float(predict_proba(text, feature_matrix(bars.history(0, entry + 1))[-1:])[0])
    assert d.confidence == expected and d.size == pytest.approx(float(bet_size([expected])[0]))
    assert meta_signal_at(text, bars.history(0, entry + 2), fast=5, slow=20) is None  # no crossing there
    assert meta_signal_at(text, bars.history(0, 30), fast=5, slow=20) is None  # features not warm
