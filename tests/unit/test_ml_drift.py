"""Drift (predator.ml.drift): the population stability index against a hand computation, the KS test beside it,
the per-feature rule and its thresholds, and the one-sided binomial test of a fall of the forward hit rate."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest

from predator.errors import StatisticsInputError
from predator.ml.drift import (
    PSI_FLOOR,
    PSI_THRESHOLD,
    autocorrelation_time,
    feature_drift,
    hit_rate_fall,
    psi,
    psi_null_quantile,
)


def test_psi_matches_a_hand_computation() -> None:
    # reference quartiles of 1..8 split at 2.75, 4.5, 6.25: two values a bin, e = 1/4 each
    reference = np.arange(1.0, 9.0)
    recent = np.array([1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 8.0, 8.0, 8.0, 8.0])  # shares 3, 1, 1, 5 of 10
    e = np.full(4, 0.25)
    a = np.array([0.3, 0.1, 0.1, 0.5])
    assert psi(reference, recent, bins=4) == pytest.approx(float(np.sum((a - e) * np.log(a / e))), rel=1e-12)
    # an empty recent bin is floored, not infinite
    empty = np.array([7.0, 8.0])
    a2 = np.maximum(np.array([0.0, 0.0, 0.0, 1.0]), PSI_FLOOR)
    assert psi(reference, empty, bins=4) == pytest.approx(float(np.sum((a2 - e) * np.log(a2 / e))), rel=1e-12)


def test_psi_is_small_for_the_same_population_and_large_for_a_shift() -> None:
    rng = np.random.default_rng(3)
    ref = rng.normal(0, 1, 20_000)
    assert psi(ref, rng.normal(0, 1, 5_000)) < 0.01
    assert psi(ref, rng.normal(0.2, 1, 5_000)) < 0.1  # a small shift: "no significant shift"
    assert psi(ref, rng.normal(1.0, 1, 5_000)) > PSI_THRESHOLD  # one standard deviation: significant
    assert psi(ref, rng.normal(0, 3, 5_000)) > PSI_THRESHOLD  # a volatility regime change
    with pytest.raises(StatisticsInputError):
        psi(ref, [1.0])
    with pytest.raises(StatisticsInputError):
        psi(ref, ref, bins=1)


def test_feature_drift_flags_the_shifted_columns_only() -> None:
    rng = np.random.default_rng(5)
    ref = rng.normal(0, 1, (4000, 3))
    recent = rng.normal(0, 1, (700, 3))
    recent[:, 1] *= 4.0
    report = feature_drift(ref, recent, ("a", "b", "c"))
    assert report.drifted and report.drifted_features == ("b",)
    b = report.features[1]
    assert b.psi > PSI_THRESHOLD and b.ks > 0.2 and b.ks_pvalue < 1e-6
    assert all(f.psi < 0.05 and f.ks_pvalue > 0.001 for f in (report.features[0], report.features[2]))
    assert report.n_reference == 4000 and report.n_recent == 700 and report.max_psi == b.psi
    assert not feature_drift(ref, rng.normal(0, 1, (700, 3)), ("a", "b", "c")).drifted
    with pytest.raises(StatisticsInputError):
        feature_drift(ref, recent, ("a", "b"))


def test_hit_rate_fall_is_a_one_sided_binomial_test() -> None:
    fell = hit_rate_fall(np.r_[np.ones(30), np.zeros(70)], 0.55)
    assert fell.fell and fell.hits == 30 and fell.n == 100
    assert fell.pvalue == pytest.approx(binomtest(30, 100, 0.55, alternative="less").pvalue)
    same = hit_rate_fall(np.r_[np.ones(55), np.zeros(45)], 0.55)
    assert not same.fell and same.pvalue > 0.4
    better = hit_rate_fall(np.ones(100, dtype=int), 0.55)
    assert not better.fell and math.isclose(better.pvalue, 1.0)
    few = hit_rate_fall(np.zeros(10, dtype=int), 0.55)  # p is tiny but n < min_obs
    assert few.pvalue < 0.01 and not few.fell
    assert not hit_rate_fall(np.empty(0, dtype=int), 0.5).fell
    with pytest.raises(StatisticsInputError):
        hit_rate_fall([0, 2], 0.5)
    with pytest.raises(StatisticsInputError):
        hit_rate_fall([0, 1], 1.0)


def test_psi_null_quantile_matches_a_simulation_of_independent_samples() -> None:
    rng = np.random.default_rng(11)
    m, n = 2000, 500
    draws = np.array([psi(rng.normal(size=m), rng.normal(size=n)) for _ in range(400)])
    q = psi_null_quantile(m, n, 10, alpha=0.05)
    assert abs(float(np.mean(draws > q)) - 0.05) < 0.03  # about 5 % of no-drift samples exceed it
    assert float(np.mean(draws)) == pytest.approx(9 * (1 / m + 1 / n), rel=0.15)  # E[χ²(9)] = 9


def test_effective_sizes_keep_a_slow_feature_of_a_stationary_walk_from_drifting() -> None:
    rng = np.random.default_rng(2)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 3000)))
    window = np.lib.stride_tricks.sliding_window_view(close, 168).mean(axis=1)
    gap = (close[167:] / window - 1.0)[:, None]  # a 168-bar SMA gap: strongly autocorrelated
    ref, recent = gap[:-720], gap[-720:]
    report = feature_drift(ref, recent, ("sma_gap_168",))
    f = report.features[0]
    raw_limit = max(PSI_THRESHOLD, psi_null_quantile(ref.shape[0], recent.shape[0], 10))
    assert f.psi > raw_limit  # as if the hours were independent, it would "drift"
    assert f.memory == 168 and f.tau >= 168 and f.psi_limit > f.psi and not report.drifted


def test_autocorrelation_time_of_iid_and_ar1_series() -> None:
    rng = np.random.default_rng(4)
    assert autocorrelation_time(rng.normal(size=20_000)) < 1.2
    phi, x = 0.9, np.empty(50_000)
    x[0] = 0.0
    e = rng.normal(size=x.size)
    for t in range(1, x.size):
        x[t] = phi * x[t - 1] + e[t]
    assert autocorrelation_time(x) == pytest.approx((1 + phi) / (1 - phi), rel=0.2)  # 19 for AR(1), φ = 0.9
    assert autocorrelation_time(np.ones(100)) == 1.0
