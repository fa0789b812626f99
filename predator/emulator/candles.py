"""Stored candles as the emulated venue serves them, read in place from the shared data directory.

Candle files are ``<data>/candles/binance_BASE-QUOTE_<interval>.csv.gz`` (see ``../shared/data/PROVENANCE.md``):
a header ``ts,open,high,low,close,volume`` and one bar per line, ``ts`` the bar's open time in UTC. They are
read lazily, once per series, and never copied. The data are Binance spot candles; the Kraken emulator
serves the same series under Kraken's pair names, both as ``BASE/USDT`` and as ``BASE/USD`` (a stand-in:
no Kraken candles are stored here; docs/emulator.md says so).
"""

from __future__ import annotations

import gzip
import math
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from predator.venues.paper import Bars

_FILE = re.compile(r"^binance_(?P<base>[A-Z0-9]{2,12})-(?P<quote>[A-Z0-9]{2,12})_(?P<interval>[0-9]+[mhdw])\.csv\.gz$")
_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def interval_seconds(interval: str) -> int:
    """``1h`` → 3600."""
    return int(interval[:-1]) * _SECONDS[interval[-1]]


def _iso_to_unix(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


@dataclass(frozen=True)
class Candle:
    """One bar as stored: open time (unix s) and the stored decimal strings."""

    ts: int
    open: str
    high: str
    low: str
    close: str
    volume: str


@dataclass
class Series:
    """One stored series (symbol, interval): bars in time order."""

    symbol: str  # the stored symbol, BASE/QUOTE
    interval: str
    path: Path
    candles: list[Candle]
    ts: list[int]

    def bars(self) -> Bars:
        """The series as the paper engine wants it (exact decimals)."""
        return Bars(
            ts=list(self.ts),
            open=[Decimal(c.open) for c in self.candles],
            high=[Decimal(c.high) for c in self.candles],
            low=[Decimal(c.low) for c in self.candles],
            volume=[Decimal(c.volume) for c in self.candles],
        )


class CandleStore:
    """The candle files of a data directory, loaded on first use."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "candles"
        if not self.root.is_dir():
            raise FileNotFoundError(f"no candle directory at {self.root} (set PREDATOR_DATA)")
        self._files: dict[tuple[str, str], Path] = {}
        for path in sorted(self.root.iterdir()):
            m = _FILE.match(path.name)
            if m:
                self._files[(f"{m['base']}/{m['quote']}", m["interval"])] = path
        self._series: dict[tuple[str, str], Series] = {}
        self._last_close: dict[str, Decimal] = {}
        self._lock = threading.Lock()

    def symbols(self) -> list[str]:
        """Stored symbols that have an hourly series (the paper engine matches on hourly bars)."""
        return sorted({s for s, i in self._files if i == "1h"})

    def intervals(self, symbol: str) -> list[str]:
        return sorted(i for s, i in self._files if s == symbol)

    def has(self, symbol: str, interval: str) -> bool:
        return (symbol, interval) in self._files

    def series(self, symbol: str, interval: str = "1h") -> Series:
        key = (symbol, interval)
        with self._lock:
            found = self._series.get(key)
            if found is not None:
                return found
            path = self._files[key]
            candles: list[Candle] = []
            with gzip.open(path, "rt", encoding="utf-8") as f:
                header = f.readline().strip()
                if header != "ts,open,high,low,close,volume":
                    raise ValueError(f"{path}: unexpected header {header!r}")
                for line in f:
                    ts, o, h, lo, c, v = line.rstrip("\n").split(",")
                    candles.append(Candle(_iso_to_unix(ts), o, h, lo, c, v))
            series = Series(symbol, interval, path, candles, [c.ts for c in candles])
            self._series[key] = series
            return series

    def last_close(self, symbol: str) -> Decimal:
        """The last stored close of the hourly series (sets tick sizes; read without loading the series)."""
        with self._lock:
            found = self._last_close.get(symbol)
            if found is not None:
                return found
            raw = gzip.decompress(self._files[(symbol, "1h")].read_bytes())
            last = raw.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode()
            value = Decimal(last.split(",")[4])
            self._last_close[symbol] = value
            return value


def price_decimals(price: Decimal) -> int:
    """Decimals of a price tick for a market trading near ``price`` (about 5 significant digits)."""
    if price <= 0:
        return 8
    return max(1, min(8, 5 - math.floor(math.log10(float(price)))))
