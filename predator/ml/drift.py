"""Drift of a model's inputs and of its forward hit rate: what triggers a retraining (issue 19 item 7).

* **Population stability index** (PSI; N. Siddiqi, *Credit Risk Scorecards*, Wiley, 2006, ch. 8; B. Yurdakul,
  "Statistical Properties of Population Stability Index", PhD thesis, Western Michigan University, 2018): the
  reference (training) sample of one feature is cut into ``bins`` bins at its quantiles (outer edges ±∞; tied
  edges merged, B bins remain), e_i and a_i are the shares of the reference and of the recent sample in bin i,
  each floored at ``PSI_FLOOR`` = 10⁻⁴ so that an empty bin stays finite, and

      PSI = Σ_i (a_i - e_i) · ln(a_i / e_i)          (≥ 0; 0 for identical shares)

  The customary reading: < 0.1 no shift, 0.1-0.25 a moderate shift, > 0.25 a significant one. That reading
  assumes independent records by the thousand. Under no drift, with M and N independent observations,
  PSI ≈ (1/M + 1/N) · χ²(B - 1) (Yurdakul 2018), so a short recent window drifts by chance; and hourly features
  are far from independent (a window of w bars shares w - 1 of them with its neighbour; volatility clusters), so
  M and N are taken as the **effective** sizes n/τ, with τ the integrated autocorrelation time of the feature's
  ranks in the reference sample, τ = 1 + 2 Σ_{k≥1} ρ_k summed until the first ρ_k ≤ 0 (at most lag
  min(n/4, 720); Geyer's initial positive sequence, simplified), and at least the bars the feature reads
  (:data:`FEATURE_MEMORY`). A feature drifts when

      PSI > max(PSI_THRESHOLD, (1/M_eff + 1/N_eff) · χ²_{B-1}(1 - α)),   PSI_THRESHOLD = 0.25, α = 0.01.
* **Two-sample Kolmogorov-Smirnov test**: D = sup |F_ref - F_recent| (``scipy.stats.ks_2samp``), its p-value from
  the asymptotic Kolmogorov distribution at the effective sizes, p = Q_KS(√(M_eff·N_eff/(M_eff + N_eff)) · D)
  (``scipy.special.kolmogorov``). It triggers only together with a PSI of at least :data:`KS_PSI_FLOOR` (0.1),
  at p < :data:`KS_ALPHA` / number of features (Bonferroni over the features, α = 0.01).
* **Forward hit rate**: the share h = k/n of a model's recent decisions that were right (meta-labels: trades that
  won), against the rate h₀ it had out of sample when trained. A one-sided exact binomial test
  (``scipy.stats.binomtest``, alternative "less") of k successes in n against h₀; a fall is flagged when n ≥
  ``min_obs`` (default 30) and p < :data:`HIT_RATE_ALPHA` = 0.01.

The autocorrelation time is estimated from the reference alone (the recent window is too short), and under a
regime change the recent sample may be more persistent than the reference; the thresholds are settings.

The thresholds in force are operator settings of the database (:class:`DriftRule`; ``ml_drift_psi_threshold``,
``ml_drift_ks_alpha``, ``ml_drift_hit_rate_alpha``, read through ``predator.db.ml_api.drift_settings``; the
constants below are their shipped defaults). A caller may be stricter — a lower PSI threshold, higher test levels,
so more drift is detected and more candidates trained — never looser (:meth:`DriftRule.stricter`).

A drift only makes a **candidate**: the retraining job records it; promotion stays the operator's
(``api.evaluate_promotion``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from scipy.special import kolmogorov
from scipy.stats import binomtest, chi2, ks_2samp, rankdata

from predator.errors import StatisticsInputError

FloatArray = npt.NDArray[np.float64]
Number = float | Decimal

#: Shares below this are floored (an empty bin would make ln(a/e) infinite).
PSI_FLOOR = 1e-4
#: A feature whose PSI exceeds this has drifted (Siddiqi 2006: > 0.25 a significant shift).
PSI_THRESHOLD = 0.25
#: The KS test counts only when the feature's PSI is at least this (a moderate shift).
KS_PSI_FLOOR = 0.1
#: Family-wise level of the KS tests (Bonferroni-divided by the number of features).
KS_ALPHA = 0.01
#: Level of the one-sided binomial test of a fall of the forward hit rate.
HIT_RATE_ALPHA = 0.01


@dataclass(frozen=True)
class DriftRule:
    """The drift rule's thresholds: ``psi_threshold`` (a feature drifts when its PSI exceeds it and its null
    quantile; raising it is a loosening), ``ks_alpha`` (the KS tests' family-wise level) and ``hit_rate_alpha``
    (the hit-rate fall test's level; lowering either is a loosening). Defaults: the shipped settings."""

    psi_threshold: float = PSI_THRESHOLD
    ks_alpha: float = KS_ALPHA
    hit_rate_alpha: float = HIT_RATE_ALPHA

    @classmethod
    def in_force(cls, psi_threshold: Number | None, ks_alpha: Number | None,
                 hit_rate_alpha: Number | None) -> DriftRule:
        """The rule of the settings in force (``None``: unset, the shipped default)."""
        return cls(PSI_THRESHOLD if psi_threshold is None else float(psi_threshold),
                   KS_ALPHA if ks_alpha is None else float(ks_alpha),
                   HIT_RATE_ALPHA if hit_rate_alpha is None else float(hit_rate_alpha))

    def stricter(self, psi_threshold: float | None = None, ks_alpha: float | None = None,
                 hit_rate_alpha: float | None = None) -> DriftRule:
        """This rule with a caller's own thresholds (``None``: this rule's). Raises ``ValueError`` when one is
        looser than this rule's: a PSI threshold above it, a test level below it (or a level outside (0, 1), a
        threshold not positive)."""
        psi = self.psi_threshold if psi_threshold is None else psi_threshold
        ks = self.ks_alpha if ks_alpha is None else ks_alpha
        hit = self.hit_rate_alpha if hit_rate_alpha is None else hit_rate_alpha
        if not (0.0 < psi <= self.psi_threshold and self.ks_alpha <= ks < 1.0 and self.hit_rate_alpha <= hit < 1.0):
            raise ValueError(f"drift thresholds PSI {psi:g}, KS alpha {ks:g}, hit-rate alpha {hit:g} are looser than "
                             f"the settings in force (PSI at most {self.psi_threshold:g}, KS alpha at least "
                             f"{self.ks_alpha:g}, hit-rate alpha at least {self.hit_rate_alpha:g}) or out of range: "
                             "a caller may be stricter, never looser")
        return DriftRule(psi, ks, hit)


#: Level of the PSI's null quantile (the chance-drift allowance).
PSI_ALPHA = 0.01
#: Bars each feature of :data:`predator.ml.dataset.FEATURE_NAMES` reads: consecutive values share all but one, so
#: n hourly values count as n / memory independent ones. A feature not listed counts as memory 1.
FEATURE_MEMORY: dict[str, int] = {
    "ret_1": 1, "ret_4": 4, "ret_24": 24, "ret_72": 72, "vol_24": 24, "vol_168": 168, "sma_gap_24": 24,
    "sma_gap_168": 168, "rsi_14": 14, "range_1": 1, "volume_z_168": 168, "hour": 1,
}


def _finite_1d(name: str, values: npt.ArrayLike) -> FloatArray:
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 1 or a.size < 2:
        raise StatisticsInputError(f"drift refused: {name} is not a 1-D sample of at least 2 values (shape {a.shape})")
    return a[np.isfinite(a)]


def psi(reference: npt.ArrayLike, recent: npt.ArrayLike, *, bins: int = 10) -> float:
    """The population stability index of ``recent`` against ``reference`` (see the module docstring): bins at the
    reference's quantiles, shares floored at :data:`PSI_FLOOR`. Non-finite values are left out. Raises
    :class:`StatisticsInputError` for fewer than 2 finite values on a side or ``bins`` < 2."""
    if bins < 2:
        raise StatisticsInputError(f"psi refused: bins {bins} is below 2")
    ref = _finite_1d("reference", reference)
    new = _finite_1d("recent", recent)
    if ref.size < 2 or new.size < 2:
        raise StatisticsInputError("psi refused: fewer than 2 finite values on a side")
    return _psi(ref, new, bins)[0]


def _psi(ref: FloatArray, new: FloatArray, bins: int) -> tuple[float, int]:
    """(PSI, number of bins B actually used)."""
    inner = np.unique(np.quantile(ref, np.linspace(0.0, 1.0, bins + 1)[1:-1]))
    e = np.bincount(np.searchsorted(inner, ref, side="right"), minlength=inner.size + 1) / ref.size
    a = np.bincount(np.searchsorted(inner, new, side="right"), minlength=inner.size + 1) / new.size
    e = np.maximum(e, PSI_FLOOR)
    a = np.maximum(a, PSI_FLOOR)
    return float(np.sum((a - e) * np.log(a / e))), int(inner.size + 1)


def psi_null_quantile(n_reference: float, n_recent: float, n_bins: int, alpha: float = PSI_ALPHA) -> float:
    """The (1 - ``alpha``) quantile of the PSI under no drift for independent samples of the given sizes and
    ``n_bins`` bins: (1/M + 1/N) · χ²_{B-1}(1 - α) (Yurdakul 2018's asymptotic distribution)."""
    return float((1.0 / n_reference + 1.0 / n_recent) * chi2.ppf(1.0 - alpha, max(n_bins - 1, 1)))


def autocorrelation_time(values: npt.ArrayLike, max_lag: int = 720) -> float:
    """τ = 1 + 2 Σ_{k=1}^{K} ρ_k of the ranks of ``values`` (in time order), ρ_k the lag-k autocorrelation (FFT,
    biased estimator), summed until the first ρ_k ≤ 0 or k = min(n/4, ``max_lag``); n/τ is the effective number
    of independent observations. 1 for fewer than 8 values or a constant series."""
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if n < 8:
        return 1.0
    ranks = np.asarray(rankdata(x), dtype=np.float64)  # average ranks: ties share one
    d = ranks - ranks.mean()
    var = float(np.dot(d, d))
    if var == 0.0:
        return 1.0
    size = 1 << int(2 * n - 1).bit_length()
    f = np.fft.rfft(d, size)
    acf = np.fft.irfft(f * np.conj(f), size)[: n] / var
    tau = 1.0
    for k in range(1, min(n // 4, max_lag) + 1):
        if acf[k] <= 0:
            break
        tau += 2.0 * float(acf[k])
    return tau


@dataclass(frozen=True)
class FeatureDrift:
    """One feature's drift: ``psi`` and the limit it is held to, ``psi_limit`` (max of the threshold and the null
    quantile at the effective sizes), the KS statistic ``ks`` and its ``ks_pvalue`` at the effective sizes,
    ``memory`` (bars read), ``tau`` (the effective-size divisor: max of the ranks' autocorrelation time and
    ``memory``), and ``drifted`` (PSI > limit, or KS p below the Bonferroni level together with PSI
    >= :data:`KS_PSI_FLOOR`)."""

    name: str
    psi: float
    psi_limit: float
    ks: float
    ks_pvalue: float
    memory: int
    tau: float
    drifted: bool


@dataclass(frozen=True)
class DriftReport:
    """Every feature's drift, the thresholds used, ``n_reference``/``n_recent`` rows, and ``drifted`` (any)."""

    features: tuple[FeatureDrift, ...]
    psi_threshold: float
    ks_alpha: float
    n_reference: int
    n_recent: int

    @property
    def drifted(self) -> bool:
        return any(f.drifted for f in self.features)

    @property
    def drifted_features(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features if f.drifted)

    @property
    def max_psi(self) -> float:
        return max((f.psi for f in self.features), default=0.0)


def feature_drift(reference: npt.ArrayLike, recent: npt.ArrayLike, names: Sequence[str], *, bins: int = 10,
                  psi_threshold: float = PSI_THRESHOLD, ks_alpha: float = KS_ALPHA,
                  memory: Mapping[str, int] | None = None) -> DriftReport:
    """Drift of each column of ``recent`` (rows × features) against the same column of ``reference`` (the
    training features), ``names`` naming the columns; ``memory`` the bars each feature reads (default
    :data:`FEATURE_MEMORY`; 1 for independent rows). See the module docstring for the rule. A column with fewer
    than 2 finite values on a side is reported with PSI 0 and not drifted."""
    mem = FEATURE_MEMORY if memory is None else memory
    ref = np.asarray(reference, dtype=np.float64)
    new = np.asarray(recent, dtype=np.float64)
    if ref.ndim != 2 or new.ndim != 2 or ref.shape[1] != len(names) or new.shape[1] != len(names):
        raise StatisticsInputError(f"feature_drift refused: shapes {ref.shape}, {new.shape} do not have "
                                   f"{len(names)} feature columns")
    level = ks_alpha / max(len(names), 1)
    out: list[FeatureDrift] = []
    for j, name in enumerate(names):
        r, a = ref[:, j][np.isfinite(ref[:, j])], new[:, j][np.isfinite(new[:, j])]
        w = max(int(mem.get(name, 1)), 1)
        if r.size < 2 or a.size < 2:
            out.append(FeatureDrift(name, 0.0, math.inf, 0.0, 1.0, w, float(w), False))
            continue
        value, used = _psi(r, a, bins)
        tau = max(autocorrelation_time(r), float(w))
        m_eff, n_eff = max(r.size / tau, 1.0), max(a.size / tau, 1.0)
        limit = max(psi_threshold, psi_null_quantile(m_eff, n_eff, used))
        stat = float(ks_2samp(r, a).statistic)
        pvalue = float(kolmogorov(math.sqrt(m_eff * n_eff / (m_eff + n_eff)) * stat))
        out.append(FeatureDrift(name, value, limit, stat, pvalue, w, tau,
                                value > limit or (pvalue < level and value >= KS_PSI_FLOOR)))
    return DriftReport(tuple(out), psi_threshold, ks_alpha, int(ref.shape[0]), int(new.shape[0]))


@dataclass(frozen=True)
class HitRateCheck:
    """A forward hit rate ``hits``/``n`` against the expected ``expected`` (0..1): the one-sided binomial
    ``pvalue`` and ``fell`` (n >= min_obs and p < alpha)."""

    hits: int
    n: int
    expected: float
    pvalue: float
    fell: bool


def hit_rate_fall(outcomes: npt.ArrayLike, expected: float, *, min_obs: int = 30,
                  alpha: float = HIT_RATE_ALPHA) -> HitRateCheck:
    """Did the forward hit rate fall below ``expected``? ``outcomes``: the recent decisions' results, 1 right, 0
    wrong. Exact one-sided binomial test (see the module docstring). Raises :class:`StatisticsInputError` for
    outcomes other than 0/1 or ``expected`` outside (0, 1)."""
    o = np.asarray(outcomes)
    if o.ndim != 1 or not np.all(np.isin(o, (0, 1))):
        raise StatisticsInputError("hit_rate_fall refused: outcomes are not a 1-D array of 0 and 1")
    if not (np.isfinite(expected) and 0 < expected < 1):
        raise StatisticsInputError(f"hit_rate_fall refused: expected {expected} is outside (0, 1)")
    n, k = int(o.size), int(o.sum())
    if n == 0:
        return HitRateCheck(0, 0, expected, 1.0, False)
    p = float(binomtest(k, n, expected, alternative="less").pvalue)
    return HitRateCheck(k, n, expected, p, n >= min_obs and p < alpha)
