"""The look-ahead check behind ``predator check-strategy``.

A strategy decides for decision time T using only bars closed by T. The check runs the strategy over the
full data, then again on data cut at several points c (only bars closed by c exist), and requires every
decision at a time T <= c to be identical in both runs. A strategy whose features peek at
later bars (for example a vectorised feature shifted backwards) decides differently once the future is
gone, and is caught at the first decision that differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from predator.runner.market import MarketData
from predator.runner.simulate import Decision, fresh, simulate, truncate
from predator.strategies.base import Strategy
from predator.venues.paper import PaperConfig

HOUR = timedelta(hours=1)


@dataclass
class LookaheadResult:
    cuts: list[datetime]
    decisions: int
    differences: list[tuple[datetime, Decision | None, Decision | None]]

    @property
    def passed(self) -> bool:
        return not self.differences


def cut_points(start: datetime, end: datetime, n: int) -> list[datetime]:
    """n cut times spread over (start, end), on whole hours."""
    span = (end - start) / (n + 1)
    return [(start + span * (i + 1)).replace(minute=0, second=0, microsecond=0) for i in range(n)]


def check(market: MarketData, strategy_factory, symbols: list[str], start: datetime, end: datetime,  # type: ignore[no-untyped-def]
          cuts: int = 4, principal: Decimal = Decimal(10000), venue: PaperConfig | None = None) -> LookaheadResult:
    """Compare full-data decisions with decisions on data cut at ``cuts`` points.

    ``strategy_factory`` builds a fresh strategy instance for every run (strategies may keep state)."""
    venue = venue or PaperConfig(latency_jitter_ms=0)
    full = simulate(fresh(market), strategy_factory(), symbols, start, end, principal, venue, decide_at_end=True).decisions
    points = cut_points(start, end, cuts)
    differences: list[tuple[datetime, Decision | None, Decision | None]] = []
    for c in points:
        cut = simulate(truncate(market, c), strategy_factory(), symbols, start, c, principal, venue, decide_at_end=True).decisions
        expected = [d for d in full if d.ts <= c]
        got = [d for d in cut if d.ts <= c]
        for a, b in zip(expected, got, strict=False):
            if a != b:
                differences.append((c, a, b))
                break
        else:
            if len(expected) != len(got):
                i = min(len(expected), len(got))
                differences.append((c, expected[i] if i < len(expected) else None, got[i] if i < len(got) else None))
    return LookaheadResult(points, len(full), differences)
