"""Order relay (docs/architecture.md §4, steps 1, 5 and 6): between the database's orders and the venue.

:class:`VenueRelay` is the runner's only door to a venue. It counts calls and transient failures for the
venue-health breakers, turns what the venue reports into governed calls (``api.record_fill``,
``api.record_order_event``, ``api.record_venue_transfer``), sends admitted orders — asking the venue by
client order id first, so a retried or timed-out submission never creates a second order — and carries out
what the database asks of the venue (cancel requests, orders never sent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import psycopg
import structlog

from predator.db import api, reads
from predator.errors import TransientVenueError
from predator.venues.base import OrderRequest, SimulatedVenue, Venue, VenueEvent, VenueTransfer

T = TypeVar("T")


class VenueRelay:
    """Relays between one account's book and its venue (any :class:`~predator.venues.base.Venue`)."""

    def __init__(self, venue: Venue, account: str, log: Any) -> None:
        self.venue = venue
        self.account = account
        self.log: structlog.typing.FilteringBoundLogger = log
        self.calls = 0
        self.errors = 0
        self.connected = True
        self.transfers_seen: set[str] = set()
        self._trades_since: datetime | None = None

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call the venue, counting calls and transient failures for the venue-health breakers."""
        self.calls += 1
        try:
            result = fn(*args, **kwargs)
        except TransientVenueError:
            self.errors += 1
            self.connected = False
            raise
        self.connected = True
        return result

    # --- observing the venue ----------------------------------------------------------------------------
    def observe(self) -> tuple[Mapping[str, Decimal], list[str]] | None:
        """The venue's balances and open client order ids (what ``api.reconcile`` compares), or None when
        the venue cannot be reached."""
        try:
            balances = self.call(self.venue.balance)
            open_orders = [o.client_order_id for o in self.call(self.venue.open_orders)]
        except TransientVenueError as e:
            self.log.warning("venue_unreachable", error=str(e))
            return None
        return balances, open_orders

    def collect(self, conn: psycopg.Connection[Any], t: datetime) -> tuple[list[VenueEvent], list[VenueTransfer]]:
        """What happened at the venue before ``t``: its events (a simulated venue is advanced to ``t``; a
        real one is polled) and its transfers. Empty when the venue cannot be reached."""
        try:
            if isinstance(self.venue, SimulatedVenue):
                events = list(self.call(self.venue.advance_to, t))
            else:
                events = self._poll(conn, t)
            transfers = list(self.call(self.venue.transfers_since, None))
        except TransientVenueError as e:
            self.log.warning("venue_unreachable", hour=t.isoformat(), error=str(e))
            return [], []
        return events, transfers

    def _poll(self, conn: psycopg.Connection[Any], t: datetime) -> list[VenueEvent]:
        """A venue that runs on its own clock: its trades since the last poll become fills (the database
        ignores a trade id it already holds), and book orders the venue has closed without a fill become
        cancels or expiries."""
        events = [
            VenueEvent("fill", tr.client_order_id, tr.ts, tr)
            for tr in self.call(self.venue.trades_since, self._trades_since)
            if tr.ts < t
        ]
        self._trades_since = t
        for o in reads.live_orders(conn, self.account):
            if o.status == "new":
                continue
            found = self.call(self.venue.order_by_client_id, o.client_order_id, symbol=o.symbol)
            if found is not None and found.status in ("canceled", "expired"):
                events.append(VenueEvent(found.status, o.client_order_id, min(t, max(found.timestamp, o.ts))))
        conn.commit()
        return sorted(events, key=lambda e: e.ts)

    # --- governed calls ---------------------------------------------------------------------------------
    def event_call(self, event: VenueEvent) -> api.Call[Any]:
        if event.kind == "fill":
            tr = event.trade
            assert tr is not None
            return api.record_fill_call(
                client_order_id=event.client_order_id,
                venue_trade_id=tr.trade_id,
                quantity=tr.amount,
                price=tr.price,
                fee=tr.fee,
                fee_currency=tr.fee_currency or "",
                liquidity=tr.liquidity,
                ts=event.ts,
            )
        return api.record_order_event_call(
            client_order_id=event.client_order_id, kind=event.kind, ts=event.ts, reason=event.reason
        )

    def transfer_calls(self, transfers: Sequence[VenueTransfer]) -> list[api.Call[Any]]:
        return [
            api.record_venue_transfer_call(self.account, tr.kind, tr.currency, tr.amount, tr.transfer_id, tr.ts)
            for tr in transfers
            if tr.transfer_id not in self.transfers_seen
        ]

    def health_call(self, t: datetime) -> api.Call[Any]:
        call = api.record_venue_health_call(self.account, t, self.calls, self.errors, self.connected)
        self.calls = self.errors = 0
        return call

    # --- sending ----------------------------------------------------------------------------------------
    def place(self, conn: psycopg.Connection[Any], orders: Sequence[OrderRequest]) -> None:
        """Send admitted orders: first ask the venue by client order id (a retried or timed-out submission
        may already be there), place only those it never received, relay acknowledgements and rejects. A
        submission whose outcome is unknown (timeout) stays 'new' and is resolved the same way later."""
        acks: list[api.Call[Any]] = []
        for request in orders:
            coid = request.client_order_id
            try:
                order = self.call(self.venue.order_by_client_id, coid, symbol=request.symbol)
                if order is None:
                    order = self.call(self.venue.place, request)
            except TransientVenueError as e:
                self.log.warning("submission_outcome_unknown", client_order_id=coid, error=str(e))
                continue
            if order.status == "rejected":
                acks.append(
                    api.record_order_event_call(
                        client_order_id=coid,
                        kind="rejected",
                        ts=order.timestamp,
                        venue_order_id=order.venue_order_id,
                        reason=order.reason,
                    )
                )
                self.log.info("order_rejected", client_order_id=coid, reason=order.reason)
            else:
                acks.append(
                    api.record_order_event_call(
                        client_order_id=coid,
                        kind="acknowledged",
                        ts=order.timestamp,
                        venue_order_id=order.venue_order_id,
                    )
                )
        if acks:
            with conn.transaction():
                api.run_many(conn, acks)

    def service_requests(self, conn: psycopg.Connection[Any], t: datetime) -> int:
        """Carry out what the database asks of the venue: cancel every order marked for cancellation (the
        kill switch marks all), and send admitted orders that never reached the venue (kill-switch and
        risk exits, or orders whose submission outcome was unknown). Returns how many were handled."""
        rows = reads.venue_requests(conn, self.account)
        conn.commit()
        if not rows:
            return 0
        cancels: list[api.Call[Any]] = []
        to_send: list[OrderRequest] = []
        for r in rows:
            coid = r.client_order_id
            at = max(t, r.updated_ts)
            if r.cancel_requested:
                try:
                    known_status: str | None = "open"
                    if r.status == "new":
                        known = self.call(self.venue.order_by_client_id, coid, symbol=r.symbol)
                        known_status = known.status if known is not None else None
                    if known_status == "open":
                        done = self.call(self.venue.cancel, coid, at=at, symbol=r.symbol)
                        if done.status == "canceled":
                            cancels.append(
                                api.record_order_event_call(
                                    client_order_id=coid,
                                    kind="canceled",
                                    ts=at,
                                    venue_order_id=done.venue_order_id,
                                    reason="cancel requested",
                                )
                            )
                    elif known_status is None:
                        cancels.append(
                            api.record_order_event_call(
                                client_order_id=coid,
                                kind="canceled",
                                ts=at,
                                reason="canceled before it reached the venue",
                            )
                        )
                except TransientVenueError as e:
                    self.log.warning("cancel_failed", client_order_id=coid, error=str(e))
            else:
                to_send.append(
                    OrderRequest(
                        coid,
                        r.symbol,
                        r.side,
                        r.order_type,
                        r.quantity,
                        r.limit_price,
                        r.ts,
                        r.expiry,
                        r.decision_price,
                    )
                )
        if cancels:
            with conn.transaction():
                api.run_many(conn, cancels)
        if to_send:
            self.place(conn, to_send)
        return len(rows)
