"""predator.ml.stats against the authors' published worked values, and PBO against independent computations.

Published values (each test names paper, section and figure; the figures were read from public copies of the
papers and cross-checked with public re-implementations' tests that quote them):

* Bailey & López de Prado (2012), "The Sharpe Ratio Efficient Frontier", Journal of Risk 15(2) (SSRN 1821643):
  §3 "Probabilistic Sharpe ratio": a track record of n = 24 monthly returns with SR̂ = 0.458 (1.59 annualised),
  skewness -2.448, kurtosis 10.164: PSR(0) = 0.913, and 0.982 had the returns been normal (skew 0, kurtosis 3).
  Appendix A.3 (the paper's Python code) with its inputs SR̂ = 2/√12, SR* = 1/√12 (monthly), skewness -0.72,
  kurtosis 5.78, 95 %: MinTRL = 59.895 months (≈ 5 years), and PSR at that length = 0.95.
* Bailey & López de Prado (2014), "The Deflated Sharpe Ratio", Journal of Portfolio Management 40(5)
  (SSRN 2460551), "A numerical example": N = 100 trials, V[SR_n] = 1/2 annualised, T = 1250 daily observations
  (250 a year), skewness -3, kurtosis 10, selected SR = 2.5 annualised: SR0 ≈ 0.1132 (per day), DSR ≈ 0.9004;
  "after running only N = 46 independent trials ... DSR would have been 0.9505"; with normal returns
  (skew 0, kurtosis 3) DSR = 0.9505 after N = 88 trials.

PBO has no published worked value that can be re-run (the paper's examples are simulations); it is tested
against hand-made matrices whose answer is known by construction and against a brute-force re-implementation
written independently below (pure Python loops, no NumPy, its own ranking).
"""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np
import pytest

from predator.errors import StatisticsInputError
from predator.ml import stats

# --- published values ------------------------------------------------------------------------------------------

DAYS = 250
DSR_SR = 2.5 / math.sqrt(DAYS)       # the paper's annualised 2.5, per day
DSR_VAR = 0.5 / DAYS                 # the paper's annualised variance 1/2, per day


def test_psr_matches_the_sharpe_ratio_efficient_frontier_section_3() -> None:
    # 2012 paper, §3: PSR(0) = 0.913 with the track record's skew and kurtosis, 0.982 under normality.
    assert round(stats.probabilistic_sharpe_ratio(0.458, 0.0, 24, -2.448, 10.164), 3) == 0.913
    assert round(stats.probabilistic_sharpe_ratio(0.458, 0.0, 24, 0.0, 3.0), 3) == 0.982


def test_min_trl_matches_the_sharpe_ratio_efficient_frontier_appendix() -> None:
    # 2012 paper, Appendix A.3's inputs: MinTRL(0.95) = 59.895 months; PSR at that length is the confidence.
    sr, bench = 2 / math.sqrt(12), 1 / math.sqrt(12)
    trl = stats.min_track_record_length(sr, bench, -0.72, 5.78, 0.95)
    assert round(trl, 3) == 59.895
    assert stats.probabilistic_sharpe_ratio(sr, bench, trl, -0.72, 5.78) == pytest.approx(0.95, abs=1e-12)


def test_dsr_matches_the_deflated_sharpe_ratio_numerical_example() -> None:
    # 2014 paper, "A numerical example": SR0 ≈ 0.1132 per day, DSR ≈ 0.9004 < 0.95.
    assert round(stats.expected_max_sharpe(DSR_VAR, 100), 4) == 0.1132
    assert round(stats.deflated_sharpe_ratio(DSR_SR, DSR_VAR, 100, 1250, -3.0, 10.0), 4) == 0.9004
    # "after running only N=46 independent trials ... DSR would have been 0.9505"
    assert round(stats.deflated_sharpe_ratio(DSR_SR, DSR_VAR, 46, 1250, -3.0, 10.0), 4) == 0.9505
    # normal returns: DSR = 0.9505 after N = 88 trials
    assert round(stats.deflated_sharpe_ratio(DSR_SR, DSR_VAR, 88, 1250, 0.0, 3.0), 4) == 0.9505


def test_dsr_is_psr_against_the_expected_maximum() -> None:
    sr0 = stats.expected_max_sharpe(DSR_VAR, 100)
    assert stats.deflated_sharpe_ratio(DSR_SR, DSR_VAR, 100, 1250, -3.0, 10.0) == pytest.approx(
        stats.probabilistic_sharpe_ratio(DSR_SR, sr0, 1250, -3.0, 10.0), abs=1e-15)


