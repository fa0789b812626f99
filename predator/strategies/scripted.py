"""A scripted strategy for scenarios and tests: it emits exactly the signals of its plan.

``plan`` is a list of ``[decision time ISO, symbol, direction, quantity or null, order_type, limit price or
null]``; at any other time it holds. The last three may be left out (a row of three is a market order of the
sizing's own quantity), and an empty string stands for null (TOML has no null: scenario files,
docs/chaos.md). Each signal claims ``edge_bps`` (50) with ``confidence`` (0.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from predator.strategies.base import Context, Signal, hold_expiry


@dataclass
class Scripted:
    plan: list[list[Any]] = field(default_factory=list)
    expiry_hours: int = 1
    edge_bps: float = 50.0
    confidence: float = 0.5
    name: str = field(default="scripted", init=False)
    warmup_bars: int = field(default=2, init=False)

    def generate_signal(self, context: Context) -> Signal | None:
        for row in self.plan:
            ts, symbol, direction, qty, order_type, limit_price = (list(row) + [None, None, None])[:6]
            qty = None if qty == "" else qty
            limit_price = None if limit_price == "" else limit_price
            if symbol == context.symbol and datetime.fromisoformat(ts) == context.decision_time:
                return Signal(context.decision_time, symbol, direction, self.confidence, self.edge_bps,
                              hold_expiry(context.decision_time, self.expiry_hours),
                              Decimal(str(qty)) if qty is not None else None, order_type or "market",
                              Decimal(str(limit_price)) if limit_price is not None else None)
        return None
