"""The same strategy and paper venue in plain in-memory Python, without a database.

Two uses: the floor of what a strategy and the fill model cost by themselves (``bench/pipeline.py``
compares it with the governed pipeline), and the look-ahead check (``predator check-strategy``), which
compares the decisions a strategy makes on the full data with those it makes on data cut at several
points. Accounting here is deliberately minimal (cash and positions from the venue's balances, no caps);
the authority for real runs is the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from predator.runner.market import MarketData, SymbolData
from predator.strategies.base import Context, History, InstrumentRules, Strategy
from predator.venues.paper import Bars, PaperConfig, PaperVenue

HOUR = timedelta(hours=1)


@dataclass
class Simulation:
    """Decisions taken, and equity at every decision time (quote currency, marks at the last close)."""

    decisions: list[Decision]
    equity: list[tuple[datetime, Decimal]]

    @property
    def final_equity(self) -> Decimal:
        return self.equity[-1][1] if self.equity else Decimal(0)

    @property
    def max_drawdown(self) -> float:
        peak, worst = Decimal(0), 0.0
        for _, e in self.equity:
            peak = max(peak, e)
            if peak > 0:
                worst = max(worst, float(1 - e / peak))
        return worst


@dataclass(frozen=True)
class Decision:
    """What a strategy decided for one symbol at one decision time."""

    ts: datetime
    symbol: str
    direction: str
    quantity: Decimal | None


def simulate(market: MarketData, strategy: Strategy, symbols: list[str], start: datetime, end: datetime,
             principal: Decimal, venue: PaperConfig, quote: str = "USDT",
             rules: dict[str, InstrumentRules] | None = None, limits: dict[str, float | None] | None = None,
             params: dict[str, Any] | None = None, decide_at_end: bool = False) -> Simulation:
    """Run the hour loop in memory over [start, end]: every non-hold decision in order, and the equity curve.
    Like the hour runner, no decision is taken at ``end`` unless ``decide_at_end``."""
    paper = PaperVenue(market.venue_bars(), venue, {quote: principal})
    fee_rate = float(venue.fees()[1]) / 10000
    features = {s: strategy.features(s, _full(d)) if hasattr(strategy, "features") else {}
                for s, d in market.symbols.items()}
    decisions: list[Decision] = []
    curve: list[tuple[datetime, Decimal]] = []
    t = start
    while t <= end:
        paper.advance(t)
        ts = int(t.timestamp())
        cash = paper.balances.get(quote, Decimal(0))
        open_symbols = {o["symbol"] for o in paper.fetch_open_orders()}
        marks: dict[str, Decimal] = {}
        revealed: dict[str, int] = {}
        for s in symbols:
            d = market.symbols.get(s)
            if d is None:
                continue
            n = d.reveal_until(ts)
            revealed[s] = n
            if n:
                marks[s] = d.close_exact[n - 1]
        equity = cash + sum(paper.balances.get(s.split("/")[0], Decimal(0)) * m for s, m in marks.items())
        curve.append((t, equity))
        if t < end or decide_at_end:
            for s in symbols:
                d = market.symbols.get(s)
                n = revealed.get(s, 0)
                if d is None or n == 0 or s in open_symbols:
                    continue
                ctx = Context(decision_time=t, symbol=s, history=d.history(),
                              position=paper.balances.get(s.split("/")[0], Decimal(0)),
                              cash=cash, equity=equity, fee_rate=fee_rate,
                              rules=(rules or {}).get(s, InstrumentRules()), last_close=d.close_exact[n - 1],
                              features={k: v[:n] for k, v in features[s].items()}, params=params or {},
                              limits=limits or {})
                sig = strategy.generate_signal(ctx)
                if sig is None or sig.direction == "hold":
                    continue
                decisions.append(Decision(t, s, sig.direction, sig.quantity))
                side = "buy" if sig.direction == "buy" else "sell"
                qty = sig.quantity if sig.direction != "exit" else ctx.position
                if qty and qty > 0:
                    paper.place_order(s, side, sig.order_type, qty, sig.limit_price, f"SIM{ts}{s}", t,
                                      expiry=sig.expiry, reference_price=d.close_exact[n - 1])
        t += HOUR
    return Simulation(decisions, curve)


def _full(d: SymbolData) -> History:
    return History(d.ts, d.open, d.high, d.low, d.close, d.volume)


def truncate(market: MarketData, cut: datetime) -> MarketData:
    """A copy of the market data holding only bars that opened before ``cut``."""
    limit = int(cut.timestamp())
    out: dict[str, SymbolData] = {}
    for s, d in market.symbols.items():
        n = int(np.searchsorted(d.ts, limit, side="left"))
        exact = Bars(d.exact.ts[:n], d.exact.open[:n], d.exact.high[:n], d.exact.low[:n], d.exact.volume[:n])
        buf = {"ts": np.zeros(n, dtype=np.int64)}
        buf.update({k: np.full(n, np.nan) for k in ("open", "high", "low", "close", "volume")})
        out[s] = SymbolData(s, d.ts[:n].copy(), d.open[:n].copy(), d.high[:n].copy(), d.low[:n].copy(),
                            d.close[:n].copy(), d.volume[:n].copy(), exact, d.close_exact[:n], buf)
    return MarketData(out)


def fresh(market: MarketData) -> MarketData:
    """A copy whose revealed buffers start empty (for a second simulation over the same data)."""
    return truncate(market, datetime(9999, 1, 1, tzinfo=UTC))
