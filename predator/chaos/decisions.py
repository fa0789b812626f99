"""Decision faults (seed 001 E1, E2, F1): a wrapper around a strategy that corrupts its decisions in given
hour windows, outside the trading logic. The wrapper is an ordinary strategy (``module:Class``) whose
parameters name the strategy it wraps and the windows, so the run's stored configuration reproduces the
faults (a replay loads the same wrapper with the same windows: replay parity holds over a campaign).

Kinds (each window is ``[first hour, last hour, kind, symbol or "*"]``, hours ISO UTC):

* ``overtrade`` — over-aggression: every hour, on the window's symbols, a buy ten times the strategy's own
  order size (or 10 % of equity when it proposes nothing), alternating with exits;
* ``repeat_refused`` — the overfitting loop: the same oversized buy (twice the equity) again and again, which
  admission must refuse every time;
* ``corrupt_scores`` — scoring corruption: the strategy's signals with confidence 1 and an absurd edge
  (1e6 bps), and a buy where it would hold.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np

from predator.strategies.base import Context, History, Signal, Strategy, hold_expiry, load_strategy

KINDS = ("overtrade", "repeat_refused", "corrupt_scores")


class FaultyStrategy:
    """``inner`` (a strategy name or ``module:Class``) with ``inner_params``, whose decisions are corrupted
    inside ``windows`` (see the module docstring). Outside the windows it is the inner strategy, unchanged."""

    def __init__(self, inner: str, inner_params: dict[str, Any] | None = None,
                 windows: list[list[str]] | None = None) -> None:
        self.inner: Strategy = load_strategy(inner, inner_params or {})
        self.name = f"faulty({getattr(self.inner, 'name', inner)})"
        self.windows = [(datetime.fromisoformat(a), datetime.fromisoformat(b), kind, symbol)
                        for a, b, kind, symbol in (windows or [])]
        for _, _, kind, _ in self.windows:
            if kind not in KINDS:
                raise ValueError(f"unknown decision fault {kind!r}: use one of {', '.join(KINDS)}")
        self._count = 0

    @property
    def warmup_bars(self) -> int:
        return int(getattr(self.inner, "warmup_bars", 500))

    def features(self, symbol: str, history: History) -> dict[str, np.ndarray[Any, Any]]:
        f = getattr(self.inner, "features", None)
        return f(symbol, history) if f is not None else {}

    def fault_at(self, t: datetime, symbol: str) -> str | None:
        for a, b, kind, s in self.windows:
            if a <= t <= b and s in ("*", symbol):
                return kind
        return None

    def generate_signal(self, context: Context) -> Signal | None:
        sig = self.inner.generate_signal(context)
        kind = self.fault_at(context.decision_time, context.symbol)
        if kind is None:
            return sig
        t, price = context.decision_time, context.last_close
        if price <= 0:
            return sig
        if kind == "overtrade":
            hour = int(t.timestamp()) // 3600
            if context.position > 0 and hour % 2:
                return Signal(t, context.symbol, "exit", 0.9, 50.0, hold_expiry(t))
            base = sig.quantity if sig is not None and sig.quantity else context.equity / 10 / price
            return Signal(t, context.symbol, "buy", 0.9, 50.0, hold_expiry(t), quantity=_q(base * 10))
        if kind == "repeat_refused":
            return Signal(t, context.symbol, "buy", 0.99, 500.0, hold_expiry(t),
                          quantity=_q(context.equity * 2 / price))
        # corrupt_scores
        if sig is None or sig.direction == "hold":
            return Signal(t, context.symbol, "buy", 1.0, 1e6, hold_expiry(t),
                          quantity=_q(context.equity / 20 / price))
        return Signal(sig.ts, sig.symbol, sig.direction, 1.0, 1e6, sig.expiry, sig.quantity, sig.order_type,
                      sig.limit_price)


def _q(x: Decimal) -> Decimal:
    return Decimal(x).quantize(Decimal("1e-6")) if x > Decimal("1e-6") else Decimal("1e-6")