def test_expected_max_sharpe_against_an_independent_quantile() -> None:
    # The closed form with Φ⁻¹(1 - 1/N) taken literally (statistics.NormalDist), not as -Φ⁻¹(1/N).
    nd = statistics.NormalDist()
    for n in (2, 10, 100, 1000, 10**6):
        literal = 0.7 * ((1 - stats.EULER_GAMMA) * nd.inv_cdf(1 - 1 / n)
                         + stats.EULER_GAMMA * nd.inv_cdf(1 - 1 / (n * math.e)))
        assert stats.expected_max_sharpe(0.49, n) == pytest.approx(literal, abs=1e-9)
    assert stats.expected_max_sharpe(0.49, 1) == 0.0
    assert stats.expected_max_sharpe(0.0, 100) == 0.0


def test_expected_max_sharpe_approaches_the_simulated_maximum() -> None:
    # Independent check of the approximation (the paper's Exhibit 1 does the same): the mean maximum of N
    # standard normals, simulated with a seeded generator, is within 2 % of the formula for N = 100.
    rng = np.random.default_rng(20260519)
    simulated = float(rng.standard_normal((4000, 100)).max(axis=1).mean())
    assert stats.expected_max_sharpe(1.0, 100) == pytest.approx(simulated, rel=0.02)


def test_norm_functions_are_statistics_normaldist() -> None:
    nd = statistics.NormalDist()
    for x in (-8.0, -1.96, 0.0, 0.3, 5.0):
        assert stats.norm_cdf(x) == nd.cdf(x)
    for p in (1e-12, 0.025, 0.5, 0.975):
        assert stats.norm_inv(p) == nd.inv_cdf(p)


# --- refusals ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: stats.probabilistic_sharpe_ratio(math.nan, 0, 24, 0, 3),
    lambda: stats.probabilistic_sharpe_ratio(0.1, math.inf, 24, 0, 3),
    lambda: stats.probabilistic_sharpe_ratio(0.1, 0, -math.inf, 0, 3),
    lambda: stats.probabilistic_sharpe_ratio(0.1, 0, 1, 0, 3),            # n_obs <= 1
    lambda: stats.probabilistic_sharpe_ratio(0.1, 0, 24, 0, 0.0),         # excess kurtosis of a normal passed
    lambda: stats.probabilistic_sharpe_ratio(0.1, 0, 24, -2.0, 4.0),      # kurtosis < 1 + skew^2
    lambda: stats.probabilistic_sharpe_ratio(1001, 0, 24, 0, 3),
    lambda: stats.probabilistic_sharpe_ratio(1.0, 0, 24, 2.0, 5.0),       # two-point boundary: no variance
    lambda: stats.expected_max_sharpe(-0.1, 10),
    lambda: stats.expected_max_sharpe(0.1, 0),
    lambda: stats.expected_max_sharpe(math.nan, 10),
    lambda: stats.deflated_sharpe_ratio(0.1, 0.01, 0, 100, 0, 3),
    lambda: stats.min_track_record_length(0.1, 0.1, 0, 3, 0.95),          # sr does not beat the benchmark
    lambda: stats.min_track_record_length(0.1, 0.0, 0, 3, 1.0),
    lambda: stats.min_track_record_length(0.1, 0.0, 0, 3, 0.4),
    lambda: stats.norm_inv(0.0),
    lambda: stats.norm_inv(1.0),
    lambda: stats.norm_cdf(math.inf),
])
def test_out_of_domain_inputs_are_refused(call: object) -> None:
    with pytest.raises(StatisticsInputError, match="refused"):
        call()  # type: ignore[operator]


def test_excess_kurtosis_refusal_says_so() -> None:
    with pytest.raises(StatisticsInputError, match="NOT the excess"):
        stats.probabilistic_sharpe_ratio(0.1, 0.0, 100, 0.0, 0.0)


# --- moments --------------------------------------------------------------------------------------------------

def test_return_moments_of_known_samples() -> None:
    m = stats.return_moments([1.0, 2.0, 3.0, 4.0, 5.0])
    assert (m.n_obs, m.sr, m.skew) == (5, pytest.approx(3 / math.sqrt(2.5)), pytest.approx(0.0))
    assert m.kurtosis == pytest.approx(1.7)  # m4/m2^2 = 6.8/4 for 1..5
    two_point = stats.return_moments([-1.0, 1.0] * 10)
    assert two_point.kurtosis == pytest.approx(1.0)
    with pytest.raises(StatisticsInputError):
        stats.return_moments([1.0, 1.0, 1.0])


# --- PBO --------------------------------------------------------------------------------------------------------

