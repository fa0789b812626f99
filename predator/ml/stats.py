"""The Python mirror of schema ``ml``: PSR, the expected maximum Sharpe ratio, DSR, MinTRL and PBO by CSCV.

Every function computes what its SQL namesake (``sql/ml/functions``) computes, with the same domain and the same
refusals (:class:`~predator.errors.StatisticsInputError` here, SQLSTATE PD012 there); the two agree to 1e-9 on a
seeded grid (tests/integration/test_ml_stats_sql.py). The database is the authority for the promotion gate; this
module serves research, reports and tests. Φ and Φ⁻¹ are :class:`statistics.NormalDist`'s (the C library's erf;
Wichura's AS 241). Formulas and sources: docs/ml.md.

Units, everywhere: a Sharpe ratio is per observation (mean / standard deviation of one period's returns), never
annualised, and a benchmark or a variance of Sharpe ratios is in the same period; ``kurtosis`` is the fourth
standardised moment, NOT the excess kurtosis (3 for normal returns).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from predator.errors import StatisticsInputError

#: The Euler–Mascheroni constant γ (the double nearest to 0.57721566490153286…).
EULER_GAMMA = 0.5772156649015329
#: Bounds shared with the SQL functions (ml._sr_variance_term and the public ml functions).
MAX_ABS_SHARPE = 1000.0
MAX_ABS_SKEW = 1000.0
MAX_KURTOSIS = 1e7
MAX_N_OBS = 1e12
MAX_TRIAL_VARIANCE = 1e4
MIN_SHARPE_MARGIN = 1e-9
MAX_PBO_BLOCKS = 16
MAX_PBO_CELLS = 5_000_000

_STD_NORMAL = NormalDist()


def _refuse(routine: str, argument: str, value: object, rule: str) -> StatisticsInputError:
    return StatisticsInputError(f"{routine} refused: {argument} {rule} (value={value})")


def _require_finite(routine: str, **values: float) -> None:
    for name, value in values.items():
        if not math.isfinite(value):
            raise _refuse(routine, name, value, "is not a finite number")


def norm_cdf(x: float) -> float:
    """Φ(x), the standard normal CDF (``ml.norm_cdf``)."""
    _require_finite("norm_cdf", x=x)
    return _STD_NORMAL.cdf(x)


def norm_inv(p: float) -> float:
    """Φ⁻¹(p) for 0 < p < 1 (``ml.norm_inv``)."""
    _require_finite("norm_inv", p=p)
    if not 0.0 < p < 1.0:
        raise _refuse("norm_inv", "p", p, "is not a probability strictly between 0 and 1")
    return _STD_NORMAL.inv_cdf(p)


def _sr_variance_term(routine: str, sr: float, skew: float, kurtosis: float) -> float:
    """1 - skew·SR + (kurtosis - 1)/4·SR² after the domain checks of ``ml._sr_variance_term``."""
    if abs(sr) > MAX_ABS_SHARPE:
        raise _refuse(routine, "sr", sr, "is outside [-1000, 1000]")
    if abs(skew) > MAX_ABS_SKEW:
        raise _refuse(routine, "skew", skew, "is outside [-1000, 1000]")
    if kurtosis < (1 + skew * skew) * (1 - 1e-9) or kurtosis > MAX_KURTOSIS:
        raise _refuse(routine, "kurtosis", kurtosis,
                      f"is outside [1 + skew^2, 1e7] = [{1 + skew * skew}, 1e7] (kurtosis is NOT the excess kurtosis)")
    term = 1 - skew * sr + (kurtosis - 1) / 4 * sr * sr
    if term <= 0:
        raise _refuse(routine, "kurtosis", kurtosis,
                      f"with skew {skew} and sr {sr} leaves the Sharpe ratio estimate no variance ({term})")
    return term


def _require_n_obs(routine: str, n_obs: float) -> None:
    if not 1 < n_obs <= MAX_N_OBS:
        raise _refuse(routine, "n_obs", n_obs, "is outside (1, 1e12]")


def _require_benchmark(routine: str, sr_benchmark: float) -> None:
    if abs(sr_benchmark) > MAX_ABS_SHARPE:
        raise _refuse(routine, "sr_benchmark", sr_benchmark, "is outside [-1000, 1000]")


def _require_trials(routine: str, var_of_trial_srs: float, n_trials: int) -> None:
    if not 0 <= var_of_trial_srs <= MAX_TRIAL_VARIANCE:
        raise _refuse(routine, "var_of_trial_srs", var_of_trial_srs, "is outside [0, 1e4]")
    if n_trials < 1:
        raise _refuse(routine, "n_trials", n_trials, "is below 1")


def probabilistic_sharpe_ratio(sr: float, sr_benchmark: float, n_obs: float, skew: float, kurtosis: float) -> float:
    """PSR(SR*) = Φ((SR - SR*)·√(n-1) / √(1 - skew·SR + (kurtosis-1)/4·SR²)), Bailey & López de Prado (2012),
    "The Sharpe Ratio Efficient Frontier", §3 (``ml.probabilistic_sharpe_ratio``)."""
    routine = "probabilistic_sharpe_ratio"
    _require_finite(routine, sr=sr, sr_benchmark=sr_benchmark, n_obs=n_obs, skew=skew, kurtosis=kurtosis)
    _require_benchmark(routine, sr_benchmark)
    _require_n_obs(routine, n_obs)
    term = _sr_variance_term(routine, sr, skew, kurtosis)
    return _STD_NORMAL.cdf((sr - sr_benchmark) * math.sqrt(n_obs - 1) / math.sqrt(term))


def expected_max_sharpe(var_of_trial_srs: float, n_trials: int) -> float:
    """SR0 = √V·((1-γ)·Φ⁻¹(1 - 1/N) + γ·Φ⁻¹(1 - 1/(N·e))), the expected maximum Sharpe ratio of N trials under the
    null, Bailey & López de Prado (2014), "The Deflated Sharpe Ratio" (``ml.expected_max_sharpe``). N = 1 or
    V = 0 gives 0; Φ⁻¹(1 - a) is computed as -Φ⁻¹(a)."""
    routine = "expected_max_sharpe"
    _require_finite(routine, var_of_trial_srs=var_of_trial_srs)
    _require_trials(routine, var_of_trial_srs, n_trials)
    if n_trials == 1 or var_of_trial_srs == 0:
        return 0.0
    n = float(n_trials)
    return math.sqrt(var_of_trial_srs) * ((1 - EULER_GAMMA) * -_STD_NORMAL.inv_cdf(1 / n)
                                          + EULER_GAMMA * -_STD_NORMAL.inv_cdf(1 / (n * math.exp(1.0))))


def deflated_sharpe_ratio(sr: float, var_of_trial_srs: float, n_trials: int, n_obs: float, skew: float,
                          kurtosis: float) -> float:
    """DSR = PSR(SR0) with SR0 = :func:`expected_max_sharpe` (V, N), Bailey & López de Prado (2014)
    (``ml.deflated_sharpe_ratio``)."""
    routine = "deflated_sharpe_ratio"
    _require_finite(routine, sr=sr, var_of_trial_srs=var_of_trial_srs, n_obs=n_obs, skew=skew, kurtosis=kurtosis)
    _require_trials(routine, var_of_trial_srs, n_trials)
    _require_n_obs(routine, n_obs)
    term = _sr_variance_term(routine, sr, skew, kurtosis)
    sr0 = expected_max_sharpe(var_of_trial_srs, n_trials)
    return _STD_NORMAL.cdf((sr - sr0) * math.sqrt(n_obs - 1) / math.sqrt(term))


def min_track_record_length(sr: float, sr_benchmark: float, skew: float, kurtosis: float,
                            confidence: float) -> float:
    """MinTRL = 1 + (1 - skew·SR + (kurtosis-1)/4·SR²)·(Φ⁻¹(confidence)/(SR - SR*))², Bailey & López de Prado
    (2012), in observations (``ml.min_track_record_length``). Refused unless SR - SR* >= 1e-9 and
    0.5 <= confidence < 1."""
    routine = "min_track_record_length"
    _require_finite(routine, sr=sr, sr_benchmark=sr_benchmark, skew=skew, kurtosis=kurtosis, confidence=confidence)
    _require_benchmark(routine, sr_benchmark)
    if not 0.5 <= confidence < 1:
        raise _refuse(routine, "confidence", confidence, "is outside [0.5, 1)")
    term = _sr_variance_term(routine, sr, skew, kurtosis)
    if sr - sr_benchmark < MIN_SHARPE_MARGIN:
        raise _refuse(routine, "sr", sr, f"does not exceed sr_benchmark {sr_benchmark} by 1e-9 or more")
    ratio = _STD_NORMAL.inv_cdf(confidence) / (sr - sr_benchmark)
    return 1 + term * ratio * ratio


@dataclass(frozen=True)
class ReturnMoments:
    """What PSR, DSR and MinTRL need from one return series: its length, its per-observation Sharpe ratio
    (mean / sample standard deviation, ddof 1), its skewness and its kurtosis (the biased, moment estimators
    m3/m2^1.5 and m4/m2², kurtosis NOT excess)."""

    n_obs: int
    sr: float
    skew: float
    kurtosis: float


def return_moments(returns: npt.ArrayLike) -> ReturnMoments:
    """The :class:`ReturnMoments` of a 1-D series of at least 2 finite returns that are not all equal."""
    x = np.asarray(returns, dtype=np.float64)
    if x.ndim != 1 or x.size < 2:
        raise _refuse("return_moments", "returns", f"shape {x.shape}", "is not a 1-D series of at least 2 returns")
    if not np.all(np.isfinite(x)):
        raise _refuse("return_moments", "returns", "a non-finite cell", "holds a return that is not a finite number")
    d = x - x.mean()
    m2 = float(np.mean(d * d))
    if m2 == 0.0:
        raise _refuse("return_moments", "returns", "constant", "has no variance: the Sharpe ratio is undefined")
    return ReturnMoments(n_obs=int(x.size), sr=float(x.mean() / x.std(ddof=1)),
                         skew=float(np.mean(d ** 3)) / m2 ** 1.5, kurtosis=float(np.mean(d ** 4)) / (m2 * m2))


@dataclass(frozen=True)
class PBOResult:
    """The outcome of :func:`pbo`: the probability of backtest overfitting, and per combination (in the order of
    ``itertools.combinations(range(blocks), blocks // 2)``, the in-sample blocks) the in-sample best column, its
    out-of-sample rank (1 = worst, ties averaged) and its logit ln(ω/(1-ω)), ω = rank/(N+1)."""

    pbo: float
    blocks: int
    n_obs: int
    n_trials: int
    combinations: tuple[tuple[int, ...], ...]
    best: tuple[int, ...]
    ranks: tuple[float, ...]
    logits: tuple[float, ...]


def _sharpe_columns(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each column's mean / sample standard deviation (ddof 1); a zero variance gives 0 for a zero mean, else
    ±inf by the mean's sign (as ``ml.pbo``)."""
    mean = x.mean(axis=0)
    sd = x.std(axis=0, ddof=1)
    safe = np.where(sd > 0, sd, 1.0)
    limit = np.where(mean > 0, np.inf, np.where(mean < 0, -np.inf, 0.0))
    out: npt.NDArray[np.float64] = np.where(sd > 0, mean / safe, limit)
    return out


def pbo(performance: npt.ArrayLike, blocks: int) -> PBOResult:
    """The probability of backtest overfitting by CSCV, Bailey, Borwein, López de Prado & Zhu (2017), "The
    Probability of Backtest Overfitting" (``ml.pbo``): ``performance`` a T×N matrix of returns (rows are
    observations in time order, columns the family's trials), ``blocks`` = S even in [2, 16], T a multiple of S
    and >= 4. For each of the C(S, S/2) halves J (the other half J̄ out of sample): n* = argmax of the in-sample
    Sharpe ratios (ties: lowest column), r its out-of-sample rank, λ = ln(ω/(1-ω)), ω = r/(N+1);
    PBO = share of λ <= 0 (counted as 2r <= N + 1)."""
    routine = "pbo"
    if blocks < 2 or blocks > MAX_PBO_BLOCKS or blocks % 2:
        raise _refuse(routine, "blocks", blocks, "is not an even number of blocks in [2, 16]")
    m = np.asarray(performance, dtype=np.float64)
    if m.ndim != 2:
        raise _refuse(routine, "performance", f"an array of {m.ndim} dimensions", "is not a 2-D array")
    if m.size > MAX_PBO_CELLS:
        raise _refuse(routine, "performance", f"{m.size} cells", "has more than 5,000,000 cells")
    if not np.all(np.isfinite(m)):
        i, j = (int(k) for k in np.argwhere(~np.isfinite(m))[0])
        raise _refuse(routine, "performance", f"[{i}][{j}]={m[i, j]}", "holds a cell that is not a finite number")
    t, n = m.shape
    if n < 2:
        raise _refuse(routine, "performance", f"{n} column(s)", "has fewer than 2 columns")
    if t < 4 or t % blocks:
        raise _refuse(routine, "performance", f"{t} rows", f"does not have a multiple of {blocks} rows, at least 4")
    rows = t // blocks
    block_rows = [np.arange(b * rows, (b + 1) * rows) for b in range(blocks)]
    combos = tuple(itertools.combinations(range(blocks), blocks // 2))
    best: list[int] = []
    ranks: list[float] = []
    logits: list[float] = []
    for combo in combos:
        inside = np.concatenate([block_rows[b] for b in combo])
        outside = np.concatenate([block_rows[b] for b in range(blocks) if b not in combo])
        sr_is = _sharpe_columns(m[inside])
        sr_oos = _sharpe_columns(m[outside])
        star = int(np.argmax(sr_is))
        rank = 1 + float(np.sum(sr_oos < sr_oos[star])) + 0.5 * float(np.sum(sr_oos == sr_oos[star]) - 1)
        omega = rank / (n + 1)
        best.append(star)
        ranks.append(rank)
        logits.append(math.log(omega / (1 - omega)))
    overfit = sum(1 for r in ranks if 2 * r <= n + 1)
    return PBOResult(pbo=overfit / len(combos), blocks=blocks, n_obs=t, n_trials=n, combinations=combos,
                     best=tuple(best), ranks=tuple(ranks), logits=tuple(logits))
