"""Order relay (docs/architecture.md §4, steps 1, 5 and 6): between the database's orders and the venue.

:class:`VenueRelay` is the runner's only door to a venue. It counts calls and transient failures for the
venue-health breakers, turns what the venue reports into governed calls (``api.record_fill``,
``api.record_order_event``, ``api.record_venue_transfer``), sends admitted orders — asking the venue by
client order id first, so a retried or timed-out submission never creates a second order — and carries out
what the database asks of the venue (cancel requests, orders never sent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import psycopg
import structlog

from predator import seams
from predator.db import api, reads
from predator.errors import (
    IllegalTransition,
    OutcomeUnknownError,
    TransientVenueError,
    VenueHaltError,
    VenueRefusedError,
)
from predator.venues.base import OrderRequest, SimulatedVenue, Venue, VenueEvent, VenueOrder, VenueTransfer

T = TypeVar("T")

#: How far back each trade poll of a venue on its own clock reaches before the previous poll (docs/live.md, "Trades
#: listed late"): a venue may list a trade after the poll that covered its time (a lagging trade history, eventual
#: consistency, a page missed during an outage). Every poll asks again from the earliest of the previous poll's
#: time minus this and the admission time (``ts``) of the oldest order the book holds as not final; trades the
#: book already holds are left out (``reads.recorded_trade_ids``; ``api.record_fill`` is idempotent on the venue
#: trade id anyway).
TRADE_POLL_LOOKBACK = timedelta(hours=6)


@dataclass(frozen=True)
class _Unknown:
    """A submission whose outcome is unknown: its symbol, the business time it was sent at (trades are
    searched from there) and when it failed (monotonic seconds)."""

    symbol: str
    since: datetime
    failed_at: float


@dataclass(frozen=True)
class VenueHealth:
    """What the relay saw of the venue since its last report (``api.record_venue_health``): venue calls made,
    transient failures, whether the venue was reachable at the last call, and the detail (``fatal_errors`` and
    ``fatal``: errors classified as halt; ``collect_failed``: the hour's events could not be collected)."""

    calls: int
    errors: int
    connected: bool
    detail: dict[str, Any]


def _reason(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class VenueRelay:
    """Relays between one account's book and its venue (any :class:`~predator.venues.base.Venue`)."""

    def __init__(self, venue: Venue, account: str, log: Any, *, unknown_grace_s: float = 30.0,
                 clock: Callable[[], float] = seams.monotonic) -> None:
        self.venue = venue
        self.account = account
        self.log: structlog.typing.FilteringBoundLogger = log
        self.calls = 0
        self.errors = 0
        self.connected = True
        #: The hour's events could not be collected (the venue unreachable): reported with the hour's health
        #: (``detail.collect_failed``), so that a restarted simulated venue knows which bars it never matched.
        self.collect_failed = False
        self.transfers_seen: set[str] = set()
        #: The time of the previous trade poll (None: not polled yet; the first poll asks for every trade).
        self._trades_since: datetime | None = None
        #: Trades naming no client order id already logged (the overlapping polls list them again).
        self._foreign_seen: set[str] = set()
        #: Submissions whose outcome is unknown, by client order id (their symbols are blocked).
        self.unknown: dict[str, _Unknown] = {}
        #: Seconds after an unknown outcome before an order the venue does not know is given up as never
        #: received (the venue may list an accepted order late); ``clock``: monotonic seconds.
        self.unknown_grace_s = unknown_grace_s
        self.clock = clock
        #: Errors classified as halt since the last health report; the first one stops all sending.
        self.fatal: list[str] = []
        self.halted: str | None = None

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

    def observe_as_of(
        self, conn: psycopg.Connection[Any], t: datetime, events: Sequence[VenueEvent] = ()
    ) -> tuple[Mapping[str, Decimal], list[str]] | None:
        """The venue's balances (per currency, totals) and open client order ids as they were at ``t`` (UTC, the
        business time the book is reconciled at), or None when the venue cannot be reached: what
        ``api.reconcile`` at ``t`` compares with the book as of ``t`` (docs/live.md, "Reconciling like with like").

        A simulated venue (paper, replay, backtest) stands at ``t`` already: this is :meth:`observe`, unchanged
        (the same venue calls, the same rows and hashes). A venue on its own clock has gone on trading since
        ``t``: its balances and open orders are observed now, then the account's own trades (those naming a
        client order id) executed at or after ``t`` and no later than the observation (the local wall clock
        right after it) are fetched and taken back out of what was observed:

        * balances: a buy gives back its amount (base units) and takes back its cost (amount × price, quote
          units); a sell the reverse; the fee goes back to the currency it was charged in (base, quote or a
          third currency such as BNB);
        * open orders: a book order that was open at ``t`` and that such a trade filled completely (or that
          ended after a fill since ``t``) is no longer listed open by the venue: it is added back.

        These trades are not recorded here: the hour ``t`` counts no fill at or after ``t``; the next hour's poll
        (:meth:`_poll`, which overlaps) relays them. Trades the book already holds are not taken out.

        ``events``: the hour's venue events collected before ``t`` and recorded with the reconciliation, in the
        same transaction (:meth:`collect`); an order they acknowledge counts as open at ``t`` although the book
        read here still holds it as ``new``, and an order they cancel or expire does not. The book is read first
        (in the caller's transaction if one is open; otherwise the read is committed before the venue is asked,
        as in :meth:`_poll`)."""
        if isinstance(self.venue, SimulatedVenue):
            return self.observe()
        idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        book = {o.client_order_id: o for o in reads.live_orders(conn, self.account)}
        recorded = reads.recorded_trade_ids(conn, self.account, t)
        if idle:
            conn.commit()  # the read only: a venue that cannot be reached must not leave it open
        observed = self.observe()
        if observed is None:
            return None
        observed_at = seams.wall_now()
        try:
            # A second early: a venue whose history starts after (not at) the time asked (Kraken's ``start`` is
            # exclusive) still lists a trade made at T itself; the filter below keeps those at or after T.
            since = self.call(self.venue.trades_since, t - timedelta(seconds=1))
        except TransientVenueError as exc:
            self.log.warning("venue_unreachable", hour=t.isoformat(), error=str(exc))
            return None
        trades = list({(str(tr.symbol), tr.trade_id): tr for tr in since  # each trade once, by its id
                       if tr.client_order_id not in ("", "None") and t <= tr.ts <= observed_at
                       and (str(tr.symbol), tr.trade_id) not in recorded}.values())
        if not trades:
            return observed
        balances: dict[str, Decimal] = dict(observed[0])
        open_orders = list(observed[1])
        opened = {o for o, b in book.items() if b.status in ("open", "partially_filled")}
        opened |= {ev.client_order_id for ev in events if ev.kind in ("acknowledged", "fill")}
        opened -= {ev.client_order_id for ev in events if ev.kind in ("canceled", "expired")}
        reversed_: list[str] = []
        for tr in trades:
            order = book.get(tr.client_order_id)
            side = tr.side or (order.side if order is not None else None)
            symbol = tr.symbol or (order.symbol if order is not None else None)
            if side not in ("buy", "sell") or symbol is None or "/" not in symbol:
                self.log.warning("trade_not_reversible", hour=t.isoformat(), trade_id=tr.trade_id,
                                 client_order_id=tr.client_order_id, symbol=symbol, side=side)
                continue
            base, quote = symbol.split("/", 1)
            quote = quote.split(":", 1)[0]
            cost = tr.amount * tr.price
            sign = Decimal(1) if side == "buy" else Decimal(-1)
            balances[base] = balances.get(base, Decimal(0)) - sign * tr.amount
            balances[quote] = balances.get(quote, Decimal(0)) + sign * cost
            if tr.fee and tr.fee_currency:
                balances[tr.fee_currency] = balances.get(tr.fee_currency, Decimal(0)) + tr.fee
            reversed_.append(tr.client_order_id)
        restored = sorted({c for c in reversed_ if c in opened} - set(open_orders))
        open_orders.extend(restored)
        self.log.info("reconciled_as_of", hour=t.isoformat(), trades_reversed=len(reversed_),
                      orders_restored=restored, observed_at=observed_at.isoformat())
        return balances, open_orders

    def collect(self, conn: psycopg.Connection[Any], t: datetime) -> tuple[list[VenueEvent], list[VenueTransfer]]:
        """What happened at the venue before ``t``: its events (a simulated venue is advanced to ``t``; a
        real one is polled) and its transfers. Empty when the venue cannot be reached."""
        try:
            if isinstance(self.venue, SimulatedVenue):
                events = self._acknowledged_first(conn, list(self.call(self.venue.advance_to, t)))
            else:
                events = self._poll(conn, t)
            transfers = list(self.call(self.venue.transfers_since, None))
        except TransientVenueError as e:
            self.log.warning("venue_unreachable", hour=t.isoformat(), error=str(e))
            self.collect_failed = True
            return [], []
        return events, transfers

    def _acknowledged_first(self, conn: psycopg.Connection[Any], events: list[VenueEvent]) -> list[VenueEvent]:
        """A simulated venue reports fills, never acknowledgements (its placement answers them). A fill of an
        order the book still holds as ``new`` means the venue took it and the answer was lost (a dropped
        connection, or a worker killed after sending and restarted with a venue that took the order again): as
        in :meth:`_poll`, the fill resolves the order, acknowledged first, just before its first fill. Without
        this the order state machine refused the fill (PD005, order-state confusion, a halt) and the book lost
        it: chaos campaign 4, seed 289362849, a dropped connection and a SIGKILL after the acknowledgement in the
        same hour (docs/chaos.md)."""
        fills = {e.client_order_id for e in events if e.kind == "fill"}
        if not fills:
            return events
        idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        new = {o.client_order_id: o for o in reads.live_orders(conn, self.account)
               if o.status == "new" and o.client_order_id in fills}
        if idle:
            conn.commit()  # the read only: what follows opens its own transaction, as before
        out: list[VenueEvent] = []
        for e in events:
            known = new.pop(e.client_order_id, None) if e.kind == "fill" else None
            if known is not None:
                out.append(VenueEvent("acknowledged", e.client_order_id, max(e.ts, known.ts), e.trade))
                if self.unknown.pop(e.client_order_id, None) is not None:
                    self.log.info("submission_outcome_resolved", client_order_id=e.client_order_id,
                                  found=e.trade.venue_order_id if e.trade is not None else None, by="fill")
            out.append(e)
        return out

    def _poll(self, conn: psycopg.Connection[Any], t: datetime) -> list[VenueEvent]:
        """A venue that runs on its own clock: its trades since the last poll become fills (the database
        ignores a trade id it already holds), and book orders the venue has closed without a fill become
        cancels or expiries. A trade of an order the book still holds as ``new`` (its submission's outcome
        was unknown) resolves it: the order is acknowledged first. A trade that names no client order id is
        not Predator's: it is logged and left to reconciliation.

        A cancel or expiry comes after the order's fills: it is dated no earlier than the order's last event in
        the book and its fills in this poll (the events are sorted stably, so a fill at the same instant stays
        first), and it waits for the next poll while the venue reports more filled than the book and this
        poll's trades hold (a partially filled order canceled or expired with a trade still to come).

        The polls overlap (:meth:`poll_since`, :data:`TRADE_POLL_LOOKBACK`): a trade the venue lists after the poll
        that covered its time is relayed by a later one. Trades the book already holds are left out, so the
        overlap records nothing twice and counts nothing twice. Only a venue on its own clock is polled: a
        simulated venue (paper, replay, backtest) reports its fills from :meth:`collect`'s ``advance_to``."""
        idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        book_orders = reads.live_orders(conn, self.account)
        live = {o.client_order_id: o for o in book_orders}
        since = self.poll_since(book_orders)
        recorded = reads.recorded_trade_ids(conn, self.account, since)
        if idle:
            # The read only, ended before the venue is asked: a venue that cannot be reached must not leave it open,
            # or the hour's transaction became a savepoint of it, uncommitted until something later committed
            # (seed 000 T4: the connectivity breaker's halt was not visible to anyone else).
            conn.commit()
        trades = [tr for tr in self.call(self.venue.trades_since, since)
                  if tr.ts < t and (str(tr.symbol), tr.trade_id) not in recorded]
        self._trades_since = t
        events: list[VenueEvent] = []
        polled: dict[str, tuple[datetime, Decimal]] = {}  # per order: its last trade and amount in this poll
        for tr in trades:
            if tr.client_order_id in ("", "None"):
                if tr.trade_id not in self._foreign_seen:  # the overlap lists it again: logged once
                    self._foreign_seen.add(tr.trade_id)
                    self.log.warning("foreign_trade_ignored", trade_id=tr.trade_id, venue_order_id=tr.venue_order_id)
                continue
            known = live.get(tr.client_order_id)
            if known is not None and known.status == "new":
                events.append(VenueEvent("acknowledged", tr.client_order_id, max(tr.ts, known.ts), tr))
                live[tr.client_order_id] = replace(known, status="open")
                if self.unknown.pop(tr.client_order_id, None) is not None:
                    self.log.info("submission_outcome_resolved", client_order_id=tr.client_order_id,
                                  found=tr.venue_order_id, by="trade")
            events.append(VenueEvent("fill", tr.client_order_id, tr.ts, tr))
            last, amount = polled.get(tr.client_order_id, (tr.ts, Decimal(0)))
            polled[tr.client_order_id] = (max(last, tr.ts), amount + tr.amount)
        for o in live.values():
            if o.status == "new":
                continue
            found = self.call(self.venue.order_by_client_id, o.client_order_id, symbol=o.symbol)
            if found is not None and found.status in ("canceled", "expired"):
                last, amount = polled.get(o.client_order_id, (o.updated_ts, Decimal(0)))
                if found.filled > o.filled_qty + amount:
                    self.log.info("terminal_order_awaits_trades", client_order_id=o.client_order_id,
                                  status=found.status, venue_filled=str(found.filled))
                    continue
                ts = min(t, max(found.timestamp, o.ts, o.updated_ts, last))
                events.append(VenueEvent(found.status, o.client_order_id, ts))
        conn.commit()
        return sorted(events, key=lambda e: e.ts)

    def poll_since(self, live: Sequence[reads.BookOrder]) -> datetime | None:
        """Where the next trade poll starts (UTC): None (every trade the venue lists) for the first poll of this
        relay; otherwise the earliest of the previous poll's time minus :data:`TRADE_POLL_LOOKBACK` and the
        admission time of the oldest order in ``live`` (the book's orders not final), so that a trade listed
        late is asked for again while its order is live, and for at least :data:`TRADE_POLL_LOOKBACK`."""
        if self._trades_since is None:
            return None
        return min([self._trades_since - TRADE_POLL_LOOKBACK, *(o.ts for o in live)])

    # --- governed calls ---------------------------------------------------------------------------------
    def event_call(self, event: VenueEvent) -> api.Call[Any]:
        if event.kind == "acknowledged":
            return api.record_order_event_call(
                client_order_id=event.client_order_id, kind="acknowledged", ts=event.ts,
                venue_order_id=event.trade.venue_order_id if event.trade is not None else None,
            )
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

    def relay_one_by_one(self, conn: psycopg.Connection[Any], events: Sequence[VenueEvent]) -> list[str]:
        """Order-state confusion (issue 13 item 8): relay ``events`` one at a time, each in its own savepoint
        of the caller's transaction; an event the order state machine refuses (PD005
        :class:`~predator.errors.IllegalTransition`) is not recorded but reported through
        ``api.record_order_confusion``, which opens an incident and halts the account, and the worker goes on.
        Returns the incidents opened (one per refused event)."""
        incidents: list[str] = []
        for event in events:
            try:
                with conn.transaction():
                    api.run(conn, self.event_call(event))
            except IllegalTransition as exc:
                with conn.transaction():
                    incident = api.record_order_confusion(
                        conn, client_order_id=event.client_order_id, kind=event.kind, ts=event.ts,
                        detail=str(exc))
                incidents.append(incident)
                self.log.error("order_state_confusion", client_order_id=event.client_order_id, kind=event.kind,
                               ts=event.ts.isoformat(), incident=incident, error=str(exc))
        return incidents

    def transfer_calls(self, transfers: Sequence[VenueTransfer]) -> list[api.Call[Any]]:
        return [
            api.record_venue_transfer_call(self.account, tr.kind, tr.currency, tr.amount, tr.transfer_id, tr.ts)
            for tr in transfers
            if tr.transfer_id not in self.transfers_seen
        ]

    def health_report(self) -> VenueHealth:
        """The venue's health since the last report (calls, transient failures, reachable), any error
        classified as halt (``fatal_errors``: the database halts on it), and ``collect_failed`` when the hour's
        venue events could not be collected (:meth:`collect`); the counts start again from zero."""
        detail: dict[str, Any] = {"fatal_errors": len(self.fatal), "fatal": list(self.fatal)} if self.fatal else {}
        if self.collect_failed:
            detail["collect_failed"] = True  # the hour's events were not collected (reads.last_collected_hour)
        report = VenueHealth(self.calls, self.errors, self.connected, detail)
        self.calls = self.errors = 0
        self.fatal = []
        self.collect_failed = False
        return report

    def health_call(self, t: datetime) -> api.Call[Any]:
        """:meth:`health_report` as the hour's ``api.record_venue_health`` call."""
        r = self.health_report()
        return api.record_venue_health_call(self.account, t, r.calls, r.errors, r.connected, r.detail or None)

    # --- sending ----------------------------------------------------------------------------------------
    def presume_unknown(self, conn: psycopg.Connection[Any]) -> int:
        """On start, with a venue on its own clock: every order the book holds as ``new`` (admitted, never
        acknowledged) may have been sent before the worker stopped, its answer lost with it. Each is treated
        as an unknown outcome from now: looked up by client order id, then by trades, and given up as never
        received only after ``unknown_grace_s`` (the venue may list an accepted order late), exactly as a
        submission that timed out in this process. Nothing is resent blind across a restart. Returns how
        many orders were presumed unknown (none for a simulated venue, which the book restores)."""
        if isinstance(self.venue, SimulatedVenue):
            return 0
        now = self.clock()
        pending = [o for o in reads.live_orders(conn, self.account) if o.status == "new"]
        conn.commit()
        for o in pending:
            self.unknown.setdefault(o.client_order_id, _Unknown(o.symbol, o.ts, now))
        if pending:
            self.log.warning("restart_outcomes_unknown", orders=[o.client_order_id for o in pending],
                             grace_s=self.unknown_grace_s)
        return len(pending)

    def blocked_symbols(self) -> set[str]:
        """Symbols with a submission whose outcome is unknown: nothing new is sent for them until it is
        resolved."""
        return {u.symbol for u in self.unknown.values()}

    def _resolve(self, request: OrderRequest) -> tuple[bool, VenueOrder | None]:
        """Ask the venue about an order before sending it: (may send, the order the venue holds). An order
        whose submission outcome is unknown is looked up by client order id, then by trades; it is given up
        as never received (and may be sent) only once ``unknown_grace_s`` have passed since the failure."""
        coid = request.client_order_id
        order = self.call(self.venue.order_by_client_id, coid, symbol=request.symbol)
        pending = self.unknown.get(coid)
        if order is None and pending is not None:
            resolver = getattr(self.venue, "resolve_by_trades", None)
            if resolver is not None:
                order = self.call(resolver, coid, request.symbol, pending.since)
            if order is None and self.clock() - pending.failed_at < self.unknown_grace_s:
                return False, None
        if pending is not None:
            del self.unknown[coid]
            self.log.info("submission_outcome_resolved", client_order_id=coid,
                          found=None if order is None else order.venue_order_id)
        return order is None, order

    def place(self, conn: psycopg.Connection[Any], orders: Sequence[OrderRequest],
              held: Mapping[str, Sequence[str]] | None = None) -> None:
        """Send admitted orders. Each is first asked of the venue by client order id (a retried or timed-out
        submission may already be there) and sent only when the venue never received it.

        ``held``: orders a halt covers, by client order id, with the halts' reason codes
        (``api.venue_requests(account).held_by``). Such an order is never sent; it stays ``new``
        (``order_held_back_halt``).
        One whose submission outcome is unknown is still resolved with the venue (it may already be there: then it
        is acknowledged like any other; given up as never received after ``unknown_grace_s``, it is simply held).

        Outcome unknown (a timeout, 5xx or dropped connection after sending:
        :class:`~predator.errors.OutcomeUnknownError`): the order stays ``new``, is never sent again blind,
        and nothing new is sent for its symbol until it is resolved — by client order id, then by trades,
        or as never received after ``unknown_grace_s``. A refusal by the venue is relayed as ``rejected``; an
        error the table classifies as halt is reported to the database at once (the ``venue_fatal_error``
        breaker halts) and nothing more is sent by this relay; the order it named is relayed as ``rejected``
        when the venue refused the request before processing it (HTTP 418, a refused key: a known outcome,
        so no later start sends it again into the same ban), and is kept as outcome-unknown otherwise.
        Acknowledgements and rejects are relayed."""
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
            conn.commit()  # what goes out was committed first: a batch of quiet hours (HourRunner.batching) ends here
        acks: list[api.Call[Any]] = []
        # Orders whose outcome is unknown are resolved first: they may unblock their symbol.
        ordered = sorted(orders, key=lambda r: r.client_order_id not in self.unknown)
        for request in ordered:
            coid = request.client_order_id
            if self.halted is not None:
                self.log.warning("order_held_back_venue_halt", client_order_id=coid, reason=self.halted)
                continue
            blocking = {c for c, u in self.unknown.items() if u.symbol == request.symbol and c != coid}
            if blocking:
                self.log.warning("order_held_back_outcome_unknown", client_order_id=coid, symbol=request.symbol,
                                 unresolved=sorted(blocking))
                continue
            halts = list((held or {}).get(coid, ()))
            if halts and coid not in self.unknown:
                self.log.warning("order_held_back_halt", client_order_id=coid, halts=halts)
                continue
            placing = False  # a halt error from the placement itself (not the lookup) answers for the order
            try:
                send, order = self._resolve(request)
                if send and halts:  # not at the venue, and a halt covers it: not sent
                    self.log.warning("order_held_back_halt", client_order_id=coid, halts=halts)
                    continue
                if send:
                    placing = True
                    order = self.call(self.venue.place, request)
                elif order is None:
                    self.log.info("submission_outcome_still_unknown", client_order_id=coid)
                    continue
            except OutcomeUnknownError as e:
                self.unknown[coid] = _Unknown(request.symbol, request.at, self.clock())
                self.log.warning("submission_outcome_unknown", client_order_id=coid, symbol=request.symbol,
                                 error=str(e))
                continue
            except TransientVenueError as e:
                self.log.warning("submission_not_sent", client_order_id=coid, error=str(e))
                continue
            except VenueHaltError as e:
                self._halt(conn, request.at, str(e))
                if placing and e.outcome_unknown:  # the venue may hold it: resolved by client order id
                    self.unknown[coid] = _Unknown(request.symbol, request.at, self.clock())
                elif placing:  # refused before processing (418, a refused key): never placed, a known outcome
                    acks.append(api.record_order_event_call(client_order_id=coid, kind="rejected", ts=request.at,
                                                            reason=_reason(str(e))))
                    self.log.info("order_rejected", client_order_id=coid, reason=str(e))
                continue
            except VenueRefusedError as e:
                acks.append(api.record_order_event_call(client_order_id=coid, kind="rejected", ts=request.at,
                                                        reason=_reason(str(e))))
                self.log.info("order_rejected", client_order_id=coid, reason=str(e))
                continue
            assert order is not None
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

    def begin_hour(self) -> None:
        """A new decision time. A venue error that halted a past pass no longer holds orders back here: the
        database's halt, which the error tripped, decides from now what is admitted and what the relay is asked to
        send, as for a relay started afresh. Without this a worker restarted after the halt sent what an
        uninterrupted run (its replay) kept holding back for the rest of its life, and the two diverged (chaos
        campaign 3 seed 867115919: an operator resume after a 418 ban, 2023-04-08)."""
        self.halted = None

    def _halt(self, conn: psycopg.Connection[Any], ts: datetime, reason: str) -> None:
        """A venue error classified as halt: report it to the database now (``api.record_venue_health``
        with ``fatal_errors``, which trips the ``venue_fatal_error`` breaker: global halt and an incident)
        and send nothing more from this relay."""
        self.log.error("venue_error_halts", error=reason)
        self.halted = reason
        self.fatal.append(_reason(reason))
        with conn.transaction():
            api.run(conn, self.health_call(ts))

    def service_requests(self, conn: psycopg.Connection[Any], t: datetime,
                         midway: Callable[[], None] | None = None) -> int:
        """Carry out what the database asks of the venue (``reads.venue_requests``): cancel every order marked
        for cancellation (the kill switch marks all), and send admitted orders that never reached the venue
        (kill-switch and risk exits, or orders whose submission outcome was unknown). An unsent order a halt
        covers (``held_by``: a signal's order held back earlier by a rate limit or an unknown outcome, then
        halted by ``api.halt`` or a breaker) is not sent: it stays ``new`` and is logged
        (``order_held_back_halt``) until a resume lets it go or the kill switch cancels it. A cancel the venue
        answers with more filled than the book holds is not booked here: the next poll relays the trades first,
        then the cancel (:meth:`_poll`; on a venue on its own clock). Returns how many requests were read
        (held-back orders included).
        ``midway`` is called once the cancels were carried out at the venue, before they are recorded and before
        anything is sent (the chaos campaign's kill point ``mid_kill_switch``), or when there is nothing to do."""
        idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        rows = reads.venue_requests(conn, self.account)
        if rows or idle:
            # The read only, or a batch of quiet hours (HourRunner.batching) ending before a request goes out.
            conn.commit()
        if not rows:
            if midway is not None:
                midway()
            return 0
        cancels: list[api.Call[Any]] = []
        to_send: list[OrderRequest] = []
        held: dict[str, tuple[str, ...]] = {}
        for r in rows:
            coid = r.client_order_id
            at = max(t, r.updated_ts)
            if r.cancel_requested:
                try:
                    known_status: str | None = "open"
                    if r.status == "new":
                        request = OrderRequest(coid, r.symbol, r.side, r.order_type, r.quantity, r.limit_price, r.ts)
                        unsent, known = self._resolve(request)
                        if not unsent and known is None:  # outcome still unknown: ask again later
                            self.log.info("cancel_waits_for_unknown_outcome", client_order_id=coid)
                            continue
                        known_status = known.status if known is not None else None
                    if known_status == "open":
                        done = self.call(self.venue.cancel, coid, at=at, symbol=r.symbol)
                        if (done.status == "canceled" and done.filled > r.filled_qty
                                and not isinstance(self.venue, SimulatedVenue)):
                            # The venue filled more than the book holds: a trade not relayed yet. Booked canceled
                            # now, the order would refuse that fill (PD005, a terminal order takes none) and the
                            # book would lose it; _poll relays the trades and then the cancel
                            # (terminal_order_awaits_trades).
                            self.log.info("cancel_awaits_trades", client_order_id=coid,
                                          venue_filled=str(done.filled), book_filled=str(r.filled_qty))
                        elif done.status == "canceled":
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
                except VenueHaltError as e:
                    self._halt(conn, at, str(e))
                except VenueRefusedError as e:  # the venue does not hold it open: reconciliation will tell
                    self.log.warning("cancel_refused", client_order_id=coid, error=str(e))
            else:
                if r.held_by:  # a halt covers it (api.venue_requests(account).held_by): place() does not send it
                    held[coid] = tuple(r.held_by)
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
        if midway is not None:
            midway()
        if cancels:
            with conn.transaction():
                api.run_many(conn, cancels)
        if to_send:
            self.place(conn, to_send, held=held)
        return len(rows)
