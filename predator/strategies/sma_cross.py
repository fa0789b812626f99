"""SMA crossover, whole equity per trade: the strategy Predator is cross-checked with against freqtrade and
backtesting.py (``bench/peers``, ``docs/peer_crosscheck.md``).

Decision at the close of bar t (time T = open_t + 1h), using bars <= t only:

  fast_t = (close_{t-f+1} + … + close_t) / f        (f = ``fast``, default 10)
  slow_t = (close_{t-s+1} + … + close_t) / s        (s = ``slow``, default 50)

* **Entry**, when the symbol is flat: the fast average crosses above the slow one at bar t's close,
  fast_t > slow_t and fast_{t-1} <= slow_{t-1} → buy.
* **Exit**, while holding: it crosses below, fast_t < slow_t and fast_{t-1} >= slow_{t-1} → exit
  (sell the whole position).
* Otherwise nothing (hold). No stop-loss, no take-profit, no maximum holding time. The order is a market
  order; the paper venue fills it at the open of bar t+1.

The comparisons are exact: closes are scaled to integers (10⁸ × close, Binance's finest price step) and
fast_t > slow_t is tested as s × Σfast > f × Σslow, so no rounding of a float mean can flip a tie
(every engine of the cross-check uses the same integer test).

**Size.** With ``max_positions`` = 1 (default) the account holds one position at a time: a buy needs the
account to be all cash (equity − cash <= 10⁻⁹ × equity), and spends it all:

  quantity = round_down_step( budget / (close_t × (1 + fee_rate) × (1 + cash_buffer)) ),  budget = cash

``cash_buffer`` (default 1%) covers the gap between bar t's close and bar t+1's open: the venue rejects a
buy it cannot pay at the fill price. With ``max_positions`` = n > 1 each symbol trades independently with
budget = min(cash, equity / n), so no signal is ever starved of cash (the strategy sees one symbol and
does not count the others' positions). A buy below the venue's minimum quantity or notional is skipped.

Expected edge: the crossover makes no forecast; it reports ``edge_bps`` (default 0) and confidence 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from predator.strategies.base import Context, History, Signal, hold_expiry

#: Closes are compared as integers of 10⁻⁸ quote units.
PRICE_SCALE = 10**8


def scaled_closes(close: np.ndarray) -> np.ndarray:
    """Closes as int64 multiples of 10⁻⁸ (exact for prices with at most 8 decimals below ~9×10¹⁰)."""
    return np.rint(np.asarray(close, dtype=np.float64) * PRICE_SCALE).astype(np.int64)


def cross_series(close: np.ndarray, fast: int, slow: int) -> np.ndarray:
    """Vectorised crossings, aligned with ``close``: +1 where fast crosses above slow at that bar's close,
    −1 where it crosses below, 0 otherwise (and for the first ``slow`` bars, which lack a previous slow
    average). Index i uses closes <= i only."""
    n = close.shape[0]
    out = np.zeros(n, dtype=np.int8)
    if n < slow + 1:
        return out
    x = scaled_closes(close)
    windows = np.lib.stride_tricks.sliding_window_view
    sum_fast = windows(x, fast).sum(axis=1)  # index j ↔ bar j + fast − 1 (int64: exact)
    sum_slow = windows(x, slow).sum(axis=1)  # index j ↔ bar j + slow − 1
    # diff_i = slow × Σfast_i − fast × Σslow_i for bars i >= slow − 1 (sign of fast_i − slow_i)
    diff = slow * sum_fast[slow - fast:] - fast * sum_slow
    now, prev = diff[1:], diff[:-1]          # bars slow .. n−1 and their previous bars
    out[slow:] = np.where((now > 0) & (prev <= 0), 1, np.where((now < 0) & (prev >= 0), -1, 0))
    return out


def cross_at_last(close: np.ndarray, fast: int, slow: int) -> int:
    """The crossing at the last bar of ``close`` (+1, −1 or 0), in exact integer arithmetic."""
    if close.shape[0] < slow + 1:
        return 0
    window = [int(x) for x in scaled_closes(close[-(slow + 1):])]
    now = slow * sum(window[-fast:]) - fast * sum(window[1:])
    prev = slow * sum(window[-fast - 1:-1]) - fast * sum(window[:-1])
    if now > 0 and prev <= 0:
        return 1
    if now < 0 and prev >= 0:
        return -1
    return 0


@dataclass
class SmaCross:
    """Fast/slow simple moving average crossover on closes; see the module docstring for the rules."""

    fast: int = 10
    slow: int = 50
    cash_buffer: float = 0.01
    max_positions: int = 1
    edge_bps: float = 0.0
    name: str = field(default="sma_cross", init=False)

    def __post_init__(self) -> None:
        if not 0 < self.fast < self.slow:
            raise ValueError(f"need 0 < fast < slow, got fast={self.fast} slow={self.slow}")
        if self.max_positions < 1:
            raise ValueError(f"max_positions must be >= 1, got {self.max_positions}")
        if not 0 <= self.cash_buffer < 1:
            raise ValueError(f"cash_buffer must be in [0, 1), got {self.cash_buffer}")

    @property
    def warmup_bars(self) -> int:
        return self.slow + 1

    def features(self, symbol: str, history: History) -> dict[str, np.ndarray]:
        """``cross``: +1/−1/0 per bar (see :func:`cross_series`), causal."""
        return {"cross": cross_series(history.close, self.fast, self.slow)}

    def quiet(self, symbol: str, features: dict[str, np.ndarray]) -> np.ndarray:
        """True at each bar after whose close no signal can come, whatever the position and money: no crossing
        (``cross`` 0; :meth:`generate_signal` signals only on a crossing). The runner closes stretches of hours
        quiet for every symbol in one call (:meth:`predator.runner.step.HourStep.quiet_hours`)."""
        quiet: np.ndarray = np.asarray(features.get("cross", np.zeros(0, dtype=np.int8))) == 0
        return quiet

    def generate_signal(self, context: Context) -> Signal | None:
        cross_feature = context.features.get("cross")
        n = len(context.history)
        if cross_feature is not None and len(cross_feature) == n:
            cross = int(cross_feature[-1]) if n else 0
        else:
            cross = cross_at_last(context.history.close, self.fast, self.slow)
        ts = context.decision_time
        if cross > 0 and context.position <= 0:
            qty = self._entry_quantity(context)
            if qty is None:
                return None
            return Signal(ts, context.symbol, "buy", 1.0, self.edge_bps, hold_expiry(ts), qty)
        if cross < 0 and context.position > 0:
            return Signal(ts, context.symbol, "exit", 1.0, self.edge_bps, hold_expiry(ts), context.position)
        return None

    def _entry_quantity(self, context: Context) -> Decimal | None:
        price = context.last_close
        if price <= 0 and len(context.history):
            price = Decimal(repr(float(context.history.close[-1])))
        if price <= 0 or context.cash <= 0:
            return None
        if self.max_positions == 1:
            if context.equity - context.cash > context.equity * Decimal("1e-9"):
                return None  # another position is open: one position at a time
            budget = context.cash
        else:
            budget = min(context.cash, context.equity / self.max_positions)
        unit_cost = price * Decimal(repr(1.0 + context.fee_rate)) * Decimal(repr(1.0 + self.cash_buffer))
        qty = context.rules.round_qty(budget / unit_cost)
        if qty <= 0 or qty < context.rules.min_qty or qty * price < context.rules.min_notional:
            return None
        return qty

    def params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("fast", "slow", "cash_buffer", "max_positions", "edge_bps")}
