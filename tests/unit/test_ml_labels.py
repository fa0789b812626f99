"""Triple-barrier labels (predator.ml.labels, AFML §3.4): seeded property tests and hand-made cases.

Properties, over seeded random walks (hypothesis, derandomized): every label is decided after its event and
within the horizon (t0 < t1 <= t0 + horizon); the label is the first barrier the closes reach (nothing touched
strictly between t0 and t1); a 0 means no barrier by the vertical one; σ(t0) and the label use no close after t1
(truncating the data right after t1 gives the same label) and σ(t) no close after t; the volatility estimate is
pandas' adjusted EWM standard deviation, recomputed here directly from its definition.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from predator.errors import StatisticsInputError
from predator.ml.labels import ewm_volatility, triple_barrier_labels

PROPERTIES = settings(max_examples=60, deadline=None, derandomize=True)


def _walk(rng_seed: int, n: int, vol: float = 0.01) -> np.ndarray:
    rng = np.random.default_rng(rng_seed)
    return 100.0 * np.exp(np.cumsum(rng.normal(0.0, vol, n)))


def _direct_ewm_std(close: np.ndarray, span: int, t: int) -> float:
    """pandas' ewm(span, adjust=True).std() of the returns up to bar t, from its definition (weights (1-α)^i,
    most recent first, unbiased correction (Σw)²/((Σw)² - Σw²))."""
    r = close[1:t + 1] / close[:t] - 1.0
    alpha = 2.0 / (span + 1.0)
    w = (1 - alpha) ** np.arange(r.size)[::-1]
    mean = float(np.sum(w * r) / np.sum(w))
    biased = float(np.sum(w * (r - mean) ** 2) / np.sum(w))
    return math.sqrt(biased * np.sum(w) ** 2 / (np.sum(w) ** 2 - np.sum(w * w)))


def test_ewm_volatility_is_the_adjusted_ewm_std() -> None:
    close = _walk(3, 300)
    sigma = ewm_volatility(close, span=20)
    assert np.all(np.isnan(sigma[:20]))
    for t in (20, 21, 57, 150, 299):
        assert sigma[t] == pytest.approx(_direct_ewm_std(close, 20, t), rel=1e-9)


@seed(20260519)
@PROPERTIES
@given(st.integers(0, 10_000), st.integers(60, 400), st.integers(1, 30), st.floats(0.5, 3.0), st.floats(0.5, 3.0),
       st.integers(5, 40))
def test_labels_are_the_first_barrier_touched_within_the_horizon(walk: int, n: int, horizon: int, upper: float,
                                                                  lower: float, span: int) -> None:
    close = _walk(walk, n)
    lab = triple_barrier_labels(close, horizon=horizon, upper=upper, lower=lower, span=span)
    sigma = ewm_volatility(close, span)
    assert np.all(lab.t0 < lab.t1) and np.all(lab.t1 <= lab.t0 + horizon) and np.all(lab.t1 < n)
    assert set(np.unique(lab.label).tolist()) <= {-1, 0, 1}
    assert np.array_equal(lab.label, lab.touched)
    assert np.all(np.diff(lab.t0) > 0)
    for t0, t1, label, ret, s in zip(lab.t0, lab.t1, lab.label, lab.ret, lab.sigma, strict=True):
        assert s == sigma[t0]
        path = close[t0 + 1:t1 + 1] / close[t0] - 1.0
        before = path[:-1]
        assert np.all((before < upper * s) & (before > -lower * s)), "a barrier was touched before t1"
        assert ret == pytest.approx(path[-1])
        if label == 1:
            assert path[-1] >= upper * s
        elif label == -1:
            assert path[-1] <= -lower * s
        else:
            assert t1 == t0 + horizon and -lower * s < path[-1] < upper * s


@seed(20260520)
@PROPERTIES
@given(st.integers(0, 10_000), st.integers(80, 300), st.integers(1, 20))
def test_no_label_and_no_sigma_reads_past_its_end(walk: int, n: int, horizon: int) -> None:
    close = _walk(walk, n)
    full = triple_barrier_labels(close, horizon=horizon, span=10)
    sigma = ewm_volatility(close, 10)
    for t in range(0, n, 7):
        cut = ewm_volatility(close[:t + 2], 10) if t + 2 <= n else sigma
        assert np.array_equal(cut[:t + 1], sigma[:t + 1], equal_nan=True), "sigma(t) depends on a later close"
    for i in range(0, len(full), max(1, len(full) // 15)):
        t0, t1 = int(full.t0[i]), int(full.t1[i])
        truncated = triple_barrier_labels(close[:t1 + 1], horizon=horizon, span=10, events=[t0])
        assert len(truncated) == 1, "the label was not decided from the closes up to t1"
        assert (truncated.t1[0], truncated.label[0], truncated.sigma[0]) == (t1, full.label[i], full.sigma[i])


def test_a_hand_made_path() -> None:
    # σ is made constant by a warm-up of alternating ±1 % returns; then from event bar 40 the price rises 0.5 %
    # a bar: with σ ≈ 1 % and upper = 2σ, the fifth bar's close (+2.5 %) is the first at or above the barrier.
    warm = [100.0]
    for i in range(40):
        warm.append(warm[-1] * (1.01 if i % 2 == 0 else 1 / 1.01))
    rise = [warm[-1] * 1.005 ** k for k in range(1, 11)]
    close = np.array(warm + rise)
    lab = triple_barrier_labels(close, horizon=8, upper=2.0, lower=2.0, span=10, events=[40])
    s = lab.sigma[0]
    assert 0.009 < s < 0.011
    expected_t1 = 40 + next(k for k in range(1, 11) if 1.005 ** k - 1 >= 2 * s)
    assert (lab.t0[0], lab.t1[0], lab.label[0]) == (40, expected_t1, 1)
    # with the horizon before that bar, the vertical barrier decides: label 0 at t0 + horizon
    short = triple_barrier_labels(close, horizon=2, upper=2.0, lower=2.0, span=10, events=[40])
    assert (short.t1[0], short.label[0], short.touched[0]) == (42, 0, 0)
    # and a fall of the same size is -1
    fall = triple_barrier_labels(np.concatenate([close[:41], [close[40] / 1.005 ** k for k in range(1, 11)]]),
                                 horizon=8, upper=2.0, lower=2.0, span=10, events=[40])
    assert fall.label[0] == -1


def test_undecided_events_at_the_end_are_dropped() -> None:
    close = np.full(60, 100.0) * np.exp(np.linspace(0, 1e-6, 60))  # practically flat: no barrier is touched
    close[:30] = _walk(1, 30)
    lab = triple_barrier_labels(close, horizon=10, span=10)
    assert len(lab) > 0 and lab.t1.max() <= 59 and np.all(lab.t0 + 10 <= 59)


@pytest.mark.parametrize("kwargs", [
    {"horizon": 0}, {"horizon": 5, "upper": 0.0}, {"horizon": 5, "lower": -1.0}, {"horizon": 5, "upper": math.nan},
    {"horizon": 5, "span": 1}, {"horizon": 5, "events": [3, 2]}, {"horizon": 5, "events": [500]},
])
def test_bad_arguments_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(StatisticsInputError, match="refused"):
        triple_barrier_labels(_walk(1, 100), **kwargs)  # type: ignore[arg-type]


def test_bad_prices_are_refused() -> None:
    for close in ([100.0], [100.0, -1.0, 2.0], [100.0, math.nan, 101.0], [[100.0, 101.0]]):
        with pytest.raises(StatisticsInputError):
            triple_barrier_labels(close, horizon=3)
