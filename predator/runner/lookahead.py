"""The look-ahead check behind ``predator check-strategy``.

A strategy decides for decision time T using only bars closed by T. The check runs the strategy over the
full data, then again on data cut at several points c (only bars closed by c exist), and requires

* every vectorised feature (``Strategy.features``) to have the same value at every bar both runs hold
  (NaN equal to NaN, relative tolerance 1e-9): a feature that peeks at later bars (for example one shifted
  backwards) changes at the last bars once the future is gone;
* every decision at a time T <= c to be identical in both runs.

The first difference is reported for each cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from predator.runner.market import MarketData
from predator.runner.simulate import Decision, _full, fresh, simulate, truncate
from predator.strategies.base import Strategy
from predator.venues.paper import PaperConfig

HOUR = timedelta(hours=1)


@dataclass
class LookaheadResult:
    cuts: list[datetime]
    decisions: int
    differences: list[tuple[datetime, Decision | None, Decision | None]]
    feature_differences: list[tuple[datetime, str, str, datetime]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.differences and not self.feature_differences


def cut_points(start: datetime, end: datetime, n: int) -> list[datetime]:
    """n cut times spread over (start, end), on whole hours."""
    span = (end - start) / (n + 1)
    return [(start + span * (i + 1)).replace(minute=0, second=0, microsecond=0) for i in range(n)]


def check(
    market: MarketData,
    strategy_factory: Callable[[], Strategy],
    symbols: list[str],
    start: datetime,
    end: datetime,
    cuts: int = 4,
    principal: Decimal = Decimal(10000),
    venue: PaperConfig | None = None,
) -> LookaheadResult:
    """Compare full-data decisions with decisions on data cut at ``cuts`` points.

    ``strategy_factory`` builds a fresh strategy instance for every run (strategies may keep state)."""
    venue = venue or PaperConfig(latency_jitter_ms=0)
    full = simulate(
        fresh(market), strategy_factory(), symbols, start, end, principal, venue, decide_at_end=True
    ).decisions
    points = cut_points(start, end, cuts)
    differences: list[tuple[datetime, Decision | None, Decision | None]] = []
    feature_differences: list[tuple[datetime, str, str, datetime]] = []
    probe: Any = strategy_factory()  # ``features`` is optional (Strategy docstring): probed with hasattr
    full_features = (
        {s: probe.features(s, _full(d)) for s, d in market.symbols.items()} if hasattr(probe, "features") else {}
    )
    for c in points:
        cut_market = truncate(market, c)
        for s, d in cut_market.symbols.items():
            if s not in full_features:
                continue
            n = len(d.ts)
            for name, values in probe.features(s, _full(d)).items():
                full_values = np.asarray(full_features[s][name][:n], dtype=float)
                cut_values = np.asarray(values[:n], dtype=float)
                same = np.isclose(full_values, cut_values, rtol=1e-9, atol=0.0, equal_nan=True)
                if not same.all():
                    i = int(np.argmin(same))
                    feature_differences.append((c, s, name, datetime.fromtimestamp(int(d.ts[i]), c.tzinfo)))
                    break
        cut = simulate(
            truncate(market, c), strategy_factory(), symbols, start, c, principal, venue, decide_at_end=True
        ).decisions
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
    return LookaheadResult(points, len(full), differences, feature_differences)
