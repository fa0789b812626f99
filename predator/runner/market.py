"""Market data for a run: effective 1h candles read once from the database, revealed hour by hour.

:class:`MarketData` holds every bar a run needs (warm-up included) and hands strategies a
:class:`~predator.strategies.base.History` whose arrays are views of buffers filled only up to the bars
closed by the current decision time — no later value is reachable from a strategy's context. The paper
venue gets the exact values (Decimal) as :class:`~predator.venues.paper.Bars`. A sync-fed run reads each hour's
window through :class:`KnownBars`, which keeps the previous hour's bars and reads only what changed.
"""

from __future__ import annotations

import bisect
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
_FIELDS = ("open", "high", "low", "close", "volume")


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

    def closed_by(self, decision_ts: int) -> int:
        """How many bars closed by ``decision_ts`` (open time <= decision_ts - 1h), revealing nothing."""
        return int(np.searchsorted(self.ts, decision_ts - HOUR, side="right"))

    def reveal_until(self, decision_ts: int) -> int:
        """Reveal every bar closed by ``decision_ts`` (open time <= decision_ts - 1h); returns how many."""
        n = self.closed_by(decision_ts)
        if n > self.revealed:
            for name in ("ts", "open", "high", "low", "close", "volume"):
                self._buf[name][self.revealed : n] = getattr(self, name)[self.revealed : n]
            self.revealed = n
        return n

    @classmethod
    def of(cls, symbol: str, ts: list[int], exact: Mapping[str, list[Decimal]],
           floats: Mapping[str, np.ndarray] | None = None) -> SymbolData:
        """A symbol's bars from their open times and exact values (``open`` ... ``volume``, oldest first);
        ``floats``: the values as float64 arrays when the caller has them already (each ``float()`` of the
        exact value), else converted here."""
        arrays = dict(floats) if floats is not None else {
            name: np.array([float(x) for x in exact[name]], dtype=np.float64) for name in _FIELDS}
        buf = {"ts": np.zeros(len(ts), dtype=np.int64)}
        buf.update({name: np.full(len(ts), np.nan) for name in _FIELDS})
        return cls(symbol, np.array(ts, dtype=np.int64), arrays["open"], arrays["high"], arrays["low"],
                   arrays["close"], arrays["volume"],
                   Bars(ts, exact["open"], exact["high"], exact["low"], exact["volume"]), exact["close"], buf)

    def exact_values(self) -> dict[str, list[Decimal]]:
        """The exact values by field (the lists held, not copies)."""
        return {"open": self.exact.open, "high": self.exact.high, "low": self.exact.low, "close": self.close_exact,
                "volume": self.exact.volume}

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
            data[symbol] = SymbolData.of(symbol, list(cols.ts), {
                "open": list(cols.open), "high": list(cols.high), "low": list(cols.low), "close": list(cols.close),
                "volume": list(cols.volume)})
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


@dataclass(frozen=True)
class _Read:
    """What a :class:`KnownBars` read covered: the feeds, the window [start, end) and each feed's load id."""

    venue: str
    symbols: tuple[str, ...]
    start: datetime
    end: datetime
    known: tuple[tuple[str, int | None], ...]


