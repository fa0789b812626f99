"""Mean reversion: Bollinger bands with an RSI filter, sized by volatility target.

Decision at the close of bar t (all values use bars <= t):
  m_t = SMA(close, window), s_t = population std of the last ``window`` closes, lower_t = m_t − k × s_t,
  RSI_t = Wilder's RSI(rsi_window), σ_t = annualised realized volatility (``vol_window`` hourly returns).
* **Entry** (flat): close_t < lower_t and RSI_t < rsi_entry → buy w × equity / close_t with
  w = min(vol_target / σ_t, max_weight, account caps).
* **Review** (holding), every hour: close_t > m_t or RSI_t > rsi_exit → exit; weight above
  w × reduce_above → reduce to w; otherwise hold. No maximum holding time.
* Expected edge (bps) = 10⁴ × (m_t / close_t − 1) − 2 × fee (bps): the distance back to the mean net of
  the round-trip fee; confidence = min(1, (rsi_entry − RSI_t) / rsi_entry + 0.5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from predator.strategies import indicators
from predator.strategies.base import Context, History, Signal, hold_expiry, require_int, require_number
from predator.strategies.sizing import meets_minimums, quantity_for_weight, target_weight


@dataclass
class MeanReversion:
    window: int = 48
    k: float = 2.5
    rsi_window: int = 14
    rsi_entry: float = 25.0
    rsi_exit: float = 55.0
    vol_window: int = 72
    vol_target: float = 0.4
    max_weight: float = 0.15
    reduce_above: float = 1.6
    name: str = field(default="meanrev", init=False)

    def __post_init__(self) -> None:
        for window in ("window", "rsi_window", "vol_window"):
            require_int(window, getattr(self, window))
        require_number("k", self.k, 0, low_open=True)
        require_number("rsi_entry", self.rsi_entry, 0, 100)
        require_number("rsi_exit", self.rsi_exit, 0, 100)
        require_number("vol_target", self.vol_target, 0, low_open=True)
        require_number("max_weight", self.max_weight, 0, 1, low_open=True)
        require_number("reduce_above", self.reduce_above, 0, low_open=True)

    @property
    def warmup_bars(self) -> int:
        return max(self.window, self.rsi_window + 1, self.vol_window + 1) + 1

    def features(self, symbol: str, history: History) -> dict[str, np.ndarray]:
        return {"mid": indicators.sma(history.close, self.window),
                "std": indicators.rolling_std(history.close, self.window),
                "rsi": indicators.rsi(history.close, self.rsi_window),
                "vol": indicators.realized_vol(history.close, self.vol_window)}

    def generate_signal(self, context: Context) -> Signal | None:
        f = context.features
        if not f or len(f["mid"]) == 0:
            return None
        mid, std, r, vol = float(f["mid"][-1]), float(f["std"][-1]), float(f["rsi"][-1]), float(f["vol"][-1])
        close = float(context.last_close)
        if any(math.isnan(v) for v in (mid, std, r, vol)) or close <= 0:
            return None
        ts = context.decision_time
        edge = 1e4 * (mid / close - 1.0) - 2e4 * context.fee_rate
        w = target_weight(context, vol, self.vol_target, self.max_weight)
        if context.position <= 0:
            if close < mid - self.k * std and r < self.rsi_entry:
                qty = quantity_for_weight(context, w)
                if meets_minimums(context, qty):
                    confidence = min(1.0, max(0.0, (self.rsi_entry - r) / self.rsi_entry + 0.5))
                    return Signal(ts, context.symbol, "buy", confidence, round(edge, 4), hold_expiry(ts), qty)
            return None
        if close > mid or r > self.rsi_exit:
            return Signal(ts, context.symbol, "exit", 0.6, round(edge, 4), hold_expiry(ts))
        weight_now = float(context.position * context.last_close / context.equity) if context.equity > 0 else 0.0
        if w > 0 and weight_now > w * self.reduce_above:
            qty = context.rules.round_qty(context.position - quantity_for_weight(context, w))
            if meets_minimums(context, qty) and qty < context.position:
                return Signal(ts, context.symbol, "reduce", 0.6, round(edge, 4), hold_expiry(ts), qty)
        return None
