"""The meta-labelling strategy (issue 19 item 2): the SMA crossover decides the side, a registered, promoted
meta-model (:mod:`predator.ml.meta`) decides whether to take it and how much.

Parameters: ``model_id`` (an ``ml.model`` row of a meta-labelling family, trained with
:func:`predator.ml.meta.meta_samples`, required), ``fast`` and ``slow`` (the primary's SMA windows, those the model
was trained with), ``step`` (the bet size's discretisation, AFML §10.4; None: none), ``max_weight`` (the fraction
of equity a bet of size 1 buys), ``edge_bps`` (reported edge). Registered on a book like any strategy, and like
:class:`predator.ml.strategy.ModelStrategy` only with a passed promotion of the model for the book's lane
(``api.register_strategy``, PD023 ``model_not_promoted``); bound by the runner the same way (the registry row's
artefact checked against its sha256 and feature list, :class:`predator.ml.strategy.BoundModel`).

**Decision at T** (the close of bar t, bars <= t only):

* flat and :func:`predator.ml.meta.meta_signal_at` at bar t takes the bet (the primary's long entry fires at t,
  the features are warm, and the bet size m = 2Φ((p − ½)/√(p(1 − p))) − 1 > 0, i.e. p > ½, after rounding down
  to ``step``) → **buy**, confidence p (the model's P(win)), quantity worth w × equity at the last close with
  w = m × min(``max_weight``, 0.95 × each of the profile's instrument, order, cluster and portfolio caps), no
  more than the cash pays with the fee and a 1 % margin, rounded **down** to the venue's step
  (:mod:`predator.strategies.sizing`); skipped below the venue's minimums;
* holding and the primary's exit fires (fast crosses below slow at t's close,
  :func:`predator.strategies.sma_cross.cross_series`) → **exit** the whole position, confidence 1 (the crossover
  makes no forecast, as in :class:`predator.strategies.sma_cross.SmaCross`);
* otherwise nothing.

Every signal carries ``model_id`` (``trading.signal.model_id``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from predator.ml.dataset import WARMUP_BARS
from predator.ml.meta import MetaDecision, meta_signal_at
from predator.ml.strategy import BoundModel, capped_weight, entry_quantity
from predator.strategies.base import Context, History, Signal, hold_expiry
from predator.strategies.sma_cross import cross_at_last, cross_series


@dataclass
class MetaModelStrategy(BoundModel):
    """SMA-crossover entries taken and sized by a registered meta-model, exits on the crossover; see the module
    docstring."""

    fast: int = 10
    slow: int = 50
    step: float | None = None
    max_weight: float = 1.0
    edge_bps: float = 0.0
    name: str = field(default="meta_model", init=False)

    def __post_init__(self) -> None:
        self._check_model_id()
        if isinstance(self.fast, bool) or isinstance(self.slow, bool) or not (
                isinstance(self.fast, int) and isinstance(self.slow, int)) or not 0 < self.fast < self.slow:
            raise ValueError(f"need integers 0 < fast < slow, got fast={self.fast!r} slow={self.slow!r}")
        if self.step is not None and not (isinstance(self.step, (int, float)) and np.isfinite(self.step)
                                          and 0.0 < self.step <= 1.0):
            raise ValueError(f"step must be None or in (0, 1], got {self.step!r}")
        if not (isinstance(self.max_weight, (int, float)) and 0.0 < self.max_weight <= 1.0):
            raise ValueError(f"max_weight must be in (0, 1], got {self.max_weight!r}")
        if not (isinstance(self.edge_bps, (int, float)) and np.isfinite(self.edge_bps)):
            raise ValueError(f"edge_bps must be a finite number, got {self.edge_bps!r}")

    @property
    def warmup_bars(self) -> int:
        return max(WARMUP_BARS, self.slow) + 1

    def features(self, symbol: str, history: History) -> dict[str, npt.NDArray[Any]]:
        """``cross``: the primary's crossings, +1/−1/0 per bar (:func:`cross_series`), causal, aligned with
        ``history``. The model's own features are computed at a crossing only (:func:`meta_signal_at`)."""
        return {"cross": cross_series(history.close, self.fast, self.slow)}

    def decision(self, context: Context) -> MetaDecision | None:
        """:func:`predator.ml.meta.meta_signal_at` of the bound model at bar t (the last bar of
        ``context.history``): None when the primary does not fire there or the features are not warm."""
        return meta_signal_at(self.model_text(), context.history, fast=self.fast, slow=self.slow, step=self.step)

    def generate_signal(self, context: Context) -> Signal | None:
        self.model_text()  # refuses before binding, whatever the bar
        n = len(context.history)
        if n == 0:
            return None
        given = context.features.get("cross")
        cross = int(given[-1]) if given is not None and len(given) == n else cross_at_last(
            context.history.close, self.fast, self.slow)
        ts = context.decision_time
        if cross > 0 and context.position <= 0:
            d = self.decision(context)
            if d is None or not d.take:
                return None
            qty = self.entry_quantity(context, d.size)
            if qty is None:
                return None
            return Signal(ts, context.symbol, "buy", d.confidence, self.edge_bps, hold_expiry(ts), qty,
                          model_id=self.model_id)
        if cross < 0 and context.position > 0:
            return Signal(ts, context.symbol, "exit", 1.0, self.edge_bps, hold_expiry(ts), context.position,
                          model_id=self.model_id)
        return None

    def entry_quantity(self, context: Context, size: float) -> Decimal | None:
        """The base quantity of a bet of ``size`` (a fraction in [0, 1] of the full position): worth
        size × :func:`predator.ml.strategy.capped_weight` × equity, rounded down; None for a size <= 0 or below
        the venue's minimums."""
        if not size > 0.0:
            return None
        return entry_quantity(context, min(size, 1.0) * capped_weight(context, self.max_weight))

    def params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("model_id", "fast", "slow", "step", "max_weight", "edge_bps")}
