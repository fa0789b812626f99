"""Trend follower: moving-average crossover with a volatility filter, sized by volatility target.

Decision at the close of bar t (all values use bars <= t):
  fast_t = SMA(close, fast), slow_t = SMA(close, slow), σ_t = annualised realized volatility of the last
  ``vol_window`` hourly log returns.
* **Entry** (flat), on the crossover: fast_t > slow_t × (1 + band) while fast_{t−1} ≤ slow_{t−1} × (1 + band)
  (``entry="cross"``; ``entry="regime"`` enters whenever the first condition holds), and σ_t < max_vol →
  buy w × equity / close_t with w = min(vol_target / σ_t, max_weight, account caps)
  (:mod:`predator.strategies.sizing`). A refused or missed entry waits for the next crossover.
* **Review** (holding), every hour, no maximum holding time: fast_t < slow_t × (1 − band) → exit;
  current weight > w × reduce_above → reduce to w; otherwise hold.
* Expected edge (bps) = 10⁴ × (fast_t / slow_t − 1) − 2 × fee (bps): the trend's strength net of the
  round-trip fee; confidence = min(1, 0.5 + 25 × (fast_t / slow_t − 1)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from predator.strategies import indicators
from predator.strategies.base import Context, History, Signal, hold_expiry, require_int, require_number
from predator.strategies.sizing import meets_minimums, quantity_for_weight, target_weight


@dataclass
class TrendFollower:
    fast: int = 48
    slow: int = 240
    vol_window: int = 72
    vol_target: float = 0.3
    max_weight: float = 0.15
    max_vol: float = 2.5
    band: float = 0.003
    reduce_above: float = 1.6
    entry: str = "cross"
    name: str = field(default="trend", init=False)

    def __post_init__(self) -> None:
        for window in ("fast", "slow", "vol_window"):
            require_int(window, getattr(self, window))
        if not self.fast < self.slow:
            raise ValueError(f"need 0 < fast < slow, got fast={self.fast} slow={self.slow}")
        require_number("vol_target", self.vol_target, 0, low_open=True)
        require_number("max_weight", self.max_weight, 0, 1, low_open=True)
        require_number("max_vol", self.max_vol, 0, low_open=True)
        require_number("band", self.band, 0)
        require_number("reduce_above", self.reduce_above, 0, low_open=True)
        if self.entry not in ("cross", "regime"):
            raise ValueError(f"entry must be 'cross' or 'regime', got {self.entry!r}")

    @property
    def warmup_bars(self) -> int:
        return max(self.slow, self.vol_window + 1) + 1

    def features(self, symbol: str, history: History) -> dict[str, np.ndarray]:
        return {"fast": indicators.sma(history.close, self.fast), "slow": indicators.sma(history.close, self.slow),
                "vol": indicators.realized_vol(history.close, self.vol_window)}

    def generate_signal(self, context: Context) -> Signal | None:
        f = context.features
        if not f or len(f["fast"]) == 0:
            return None
        fast, slow, vol = float(f["fast"][-1]), float(f["slow"][-1]), float(f["vol"][-1])
        if math.isnan(fast) or math.isnan(slow) or math.isnan(vol) or slow <= 0:
            return None
        strength = fast / slow - 1.0
        ts = context.decision_time
        edge = 1e4 * strength - 2e4 * context.fee_rate
        confidence = min(1.0, max(0.0, 0.5 + 25.0 * strength))
        w = target_weight(context, vol, self.vol_target, self.max_weight)
        if context.position <= 0:
            crossed = True
            if self.entry == "cross" and len(f["fast"]) >= 2:
                pf, ps = float(f["fast"][-2]), float(f["slow"][-2])
                crossed = math.isnan(pf) or math.isnan(ps) or pf <= ps * (1 + self.band)
            if strength > self.band and crossed and vol < self.max_vol:
                qty = quantity_for_weight(context, w)
                if meets_minimums(context, qty):
                    return Signal(ts, context.symbol, "buy", confidence, round(edge, 4), hold_expiry(ts), qty)
            return None
        if strength < -self.band:
            return Signal(ts, context.symbol, "exit", confidence, round(edge, 4), hold_expiry(ts))
        weight_now = float(context.position * context.last_close / context.equity) if context.equity > 0 else 0.0
        if w > 0 and weight_now > w * self.reduce_above:
            target_qty = quantity_for_weight(context, w)
            qty = context.rules.round_qty(context.position - target_qty)
            if meets_minimums(context, qty) and qty < context.position:
                return Signal(ts, context.symbol, "reduce", confidence, round(edge, 4), hold_expiry(ts), qty)
        return None

    def params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("fast", "slow", "vol_window", "vol_target", "max_weight", "max_vol",
                                               "band", "reduce_above", "entry")}


