"""Meta-labelling (López de Prado, *Advances in Financial Machine Learning*, 2018, §3.6) and bet sizing from a
predicted probability (AFML §10.3), NumPy/SciPy only.

A **primary** rule decides the side of a bet; a **secondary** model learns only whether to take it. Here the
primary is the SMA crossover (:mod:`predator.strategies.sma_cross`): its long entries, the bars where the fast
average crosses above the slow one at the close (:func:`predator.strategies.sma_cross.cross_series`, causal:
bar i uses closes <= i). For each primary event t0 with side s ∈ {+1, -1}:

* the triple-barrier outcome of taking side s at the close of t0 (:func:`predator.ml.labels.triple_barrier_labels`):
  profit-taking at a return of ``upper``·σ in the side's direction, stop-loss at ``lower``·σ against it, vertical
  barrier ``horizon`` bars later; t1 the bar where the outcome was decided;
* the **meta-label** is 1 when the trade wins, s · (close(t1)/close(t0) - 1) > 0, else 0 (AFML §3.6, ``getBins``
  with a side: ``bin = 1 if ret·side > 0 else 0``), so a vertical barrier with a positive return also counts as
  a win, and a loss or a flat return does not.

Labels exist only where the primary fires, and a label reads prices up to the close of its t1 only (property
tests). The secondary model (LightGBM on the causal features of :mod:`predator.ml.dataset`, trained by
:func:`predator.ml.train.train_family` with ``sampler=meta_samples``) gives p = P(meta-label = 1 | features), the
signal's **confidence**; the bet size is AFML §10.3's for two outcomes:

    z = (p - 1/2) / √(p (1 - p)),   m = 2 Φ(z) - 1 ∈ (-1, 1)

and since a meta-model may only veto the primary, never reverse it, the size is s · max(m, 0) (0 for p ≤ 1/2),
optionally rounded down to a multiple of ``step`` (AFML §10.4 discretisation, which avoids trading on jitter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

from predator.errors import StatisticsInputError
from predator.ml.dataset import FEATURE_NAMES, HOUR, Dataset, feature_matrix
from predator.ml.labels import triple_barrier_labels
from predator.ml.train import LabelSpec, Samples, predict_proba
from predator.strategies.base import History
from predator.strategies.sma_cross import cross_at_last, cross_series

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: The barriers of :func:`meta_samples` by default: those of :class:`predator.ml.train.LabelSpec`.
DEFAULT_LABELS = LabelSpec()


def sma_long_entries(close: npt.ArrayLike, fast: int = 10, slow: int = 50) -> IntArray:
    """The SMA crossover's long entries: the bars i where fast crosses above slow at the close of i (the
    strategy's buy decisions when flat), increasing. Causal: whether bar i is an entry depends on closes <= i."""
    c = np.asarray(close, dtype=np.float64)
    return np.flatnonzero(cross_series(c, fast, slow) == 1).astype(np.int64)


@dataclass(frozen=True, eq=False)
class MetaLabels:
    """One row per primary event whose outcome is decided, in bar order: ``t0`` the event bar, ``t1`` the bar
    where the outcome was decided (t0 < t1 <= t0 + horizon), ``side`` the primary's side (+1/-1), ``ret`` the
    side's return side · (close(t1)/close(t0) - 1), ``label`` 1 (win: ret > 0) or 0, ``touched`` +1 profit-take,
    -1 stop-loss, 0 vertical barrier."""

    t0: IntArray
    t1: IntArray
    side: npt.NDArray[np.int8]
    ret: FloatArray
    label: npt.NDArray[np.int8]
    touched: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return int(self.t0.size)