def _brute_pbo(matrix: list[list[float]], s: int) -> float:
    """PBO by CSCV re-implemented from the paper's steps with plain loops (independent of stats.pbo)."""
    t, n = len(matrix), len(matrix[0])
    size = t // s
    overfit = total = 0
    for chosen in itertools.combinations(range(s), s // 2):
        inside = [r for b in chosen for r in range(b * size, (b + 1) * size)]
        outside = [r for b in range(s) if b not in chosen for r in range(b * size, (b + 1) * size)]

        def sharpe(rows: list[int], col: int) -> float:
            xs = [matrix[r][col] for r in rows]
            mu = sum(xs) / len(xs)
            var = sum((x - mu) ** 2 for x in xs) / (len(xs) - 1)
            return mu / math.sqrt(var) if var > 0 else (math.copysign(math.inf, mu) if mu else 0.0)

        is_sr = [sharpe(inside, c) for c in range(n)]
        oos_sr = [sharpe(outside, c) for c in range(n)]
        star = max(range(n), key=lambda c: (is_sr[c], -c))
        below = sum(1 for c in range(n) if oos_sr[c] < oos_sr[star])
        equal = sum(1 for c in range(n) if c != star and oos_sr[c] == oos_sr[star])
        rank = 1 + below + equal / 2
        omega = rank / (n + 1)
        overfit += math.log(omega / (1 - omega)) <= 0
        total += 1
    return overfit / total


def test_pbo_is_one_when_the_in_sample_best_is_always_the_out_of_sample_worst() -> None:
    # Two trials, two blocks: trial 0 wins the first half and loses the second, trial 1 the reverse. Whichever
    # half is in sample, its winner is the loser out of sample: both logits < 0, PBO = 1.
    m = [[0.02, -0.01], [0.01, -0.02], [-0.02, 0.01], [-0.01, 0.02]]
    result = stats.pbo(m, 2)
    assert result.pbo == 1.0
    assert all(lg < 0 for lg in result.logits)
    assert result.ranks == (1.0, 1.0)


def test_pbo_is_zero_when_one_trial_dominates_everywhere() -> None:
    rng = np.random.default_rng(7)
    noise = rng.normal(0, 0.01, size=(64, 6))
    noise[:, 3] = np.abs(noise[:, 3]) + 0.05   # trial 3 has by far the best Sharpe ratio in every block
    result = stats.pbo(noise, 8)
    assert result.pbo == 0.0
    assert set(result.best) == {3}
    assert all(r == 6 for r in result.ranks)


def test_pbo_counts_the_median_as_overfit() -> None:
    # Three identical trials: every one ties in and out of sample; the in-sample best (lowest index) has the
    # averaged rank 2 of 3, ω = 1/2, logit 0, which counts (λ <= 0).
    m = [[0.01, 0.01, 0.01], [-0.02, -0.02, -0.02], [0.03, 0.03, 0.03], [0.0, 0.0, 0.0]]
    result = stats.pbo(m, 2)
    assert result.best == (0, 0) and result.ranks == (2.0, 2.0) and result.logits == (0.0, 0.0)
    assert result.pbo == 1.0


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_pbo_agrees_with_a_brute_force_re_implementation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    s = int(rng.choice([2, 4, 6, 8]))
    t = s * int(rng.integers(2, 6))
    n = int(rng.integers(2, 7))
    m = rng.normal(0.0005, 0.01, size=(t, n)) + rng.normal(0, 0.002, size=n)
    assert stats.pbo(m, s).pbo == _brute_pbo(m.tolist(), s)


def test_pbo_is_about_one_half_for_pure_noise() -> None:
    # No skill anywhere: the in-sample best is a random draw out of sample, so PBO is near 1/2 (the paper's
    # Monte Carlo experiments find the same); a seeded family of 20 noise trials lands within 0.2 of it.
    rng = np.random.default_rng(11)
    assert abs(stats.pbo(rng.normal(0, 0.01, size=(160, 20)), 8).pbo - 0.5) < 0.2


@pytest.mark.parametrize("matrix, blocks", [
    ([[0.1, 0.2]] * 8, 3),                  # odd S
    ([[0.1, 0.2]] * 8, 18),                 # S > 16
    ([0.1, 0.2, 0.3, 0.4], 2),              # 1-D
    ([[0.1]] * 8, 2),                       # one column
    ([[0.1, 0.2]] * 6, 4),                  # T not a multiple of S
    ([[0.1, 0.2]] * 2, 2),                  # T < 4
    ([[0.1, math.nan]] * 8, 2),             # NaN cell
])
def test_pbo_refuses_bad_shapes(matrix: list[object], blocks: int) -> None:
    with pytest.raises(StatisticsInputError, match="pbo refused"):
        stats.pbo(matrix, blocks)
