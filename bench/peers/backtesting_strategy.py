"""The SMA crossover as a backtesting.py ``Strategy``, and the backtesting.py leg of the cross-check.

Rules as everywhere (``common.py``): SMA(10)/SMA(50) of closes, buy when the fast one crosses above the
slow one at a bar's close and the position is flat, close the position when it crosses below; no stop, no
take-profit. backtesting.py's configuration for the same fills and fees:

* ``trade_on_close=False``: a market order placed in ``next()`` at bar t fills at the open of bar t+1.
* ``commission=0.001``: 0.1% of the order value at entry and again at exit.
* whole equity: ``self.buy()`` without a size spends (1 − ε) of the available cash, in whole units;
  ``backtesting.lib.FractionalBacktest(fractional_unit=1e-8)`` makes a unit 10⁻⁸ of the coin (it scales
  prices by 10⁻⁸ and volumes by 10⁸ before the run and back after), so the size is rounded down to 10⁻⁸
  like Predator's quantities instead of to whole coins.
* ``finalize_trades=False``: a position still open when the data ends is not a trade (as in Predator's
  ``api.round_trips``).
* One ``Backtest`` per symbol: backtesting.py runs one instrument at a time, each with the whole cash.

backtesting.py reports a trade's return as ``ReturnPct`` = (exit − entry)/entry − commissions/(size ×
entry), relative to the entry value *without* its fee (``Trade.pl_pct`` in backtesting/backtesting.py);
the common return divides by the entry value *with* its fee, so r = ReturnPct / (1 + f).

Run in the peers venv: ``.predator/peers-venv/bin/python bench/peers/backtesting_strategy.py --symbols
BTC/USDT --from 2023-01-01 --to 2024-01-01 --out trades.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from backtesting import Strategy  # noqa: E402
from backtesting.lib import FractionalBacktest  # noqa: E402
from common import HOUR, Candles, LegResult, Trade, cross_series, parse_time, read_candles  # noqa: E402

FRACTIONAL_UNIT = 1e-8


def _cross(close_in_units: np.ndarray, fast: int, slow: int, unit: float) -> np.ndarray:
    """The crossing series on closes given per ``unit`` of the coin (FractionalBacktest's scaled prices)."""
    return cross_series(np.asarray(close_in_units, dtype=np.float64) / unit, fast, slow).astype(np.float64)


class SmaCross(Strategy):
    """SMA(fast)/SMA(slow) crossover, long only, whole equity; acts on bars opening at or after ``active_from``."""

    fast = 10
    slow = 50
    unit = FRACTIONAL_UNIT
    active_from = pd.Timestamp(0)

    def init(self) -> None:
        self.cross = self.I(_cross, self.data.Close, self.fast, self.slow, self.unit, name="cross", overlay=False)

    def next(self) -> None:
        if self.data.index[-1] < self.active_from:
            return
        c = self.cross[-1]
        if c > 0 and not self.position:
            self.buy()
        elif c < 0 and self.position:
            self.position.close()


def frame(c: Candles) -> pd.DataFrame:
    return pd.DataFrame({"Open": c.open, "High": c.high, "Low": c.low, "Close": c.close, "Volume": c.volume},
                        index=pd.to_datetime(c.ts, unit="s"))


def run_symbol(c: Candles, start: int, end: int, fee: float, cash: float) -> tuple[list[Trade], float]:
    """Backtest one symbol over [start, end): bars from the warm-up up to end − 1h, signals from start − 1h."""
    data = frame(c.window(start - (SmaCross.slow + 200) * HOUR, end - HOUR))
    bt = FractionalBacktest(data, SmaCross, cash=cash, commission=fee, trade_on_close=False, exclusive_orders=False,
                            finalize_trades=False, fractional_unit=FRACTIONAL_UNIT)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*trades remain open.*")
        stats = bt.run(active_from=pd.Timestamp(start - HOUR, unit="s"))
    trades = []
    for row in stats["_trades"].itertuples():
        raw = float(row.ReturnPct)
        trades.append(Trade(c.symbol, int(pd.Timestamp(row.EntryTime).timestamp()),
                            int(pd.Timestamp(row.ExitTime).timestamp()), float(row.EntryPrice), float(row.ExitPrice),
                            float(row.Size), raw / (1 + fee), raw))
    return trades, float(stats["Return [%]"]) / 100


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="backtesting.py leg of the peer cross-check")
    p.add_argument("--symbols", required=True)
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--fee", type=float, default=0.001)
    p.add_argument("--principal", type=float, default=10000.0)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    start, end = int(parse_time(a.start).timestamp()), int(parse_time(a.end).timestamp())
    trades: list[Trade] = []
    returns = {}
    for symbol in a.symbols.split(","):
        t, r = run_symbol(read_candles(symbol), start, end, a.fee, a.principal)
        trades += t
        returns[symbol] = r
    res = LegResult("backtesting.py", trades, float(np.mean(list(returns.values()))),
                    notes=["one Backtest per symbol, each with the whole cash; account return per symbol: "
                           + ", ".join(f"{s} {r:+.4%}" for s, r in returns.items())])
    res.seconds = time.perf_counter() - t0
    res.dump(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
