"""Venue faults of a campaign, applied to the paper venue from outside the trading logic.

:class:`ChaosPaperVenue` is the paper venue whose fault flags (:class:`predator.venues.paper.Faults`) are set
from the run's fault windows (``RunConfig.chaos["venue"]``: ``[first hour, last hour, kind]``, hours ISO UTC)
as business time passes: every flag is a function of the hour (and of the venue's state, which a restart
restores from the book), so a restarted worker and a replay see the same faults at the same hours.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from predator.runner.config import RunConfig
from predator.runner.market import MarketData
from predator.venues.base import Order, VenueEvent
from predator.venues.paper import Bars, PaperConfig, PaperVenue

KINDS = ("network_down", "timeout_after_accept", "duplicate_fills", "ghost_fill")


class ChaosPaperVenue(PaperVenue):
    """The paper venue with faults in hour windows (see the module docstring)."""

    def __init__(self, bars: dict[str, Bars], config: PaperConfig, windows: list[list[str]]) -> None:
        super().__init__(bars, config)
        self.windows = [(datetime.fromisoformat(a), datetime.fromisoformat(b), kind) for a, b, kind in windows]
        for _, _, kind in self.windows:
            if kind not in KINDS:
                raise ValueError(f"unknown venue fault {kind!r}: use one of {', '.join(KINDS)}")
        self.injected: list[tuple[datetime, str]] = []

    def active(self, t: datetime) -> set[str]:
        return {kind for a, b, kind in self.windows if a <= t <= b}

    def advance_to(self, until: datetime) -> tuple[VenueEvent, ...]:
        kinds = self.active(until)
        self.faults.network_down = "network_down" in kinds
        self.faults.duplicate_fills = "duplicate_fills" in kinds
        if "ghost_fill" in kinds:
            # Every open order not filled at all is reported FILLED although the venue never filled it.
            self.faults.ghost_fill_for = {c for c, o in self.orders.items() if o.status == "open" and o.filled == 0}
        for kind in sorted(kinds):
            self.injected.append((until, kind))
        try:
            return super().advance_to(until)
        finally:
            self.faults.network_down = False
            self.faults.duplicate_fills = False
            self.faults.ghost_fill_for = set()

    def place_order(self, symbol: str, side: str, order_type: str, amount: Decimal, price: Decimal | None,
                    client_order_id: str, at: datetime, expiry: datetime | None = None,
                    reference_price: Decimal | None = None) -> Order:
        hour = at.replace(minute=0, second=0, microsecond=0)
        kinds = self.active(hour)
        self.faults.network_down = "network_down" in kinds
        if "timeout_after_accept" in kinds and client_order_id not in self.orders:
            self.faults.timeout_after_accept.add(client_order_id)
        try:
            return super().place_order(symbol, side, order_type, amount, price, client_order_id, at, expiry,
                                       reference_price)
        finally:
            self.faults.network_down = False
            self.faults.timeout_after_accept.discard(client_order_id)


def chaos_venue(config: RunConfig, market: MarketData) -> PaperVenue:
    """The venue factory of a run with ``chaos`` venue windows (:func:`predator.runner.venues.venue_factory`)."""
    windows: Any = config.chaos.get("venue", [])
    return ChaosPaperVenue(market.venue_bars(), config.venue, list(windows))
