"""Venue faults of a campaign, applied to the paper venue from outside the trading logic.

:class:`ChaosPaperVenue` is the paper venue whose faults are set from the run's fault windows
(``RunConfig.chaos["venue"]``: ``[first hour, last hour, kind]`` or ``[first hour, last hour, kind, param]``,
hours ISO UTC) as business time passes. Every fault is a function of the hour, of the order (its client order
id and placement time, through seeded generators) and of the venue's state, which a restart restores from the
book (:meth:`ChaosPaperVenue.restore_truth` puts back what the venue knows and the book does not: a ghost fill
the venue never made, a withdrawal), so a restarted worker and a replay see the same faults at the same hours.

Kinds (docs/chaos.md "What is injected, and where"):

* ``network_down``: every call fails (TransientVenueError);
* ``http_5xx``: a burst of 503s: reads fail, a placement is taken and then answered 503 (outcome unknown);
* ``rate_limit_429``: every call is answered 429 Too Many Requests (nothing is taken);
* ``ip_ban_418``: reads answered 418 (transient), a placement refused 418 "address banned": an error the table
  classifies as halt (VenueHaltError: the ``venue_fatal_error`` breaker halts globally with an incident);
* ``dropped_connection``: a placement is taken and the connection drops before the answer (outcome unknown);
* ``timeout_after_accept``: a placement is taken and its response times out (TransientVenueError);
* ``latency``: an order placed in the window arrives 1-20 s later (seeded per order) than the venue's latency;
* ``partial_fill_storm``: an order placed in the window fills at most a seeded 30-40 % of its amount; the rest
  of a market order expires, a limit order's rests until its expiry;
* ``duplicate_fills``: every fill reported twice;
* ``out_of_order``: the hour's fills reported newest first (before the hour's other events);
* ``ghost_fill``: the orders placed in the first hour of the window that places any are never matched; the
  venue reports them FILLED anyway, then forgets them (expired, no trade, balances untouched);
* ``withdrawal``: at the window's first hour, ``param`` of the book's quote currency is withdrawn from the
  venue account by someone else (Predator never withdraws): reported as a transfer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal, localcontext
from typing import Any

from predator import seams
from predator.db.chaos_db import GhostFill
from predator.errors import OutcomeUnknownError, TransientVenueError, VenueHaltError
from predator.runner.config import RunConfig
from predator.runner.market import MarketData
from predator.venues.base import Order, RestingOrder, VenueEvent
from predator.venues.paper import EXACT, Bars, PaperConfig, PaperVenue, _Order

KINDS = ("network_down", "http_5xx", "rate_limit_429", "ip_ban_418", "dropped_connection", "timeout_after_accept",
         "latency", "partial_fill_storm", "duplicate_fills", "out_of_order", "ghost_fill", "withdrawal")
#: Faults whose effect on the venue account outlives the window and that no runbook step corrects in the book
#: (docs/chaos.md, "Faults that end an account's trading").
TERMINAL = ("ghost_fill", "withdrawal")
#: What a call answers while a window of these kinds covers the hour (reads; placements see ``_place_fault``).
_DOWN = {
    "network_down": "venue unreachable (simulated network block)",
    "rate_limit_429": "HTTP 429 Too Many Requests (simulated rate-limit burst)",
    "http_5xx": "HTTP 503 Service Unavailable (simulated 5xx burst)",
    "ip_ban_418": "HTTP 418: the address is banned (simulated)",
}
_PARTIAL = (Decimal("0.30"), Decimal("0.40"))


class ChaosPaperVenue(PaperVenue):
    """The paper venue with faults in hour windows (see the module docstring)."""

    def __init__(self, bars: dict[str, Bars], config: PaperConfig, windows: Sequence[Sequence[str]],
                 quote: str = "USDT") -> None:
        super().__init__(bars, config)
        self.quote = quote
        self.windows: list[tuple[datetime, datetime, str, str]] = []
        for w in windows:
            a, b, kind = w[0], w[1], w[2]
            if kind not in KINDS:
                raise ValueError(f"unknown venue fault {kind!r}: use one of {', '.join(KINDS)}")
            self.windows.append((datetime.fromisoformat(a), datetime.fromisoformat(b), kind,
                                 w[3] if len(w) > 3 else ""))
        self.injected: list[tuple[datetime, str]] = []
        #: Orders the venue will report FILLED without matching them (ghost fills), and whether a ghost fill
        #: was reported already (one ghost burst per window).
        self.ghosted: set[str] = set()
        self.ghosts_reported: set[datetime] = set()
        self.withdrawn: set[str] = set()
        self.down: str | None = None
        self.checkpoint: datetime | None = None

    # --- which faults cover a time ---------------------------------------------------------------------
    def active(self, t: datetime) -> set[str]:
        return {kind for a, b, kind, _ in self.windows if a <= t <= b}

    def _window(self, t: datetime, kind: str) -> tuple[datetime, datetime, str, str] | None:
        return next((w for w in self.windows if w[2] == kind and w[0] <= t <= w[1]), None)

    @staticmethod
    def _hour(t: datetime) -> datetime:
        return t.replace(minute=0, second=0, microsecond=0)

    def _down_for(self, kinds: Iterable[str]) -> str | None:
        return next((_DOWN[k] for k in _DOWN if k in set(kinds)), None)

    def _reachable(self) -> None:
        if self.down is not None:
            raise TransientVenueError(f"{self.name}: {self.down}")
        super()._reachable()

    # --- fills -----------------------------------------------------------------------------------------
    def _fill_cap(self, order: _Order) -> Decimal | None:
        if self._window(self._hour(order.placed_at), "partial_fill_storm") is None:
            return None
        lo, hi = _PARTIAL
        share = lo + (hi - lo) * Decimal(seams.rng(f"chaos.partial|{order.client_order_id}", self.config.seed)
                                         .randint(0, 100)) / 100
        return EXACT.multiply(order.amount, share)

    def _match(self, order: _Order, limit: int) -> None:
        if order.client_order_id in self.ghosted:
            return  # the venue never fills it; it reports a fill anyway (advance_to)
        super()._match(order, limit)

    def _delay(self, order: _Order) -> None:
        if self._window(self._hour(order.placed_at), "latency") is not None:
            extra = seams.rng(f"chaos.latency|{order.client_order_id}", self.config.seed).randint(1000, 20000)
            order.arrives_at += timedelta(milliseconds=extra)

    def _ghost_on_place(self, order: _Order) -> None:
        w = self._window(self._hour(order.placed_at), "ghost_fill")
        if w is not None and w[0] not in self.ghosts_reported:
            self.ghosted.add(order.client_order_id)

    # --- the calls -------------------------------------------------------------------------------------
    def advance_to(self, until: datetime) -> tuple[VenueEvent, ...]:
        kinds = self.active(until)
        self.down = self._down_for(kinds)
        self.faults.duplicate_fills = "duplicate_fills" in kinds
        self._withdraw_due(until)
        ghosts = {c for c in self.ghosted if self.orders[c].status == "open" and self.orders[c].filled == 0}
        self.faults.ghost_fill_for = set(ghosts)
        for kind in sorted(kinds):
            self.injected.append((until, kind))
        try:
            events = super().advance_to(until)
        finally:
            self.down = None
            self.faults.duplicate_fills = False
            self.faults.ghost_fill_for = set()
        for c in sorted(ghosts):
            o = self.orders[c]
            # The venue's truth: the order never traded and is gone (no event: the venue said FILLED).
            o.status, o.closed_at = "expired", max(o.arrives_at, until - timedelta(minutes=30))
            w = self._window(self._hour(o.placed_at), "ghost_fill")
            if w is not None:
                self.ghosts_reported.add(w[0])
            self.ghosted.discard(c)
        if "out_of_order" in kinds:
            fills = [e for e in events if e.kind == "fill"]
            events = tuple(fills[::-1]) + tuple(e for e in events if e.kind != "fill")
        return events

    def _withdraw_due(self, until: datetime) -> None:
        for a, _, kind, param in self.windows:
            ref = f"chaos-withdrawal-{a:%Y%m%dT%H}"
            if kind == "withdrawal" and a <= until and ref not in self.withdrawn:
                self.withdrawn.add(ref)
                self.withdraw(self.quote, Decimal(param or "100"), ref, a)

    def place_order(self, symbol: str, side: str, order_type: str, amount: Decimal, price: Decimal | None,
                    client_order_id: str, at: datetime, expiry: datetime | None = None,
                    reference_price: Decimal | None = None) -> Order:
        hour = self._hour(at)
        kinds = self.active(hour)
        new = client_order_id not in self.orders
        if "ip_ban_418" in kinds:
            raise VenueHaltError(f"{self.name}: HTTP 418: the address is banned for ignoring 429s (simulated)")
        self.down = self._down_for(kinds - {"http_5xx", "ip_ban_418"})
        if "timeout_after_accept" in kinds and new:
            self.faults.timeout_after_accept.add(client_order_id)
        try:
            order = super().place_order(symbol, side, order_type, amount, price, client_order_id, at, expiry,
                                        reference_price)
        finally:
            self.down = None
            self.faults.timeout_after_accept.discard(client_order_id)
        if new:
            o = self.orders[client_order_id]
            self._delay(o)
            self._ghost_on_place(o)
            order = self._unified(o)
            if "http_5xx" in kinds:
                raise OutcomeUnknownError(f"{self.name}: HTTP 503 after the request was sent ({client_order_id})")
            if "dropped_connection" in kinds:
                raise OutcomeUnknownError(f"{self.name}: connection reset by peer after sending {client_order_id}")
        return order

    # --- restart ---------------------------------------------------------------------------------------
    def restore(self, balances: Mapping[str, Decimal], orders: Sequence[RestingOrder],
                checkpoint: datetime | None, matched_until: datetime | None = None) -> None:
        super().restore(balances, orders, checkpoint, matched_until)
        for o in self.orders.values():
            self._delay(o)
        self.checkpoint = checkpoint

    def restore_truth(self, ghosts: Sequence[GhostFill], posted: frozenset[str] = frozenset()) -> None:
        """After :meth:`restore` (balances from the book): put back what the venue knows and the book does not.
        A ghost fill the book recorded (and no operator voided) never moved the venue's balances; a withdrawal
        before the checkpoint did, and is made again unless an operator posted it to the book (``posted``: its
        venue reference; the book's balances hold it then); the open orders placed in a ghost window whose ghost
        is not reported yet are still ghosts."""
        checkpoint = self.checkpoint
        self.withdrawn |= posted
        for g in ghosts:
            if g.voided:
                continue  # voided by an operator: the book's balances do not hold it either
            base, quote = g.symbol.split("/")
            with localcontext(EXACT):  # exactly what the ghost moved in the book (numeric)
                cost = g.quantity * g.price
                sign = 1 if g.side == "buy" else -1
                self.balances[base] = self.balances.get(base, Decimal(0)) - sign * g.quantity
                self.balances[quote] = self.balances.get(quote, Decimal(0)) + sign * cost
                self.balances[g.fee_currency] = self.balances.get(g.fee_currency, Decimal(0)) + g.fee
        for g in ghosts:
            w = self._window(self._hour(g.placed_at), "ghost_fill")
            if w is not None:
                self.ghosts_reported.add(w[0])
        if checkpoint is not None:
            self._withdraw_due(checkpoint)
        for o in self.orders.values():
            if o.status == "open" and o.filled == 0:
                self._ghost_on_place(o)


def chaos_venue(config: RunConfig, market: MarketData) -> PaperVenue:
    """The venue factory of a run with ``chaos`` venue windows (:func:`predator.runner.venues.venue_factory`)."""
    windows: Any = config.chaos.get("venue", [])
    return ChaosPaperVenue(market.venue_bars(), config.venue, list(windows), config.base_currency)
