"""Market data for a run: effective 1h candles read once from the database, revealed hour by hour.

:class:`MarketData` holds every bar a run needs (warm-up included) and hands strategies a
:class:`~predator.strategies.base.History` whose arrays are views of buffers filled only up to the bars
closed by the current decision time — no later value is reachable from a strategy's context. The paper
venue gets the exact values (Decimal) as :class:`~predator.venues.paper.Bars`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import psycopg

from predator.db import reads
from predator.strategies.base import History
from predator.venues.paper import Bars

HOUR = 3600


@dataclass
class SymbolData:
    """All bars of one symbol for a run, oldest first (open times in unix seconds)."""

    symbol: str
    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    exact: Bars
    close_exact: list[Decimal]
    # buffers revealed as time advances
    _buf: dict[str, np.ndarray]
    revealed: int = 0

    def reveal_until(self, decision_ts: int) -> int:
        """Reveal every bar closed by ``decision_ts`` (open time <= decision_ts - 1h); returns how many."""
        n = int(np.searchsorted(self.ts, decision_ts - HOUR, side="right"))
        if n > self.revealed:
            for name in ("ts", "open", "high", "low", "close", "volume"):
                self._buf[name][self.revealed : n] = getattr(self, name)[self.revealed : n]
            self.revealed = n
        return n

    def history(self) -> History:
        n = self.revealed
        views = {k: v[:n] for k, v in self._buf.items()}
        for v in views.values():
            v.flags.writeable = False
        return History(**views)


class MarketData:
    """Candles of several symbols for [start - warm-up, end], from the database's effective bars."""

    def __init__(self, symbols: dict[str, SymbolData]) -> None:
        self.symbols = symbols

    @classmethod
    def load(
        cls,
        conn: psycopg.Connection[Any],
        venue: str,
        symbols: list[str],
        start: datetime,
        end: datetime,
        known: Mapping[str, int | None] | None = None,
    ) -> MarketData:
        """Read the effective 1h bars with open time in [start, end) for each symbol (``api.candles``); with
        ``known`` (a run fed by the live sync) the bars as the hour knew them, per symbol the loads up to
        the given load id (``api.candles_known``, see :func:`predator.db.reads.record_hour_knowledge`)."""
        data: dict[str, SymbolData] = {}
        for symbol in symbols:
            cols = reads.candles(
                conn, venue=venue, symbol=symbol, start=start, end=end,
                known_load_id=known.get(symbol) if known is not None else None, known=known is not None,
            )
            ts = np.array(cols.ts, dtype=np.int64)
            exact = {"open": list(cols.open), "high": list(cols.high), "low": list(cols.low),
                     "close": list(cols.close), "volume": list(cols.volume)}
            arrays = {name: np.array([float(x) for x in values], dtype=np.float64) for name, values in exact.items()}
            buf = {"ts": np.zeros(len(ts), dtype=np.int64)}
            buf.update({name: np.full(len(ts), np.nan) for name in exact})
            data[symbol] = SymbolData(
                symbol,
                ts,
                arrays["open"],
                arrays["high"],
                arrays["low"],
                arrays["close"],
                arrays["volume"],
                Bars(list(cols.ts), exact["open"], exact["high"], exact["low"], exact["volume"]),
                exact["close"],
                buf,
            )
        return cls(data)

    def last_open(self, symbol: str) -> int | None:
        """Open time (unix s) of the symbol's latest bar held, None when it has none."""
        d = self.symbols.get(symbol)
        return int(d.ts[-1]) if d is not None and len(d.ts) else None

    def venue_bars(self) -> dict[str, Bars]:
        return {s: d.exact for s, d in self.symbols.items()}

    def digest(self) -> str:
        """sha256 over every bar held (symbol, open time and exact OHLCV), a fingerprint of the run's inputs."""
        h = hashlib.sha256()
        for symbol in sorted(self.symbols):
            d = self.symbols[symbol]
            for i, t in enumerate(d.ts):
                h.update(
                    f"{symbol}|{int(t)}|{d.exact.open[i]}|{d.exact.high[i]}|{d.exact.low[i]}|{d.close_exact[i]}|"
                    f"{d.exact.volume[i]}\n".encode()
                )
        return h.hexdigest()
