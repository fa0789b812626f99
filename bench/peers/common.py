"""What every leg of the peer cross-check shares: candles, the SMA crossover rule, the period, trade records.

Imported by the harness (the project's venv) and by the freqtrade and backtesting.py legs (the peers venv,
``.predator/peers-venv``), so it needs nothing but the standard library and numpy.

**Period.** A case runs from ``start`` to ``end`` (UTC, hour-aligned) as ``predator paper --from start --to
end`` does: decisions at the hour closes T in [start, end), each using the bars closed by T, so signals come
from bars with open time in [start − 1h, end − 2h] and their market orders fill at the open of the next
bar, within [start, end − 1h]. Bars before ``start`` are warm-up only.

**Return of a round trip** (the common definition every engine's figure is converted to, equal to Predator's
``api.round_trips.net_return`` and freqtrade's ``profit_ratio``):

  r = (q·p_exit·(1 − f) − q·p_entry·(1 + f)) / (q·p_entry·(1 + f)) = p_exit·(1 − f) / (p_entry·(1 + f)) − 1

for quantity q, fee rate f charged on each side in quote currency; q cancels, so r does not depend on how
an engine sizes the trade.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HOUR = 3600
#: Closes are compared as integers of 10⁻⁸ quote units (Binance's finest price step).
PRICE_SCALE = 10**8
REPO = Path(__file__).resolve().parents[2]
#: The shared candles (read-only), as predator.config.data_dir() finds them: PREDATOR_DATA or ../shared/data.
CANDLES = (Path(os.environ["PREDATOR_DATA"]) if os.environ.get("PREDATOR_DATA")
           else REPO.parent / "shared" / "data").resolve() / "candles"
#: Scratch space of the cross-check (converted data, freqtrade's user dir, leg outputs); never in git.
WORK = REPO / ".predator" / "peers"
#: The peers' own virtual environment (never the project's .venv).
VENV = REPO / ".predator" / "peers-venv"


def parse_time(text: str) -> datetime:
    """``2023-01-01`` or an ISO-8601 time, as an aware UTC datetime."""
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def candle_file(symbol: str, venue: str = "binance", interval: str = "1h") -> Path:
    return CANDLES / f"{venue}_{symbol.replace('/', '-')}_{interval}.csv.gz"


@dataclass
class Candles:
    """One symbol's bars, oldest first: open times (unix s, int64) and OHLCV (float64); ``decimals`` is the
    most decimals any price in the file has (the static market's price precision)."""

    symbol: str
    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    decimals: int

    def window(self, first_ts: int, last_ts: int) -> Candles:
        """Bars with open time in [first_ts, last_ts]."""
        i, j = np.searchsorted(self.ts, first_ts, "left"), np.searchsorted(self.ts, last_ts, "right")
        return Candles(self.symbol, self.ts[i:j], self.open[i:j], self.high[i:j], self.low[i:j], self.close[i:j],
                       self.volume[i:j], self.decimals)

    def missing_hours(self) -> list[int]:
        """Open times of the hours with no bar between the first and the last bar."""
        gaps = np.flatnonzero(np.diff(self.ts) > HOUR)
        out: list[int] = []
        for g in gaps:
            out.extend(range(int(self.ts[g]) + HOUR, int(self.ts[g + 1]), HOUR))
        return out


def read_candles(symbol: str, path: Path | None = None) -> Candles:
    """Read a shared candle file (``ts,open,high,low,close,volume``, gzip)."""
    path = path or candle_file(symbol)
    ts: list[int] = []
    cols: list[list[float]] = [[], [], [], [], []]
    decimals = 0
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header != ["ts", "open", "high", "low", "close", "volume"]:
            raise ValueError(f"{path}: unexpected header {header}")
        for row in reader:
            ts.append(int(datetime.strptime(row[0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()))
            for k in range(5):
                cols[k].append(float(row[k + 1]))
            for k in range(1, 5):
                _, dot, frac = row[k].partition(".")
                if dot and len(frac) > decimals:
                    decimals = len(frac)
    o, h, lo, c, v = (np.asarray(x, dtype=np.float64) for x in cols)
    return Candles(symbol, np.asarray(ts, dtype=np.int64), o, h, lo, c, v, decimals)


def scaled(close: np.ndarray) -> np.ndarray:
    """Closes as int64 multiples of 10⁻⁸."""
    return np.rint(np.asarray(close, dtype=np.float64) * PRICE_SCALE).astype(np.int64)


def cross_series(close: np.ndarray, fast: int = 10, slow: int = 50) -> np.ndarray:
    """+1 where SMA(fast) crosses above SMA(slow) at that bar's close (fast_t > slow_t and fast_{t-1} <=
    slow_{t-1}), −1 where it crosses below (fast_t < slow_t and fast_{t-1} >= slow_{t-1}), else 0.

    Exact: fast_t > slow_t is tested as slow·Σfast > fast·Σslow on closes scaled to integers (the same test
    as ``predator.strategies.sma_cross``); index i uses closes <= i only."""
    n = close.shape[0]
    out = np.zeros(n, dtype=np.int8)
    if n < slow + 1:
        return out
    x = scaled(close)
    windows = np.lib.stride_tricks.sliding_window_view
    sum_fast = windows(x, fast).sum(axis=1)
    sum_slow = windows(x, slow).sum(axis=1)
    diff = slow * sum_fast[slow - fast:] - fast * sum_slow
    now, prev = diff[1:], diff[:-1]
    out[slow:] = np.where((now > 0) & (prev <= 0), 1, np.where((now < 0) & (prev >= 0), -1, 0))
    return out


def common_return(entry_price: float, exit_price: float, fee: float) -> float:
    """The round trip's return after fees (see the module docstring)."""
    return exit_price * (1 - fee) / (entry_price * (1 + fee)) - 1


@dataclass
class Trade:
    """One completed round trip as an engine reported it. Times are the fill bars' open times (unix s);
    ``ret`` is the engine's own figure converted to the common definition, ``raw_ret`` the figure as the
    engine reports it."""

    symbol: str
    entry_ts: int
    exit_ts: int
    entry_price: float
    exit_price: float
    quantity: float
    ret: float
    raw_ret: float


@dataclass
class LegResult:
    """What one engine produced for one case."""

    engine: str
    trades: list[Trade]
    total_return: float | None = None     # the engine's own account: final equity / principal − 1
    seconds: float | None = None          # wall time of the engine's process
    notes: list[str] | None = None
    excluded: list[Trade] | None = None   # positions the engine closed only because the data ended

    def dump(self, path: Path) -> None:
        data = asdict(self)
        path.write_text(json.dumps(data, indent=1))

    @classmethod
    def load(cls, path: Path) -> LegResult:
        data = json.loads(path.read_text())
        data["trades"] = [Trade(**t) for t in data["trades"]]
        if data.get("excluded") is not None:
            data["excluded"] = [Trade(**t) for t in data["excluded"]]
        return cls(**data)