def meta_labels(close: npt.ArrayLike, events: npt.ArrayLike, side: npt.ArrayLike, *, horizon: int,
                upper: float = 1.0, lower: float = 1.0, span: int = 100,
                min_periods: int | None = None) -> MetaLabels:
    """Meta-labels of the primary ``events`` (increasing distinct bar indices) with their ``side`` (+1 or -1 each):
    see the module docstring. ``upper`` is the profit-taking width and ``lower`` the stop-loss width, both in σ
    (the EWM volatility of :func:`predator.ml.labels.ewm_volatility` with ``span``); for a short side the
    profit-take is the lower barrier. Events without a warm σ or whose outcome is not decided within the data
    are left out. Raises :class:`StatisticsInputError` for a side outside {-1, +1} or mismatched shapes."""
    c = np.asarray(close, dtype=np.float64)
    ev = np.asarray(events, dtype=np.int64)
    sd = np.asarray(side, dtype=np.int64)
    if ev.ndim != 1 or sd.shape != ev.shape:
        raise StatisticsInputError(f"meta_labels refused: events, side are not two 1-D arrays of one length "
                                   f"(shapes {ev.shape}, {sd.shape})")
    if not np.all(np.isin(sd, (-1, 1))):
        raise StatisticsInputError("meta_labels refused: side is not +1 or -1 everywhere")
    parts = []
    for s_value, up, down in ((1, upper, lower), (-1, lower, upper)):
        chosen = ev[sd == s_value]
        if chosen.size == 0:
            continue
        tb = triple_barrier_labels(c, horizon=horizon, upper=up, lower=down, span=span, min_periods=min_periods,
                                   events=chosen)
        ret = s_value * tb.ret
        touched = (s_value * tb.touched).astype(np.int8)
        parts.append((tb.t0, tb.t1, np.full(tb.t0.size, s_value, dtype=np.int8), ret, touched))
    if not parts:
        empty_i = np.empty(0, dtype=np.int64)
        empty_b = np.empty(0, dtype=np.int8)
        return MetaLabels(empty_i, empty_i, empty_b, np.empty(0), empty_b, empty_b)
    t0 = np.concatenate([p[0] for p in parts])
    order = np.argsort(t0, kind="stable")
    ret = np.concatenate([p[3] for p in parts])[order]
    return MetaLabels(t0[order], np.concatenate([p[1] for p in parts])[order],
                      np.concatenate([p[2] for p in parts])[order], ret, (ret > 0).astype(np.int8),
                      np.concatenate([p[4] for p in parts])[order])


def meta_samples(dataset: Dataset, symbols: Sequence[str], labels: LabelSpec = DEFAULT_LABELS, *, fast: int = 10,
                 slow: int = 50) -> Samples:
    """Samples of a meta-labelling family (a :data:`predator.ml.train.Sampler`; bind ``fast``/``slow`` with
    ``functools.partial``): one per SMA-crossover long entry of each symbol with finite features, the features
    of :func:`predator.ml.dataset.feature_matrix` at the entry bar, target the meta-label, t0/t1 in hours since
    the epoch, and ``next_ret`` the trade's return to t1 (round-trip samples: a taken event pays the fee twice).
    Sorted by decision hour, then symbol."""
    names = tuple(symbols)
    xs: list[FloatArray] = []
    ys: list[npt.NDArray[np.int8]] = []
    t0s: list[IntArray] = []
    t1s: list[IntArray] = []
    syms: list[IntArray] = []
    rets: list[FloatArray] = []
    for k, name in enumerate(names):
        bars = dataset.symbol(name)
        x = feature_matrix(bars.history())
        hours = (bars.ts + HOUR) // HOUR
        entries = sma_long_entries(bars.close, fast, slow)
        entries = entries[np.all(np.isfinite(x[entries]), axis=1)]
        ml = meta_labels(bars.close, entries, np.ones(entries.size, dtype=np.int8), horizon=labels.horizon,
                         upper=labels.upper, lower=labels.lower, span=labels.span)
        xs.append(x[ml.t0])
        ys.append(ml.label)
        t0s.append(hours[ml.t0].astype(np.int64))
        t1s.append(hours[ml.t1].astype(np.int64))
        syms.append(np.full(ml.t0.size, k, dtype=np.int64))
        rets.append(ml.ret)
    x_all = np.concatenate(xs) if xs else np.empty((0, len(FEATURE_NAMES)))
    t0 = np.concatenate(t0s) if t0s else np.empty(0, dtype=np.int64)
    sym = np.concatenate(syms) if syms else np.empty(0, dtype=np.int64)
    order = np.lexsort((sym, t0)).astype(np.int64)
    return Samples(names, x_all[order], np.concatenate(ys)[order], t0[order], np.concatenate(t1s)[order],
                   sym[order], np.concatenate(rets)[order], round_trip=True)