class KnownBars:
    """A sync-fed run's bars as each hour knows them, read incrementally (``HourStep.refresh``).

    :meth:`load` gives exactly what :meth:`MarketData.load` with ``known`` gives for the same window and load
    ids — the same bars, the same exact values, the same floats — but keeps the previous hour's bars and reads
    only what changed since (``api.candles_known_since``, one round trip for every symbol): the bars of the
    window's new part, and the older bars that loads newer than the previous hour's wrote (a late bar, a late
    revision); those replace or join the bars kept, and the bars before the window's new start are dropped.
    It reads everything again (:meth:`MarketData.load`) whenever the kept bars cannot be built on: the first
    hour, after :meth:`forget`, other feeds, a window that moved back or does not overlap the previous one, a
    feed's load id that went back, or a previous load id that is no longer a load of its feed."""

    def __init__(self) -> None:
        self._market: MarketData | None = None
        self._read: _Read | None = None
        #: Why the last :meth:`load` read everything (None: it read only the changes).
        self.full_reason: str | None = None
        self.full_loads = 0
        self.delta_loads = 0

    def forget(self) -> None:
        """Drop the kept bars: the next :meth:`load` reads everything (a transaction that read them was rolled
        back, so they are not known to be the database's)."""
        self._market, self._read = None, None

    def load(self, conn: psycopg.Connection[Any], venue: str, symbols: list[str], start: datetime, end: datetime,
             known: Mapping[str, int | None]) -> MarketData:
        """The effective 1h bars with open time in [start, end) of each symbol as known at ``known`` (per symbol
        the load id, None: nothing known), as :meth:`MarketData.load` reads them."""
        read = _Read(venue, tuple(symbols), start, end, tuple((s, known.get(s)) for s in symbols))
        reason = self._distrust(read)
        market: MarketData | None = None
        if reason is None:
            assert self._market is not None and self._read is not None
            prev = dict(self._read.known)
            changes = reads.candles_known_since(conn, venue=venue, symbols=symbols, start=start, end=end,
                                                known=known, after=prev, fresh_from=self._read.end)
            if changes.lost:
                reason = f"no longer loads of their feed: {sorted((s, prev[s]) for s in changes.lost)}"
            else:
                cut = int(start.timestamp())
                market = MarketData({s: _merged(self._market.symbols[s], cut, changes.bars.get(s))
                                     for s in symbols})
        if market is None:
            market = MarketData.load(conn, venue, symbols, start, end, known=known)
            self.full_loads += 1
        else:
            self.delta_loads += 1
        self.full_reason = reason
        self._market, self._read = market, read
        return market

    def _distrust(self, read: _Read) -> str | None:
        """Why the kept bars cannot be built on for ``read`` (None: they can)."""
        held = self._read
        if held is None or self._market is None:
            return "no bars kept"
        if (held.venue, held.symbols) != (read.venue, read.symbols):
            return f"other feeds: {held.venue} {list(held.symbols)} -> {read.venue} {list(read.symbols)}"
        if read.start < held.start or read.end < held.end or read.start >= held.end:
            return (f"the window [{read.start.isoformat()}, {read.end.isoformat()}) does not follow "
                    f"[{held.start.isoformat()}, {held.end.isoformat()})")
        back = [(s, k0, k) for (s, k0), (_, k) in zip(held.known, read.known, strict=True)
                if k0 is not None and (k is None or k < k0)]
        if back:
            return f"load ids went back: {back}"
        return None


def _merged(old: SymbolData, cut: int, changed: reads.CandleColumns | None) -> SymbolData:
    """``old``'s bars from open time ``cut`` on, with the ``changed`` bars replacing or joining them (a new
    SymbolData: nothing of ``old`` is changed, its arrays and lists are not shared)."""
    keep = bisect.bisect_left(old.exact.ts, cut)
    exact = old.exact_values()
    old_ts = old.exact.ts
    if changed is None or not changed.ts:
        return SymbolData.of(old.symbol, old_ts[keep:], {name: values[keep:] for name, values in exact.items()},
                             {name: getattr(old, name)[keep:].copy() for name in _FIELDS})
    new = {"open": changed.open, "high": changed.high, "low": changed.low, "close": changed.close,
           "volume": changed.volume}
    if keep == len(old_ts) or changed.ts[0] > old_ts[-1]:
        # Only bars after the kept ones (the usual hour): append them, converting only them.
        return SymbolData.of(
            old.symbol, old_ts[keep:] + list(changed.ts),
            {name: exact[name][keep:] + list(new[name]) for name in _FIELDS},
            {name: np.concatenate((getattr(old, name)[keep:],
                                   np.array([float(x) for x in new[name]], dtype=np.float64)))
             for name in _FIELDS})
    # A late bar or a revision among the kept bars: merge by open time, the changed bar wins.
    rows = {old_ts[i]: tuple(exact[name][i] for name in _FIELDS) for i in range(keep, len(old_ts))}
    rows.update((t, tuple(new[name][i] for name in _FIELDS)) for i, t in enumerate(changed.ts))
    order = sorted(rows)
    return SymbolData.of(old.symbol, order, {name: [rows[t][j] for t in order] for j, name in enumerate(_FIELDS)})
