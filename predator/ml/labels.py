"""Triple-barrier labels (López de Prado, *Advances in Financial Machine Learning*, 2018, §3.4), NumPy only.

For each event bar t0 (by default every bar once the volatility estimate is warm), with σ the exponentially
weighted standard deviation of the one-bar returns known at the close of t0 (:func:`ewm_volatility`, AFML
§3.3's ``getDailyVol`` on bars):

* the upper barrier is a return of ``+upper · σ`` from the close of t0, the lower barrier ``-lower · σ``;
* the vertical barrier is ``horizon`` bars later (t0 + horizon);
* the path is the closes of t0 + 1 … t0 + horizon; the label is +1 if the return from the close of t0 reaches the
  upper barrier first, -1 if it reaches the lower barrier first, 0 if neither is touched by the vertical barrier;
* ``t1`` is the bar where the label was decided (the first touch, or t0 + horizon): the label's end, which
  purging needs (:mod:`predator.ml.validation`), since the label uses prices up to the close of t1.

Closes only: a touch inside a bar (its high or low) is not seen, so both barriers can never be touched on the
same bar. An event whose barriers are not touched before the data ends and whose vertical barrier lies beyond
it is dropped (its label is not known yet). Nothing here reads the future of t0 to set the barriers: σ(t0) uses
returns up to t0 only (a property test truncates the data after t0 and finds the same σ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from predator.errors import StatisticsInputError


def _refuse(argument: str, value: object, rule: str) -> StatisticsInputError:
    return StatisticsInputError(f"triple_barrier_labels refused: {argument} {rule} (value={value})")


def ewm_volatility(close: npt.ArrayLike, span: int, min_periods: int | None = None) -> npt.NDArray[np.float64]:
    """σ(t): the exponentially weighted standard deviation of the one-bar simple returns close(t)/close(t-1) - 1
    up to and including bar t, with decay α = 2/(span + 1) and the weights and bias correction of pandas'
    ``ewm(span=span, adjust=True).std()`` (AFML §3.3): weights wᵢ = (1-α)^i over the returns, most recent first;
    weighted variance Σwᵢ(rᵢ - r̄)²/Σwᵢ times (Σwᵢ)² / ((Σwᵢ)² - Σwᵢ²). NaN at bar 0 and until ``min_periods``
    returns (default ``span``) have been seen. Causal: σ(t) depends on closes 0…t only."""
    c = np.asarray(close, dtype=np.float64)
    if c.ndim != 1 or c.size < 2 or not np.all(np.isfinite(c)) or np.any(c <= 0):
        raise _refuse("close", f"shape {c.shape}", "is not a 1-D series of at least 2 finite positive prices")
    if span < 2:
        raise _refuse("span", span, "is below 2")
    need = span if min_periods is None else min_periods
    if need < 2:
        raise _refuse("min_periods", need, "is below 2")
    alpha = 2.0 / (span + 1.0)
    decay = 1.0 - alpha
    out = np.full(c.size, np.nan)
    s_w = s_w2 = s_x = s_xx = 0.0
    for t in range(1, c.size):
        r = c[t] / c[t - 1] - 1.0
        s_w = decay * s_w + 1.0
        s_w2 = decay * decay * s_w2 + 1.0
        s_x = decay * s_x + r
        s_xx = decay * s_xx + r * r
        if t < need:
            continue
        mean = s_x / s_w
        biased = max(s_xx / s_w - mean * mean, 0.0)
        out[t] = float(np.sqrt(biased * s_w * s_w / (s_w * s_w - s_w2)))
    return out


@dataclass(frozen=True, eq=False)
class TripleBarrierLabels:
    """One row per labelled event, in bar order. ``t0``: the event bar (the decision's close); ``t1``: the bar
    where the label was decided (first touch or vertical barrier), t0 < t1 <= t0 + horizon; ``label`` in
    {-1, 0, +1}; ``ret``: close(t1)/close(t0) - 1; ``sigma``: σ(t0), the barriers' scale; ``touched``: which
    barrier decided (+1 upper, -1 lower, 0 vertical)."""

    t0: npt.NDArray[np.int64]
    t1: npt.NDArray[np.int64]
    label: npt.NDArray[np.int8]
    ret: npt.NDArray[np.float64]
    sigma: npt.NDArray[np.float64]
    touched: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return int(self.t0.size)


def triple_barrier_labels(close: npt.ArrayLike, *, horizon: int, upper: float = 1.0, lower: float = 1.0,
                          span: int = 100, min_periods: int | None = None,
                          events: npt.ArrayLike | None = None) -> TripleBarrierLabels:
    """Triple-barrier labels of the closes ``close`` (see the module docstring). ``horizon`` >= 1 bars to the
    vertical barrier; ``upper``, ``lower`` > 0 the barrier widths in units of σ; ``span``, ``min_periods`` the
    volatility estimate's (:func:`ewm_volatility`); ``events`` the candidate event bars (increasing, distinct),
    by default every bar. Events without a finite positive σ, and events whose label is not decided within the
    data, are left out."""
    c = np.asarray(close, dtype=np.float64)
    if horizon < 1:
        raise _refuse("horizon", horizon, "is below 1")
    for name, width in (("upper", upper), ("lower", lower)):
        if not (np.isfinite(width) and width > 0):
            raise _refuse(name, width, "is not a finite positive multiple of sigma")
    sigma = ewm_volatility(c, span, min_periods)
    n = c.size
    if events is None:
        ev = np.arange(n, dtype=np.int64)
    else:
        ev = np.asarray(events, dtype=np.int64)
        if ev.ndim != 1 or np.any(ev < 0) or np.any(ev >= n) or np.any(np.diff(ev) <= 0):
            raise _refuse("events", f"shape {ev.shape}", "are not increasing distinct bar indices of close")
    t0s: list[int] = []
    t1s: list[int] = []
    labels: list[int] = []
    rets: list[float] = []
    sigmas: list[float] = []
    touches: list[int] = []
    for t0 in ev.tolist():
        s = sigma[t0]
        if not (np.isfinite(s) and s > 0):
            continue
        end = min(t0 + horizon, n - 1)
        if end <= t0:
            continue
        path = c[t0 + 1:end + 1] / c[t0] - 1.0
        up = np.flatnonzero(path >= upper * s)
        down = np.flatnonzero(path <= -lower * s)
        first_up = int(up[0]) if up.size else None
        first_down = int(down[0]) if down.size else None
        if first_up is not None and (first_down is None or first_up < first_down):
            t1, label, touch = t0 + 1 + first_up, 1, 1
        elif first_down is not None:
            t1, label, touch = t0 + 1 + first_down, -1, -1
        elif t0 + horizon <= n - 1:
            t1, label, touch = t0 + horizon, 0, 0
        else:
            continue  # undecided: the vertical barrier lies beyond the data
        t0s.append(t0)
        t1s.append(t1)
        labels.append(label)
        rets.append(float(c[t1] / c[t0] - 1.0))
        sigmas.append(float(s))
        touches.append(touch)
    return TripleBarrierLabels(t0=np.asarray(t0s, dtype=np.int64), t1=np.asarray(t1s, dtype=np.int64),
                               label=np.asarray(labels, dtype=np.int8), ret=np.asarray(rets, dtype=np.float64),
                               sigma=np.asarray(sigmas, dtype=np.float64),
                               touched=np.asarray(touches, dtype=np.int8))