#: Small-data trials of the meta-labelling family ``meta_sma`` (crossings are rare: about one in 30-60 bars).
META_SMA_TRIALS: tuple[dict[str, object], ...] = (
    {"num_leaves": 4, "learning_rate": 0.05, "min_data_in_leaf": 20, "num_boost_round": 40},
    {"num_leaves": 7, "learning_rate": 0.05, "min_data_in_leaf": 10, "num_boost_round": 40},
)


def bet_size(probability: npt.ArrayLike, side: npt.ArrayLike = 1, *, step: float | None = None) -> FloatArray:
    """AFML §10.3 bet size of a meta-model's probability p of a win, for two outcomes: z = (p - ½)/√(p(1-p)),
    m = 2Φ(z) - 1, size = side · max(m, 0) (the meta-model vetoes, never reverses, the primary; p ≤ ½ gives 0),
    rounded toward zero to a multiple of ``step`` if given (AFML §10.4). p = 1 gives size ±1. Units: a fraction
    of the full position the primary would take. Raises :class:`StatisticsInputError` for p outside [0, 1] or
    not finite, or a step outside (0, 1]."""
    p = np.asarray(probability, dtype=np.float64)
    if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise StatisticsInputError("bet_size refused: probability is not a finite number in [0, 1] everywhere")
    if step is not None and not (np.isfinite(step) and 0 < step <= 1):
        raise StatisticsInputError(f"bet_size refused: step {step} is outside (0, 1]")
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p - 0.5) / np.sqrt(p * (1.0 - p))
    z = np.where(p >= 1.0, np.inf, np.where(p <= 0.0, -np.inf, z))
    m = np.maximum(2.0 * norm.cdf(z) - 1.0, 0.0)
    if step is not None:
        m = np.floor(m / step + 1e-12) * step
    out: FloatArray = (np.asarray(side, dtype=np.float64) * m).astype(np.float64)
    return out


@dataclass(frozen=True)
class MetaDecision:
    """The secondary model's verdict on one primary signal: ``confidence`` = p (the probability of a win),
    ``size`` = :func:`bet_size` (a fraction of the primary's position, signed by its side), ``take`` = size > 0."""

    confidence: float
    size: float
    take: bool


def meta_decision(probability: float, side: int = 1, *, step: float | None = None) -> MetaDecision:
    """A primary signal's confidence and bet size from the secondary model's probability (see :func:`bet_size`)."""
    size = float(bet_size(np.asarray([probability]), side, step=step)[0])
    return MetaDecision(float(probability), size, size != 0.0)


def meta_signal_at(model_text: str, history: History, *, fast: int = 10, slow: int = 50,
                   step: float | None = None) -> MetaDecision | None:
    """The meta-model's decision at the close of ``history``'s last bar: None when the primary (the SMA
    crossover's long entry, :func:`predator.strategies.sma_cross.cross_at_last`) does not fire there or the
    features are not warm; else the secondary model's probability (the booster whose text dump is
    ``model_text``, on :func:`predator.ml.dataset.feature_matrix` at that bar) as confidence and its bet size.
    Causal: reads bars of ``history`` only."""
    if cross_at_last(history.close, fast, slow) != 1:
        return None
    x = feature_matrix(history)[-1:]
    if not np.all(np.isfinite(x)):
        return None
    return meta_decision(float(predict_proba(model_text, x)[0]), 1, step=step)
