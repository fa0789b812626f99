"""The venue seam (docs/architecture.md §3): what the runner may ask of any venue, and the shapes that cross.

The runner knows :class:`Venue` alone: place, cancel, fetch an order by client order id, fetch the open
orders, fetch my trades since a time, fetch the balance, fetch transfers (deposits and withdrawals).
Accelerated runs (backtest, paper over history, paper on live data) use a :class:`SimulatedVenue`, which
adds ``advance_to(t)`` (match every bar that opened before ``t`` and report what happened) and
``restore(...)`` (rebuild the venue's memory from the database's checkpoint after a restart).

Everything that crosses the seam is a frozen dataclass (:class:`OrderRequest`, :class:`VenueOrder`,
:class:`VenueTrade`, :class:`VenueTransfer`, :class:`VenueEvent`, :class:`RestingOrder`); amounts and
prices are :class:`decimal.Decimal`, times timezone-aware UTC datetimes.

Adapters also keep ccxt's unified structures (plain dicts, as ``ccxt.Exchange.create_order`` and
``fetch_my_trades`` return them: :data:`Order`, :data:`Trade`) on their ``*_order``/``fetch_*`` methods:
that is the shape the staging emulator serves and the ccxt client parses. Venues never touch the database
(DESIGN.md §8).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

Order = dict[str, Any]
Trade = dict[str, Any]


@dataclass(frozen=True)
class OrderRequest:
    """An admitted order as the runner sends it (client order id = the database's deterministic id)."""

    client_order_id: str
    symbol: str
    side: str  # buy | sell
    order_type: str  # market | limit
    amount: Decimal  # base units
    price: Decimal | None  # limit price, quote per base
    at: datetime  # business time of the submission
    expiry: datetime | None = None
    reference_price: Decimal | None = None  # the decision price (paper venues reserve cash against it)


@dataclass(frozen=True)
class VenueOrder:
    """An order as the venue knows it. ``status``: open, closed, canceled, expired or rejected."""

    client_order_id: str
    venue_order_id: str
    symbol: str
    side: str
    order_type: str
    amount: Decimal
    price: Decimal | None
    filled: Decimal
    status: str
    timestamp: datetime  # when the venue received it
    reason: str | None = None  # why it was rejected or canceled by the venue


@dataclass(frozen=True)
class VenueTrade:
    """One execution. ``fee`` in ``fee_currency``; ``liquidity``: taker or maker."""

    trade_id: str
    client_order_id: str
    venue_order_id: str | None
    symbol: str | None
    side: str | None
    amount: Decimal
    price: Decimal
    fee: Decimal
    fee_currency: str | None
    liquidity: str
    ts: datetime


@dataclass(frozen=True)
class VenueTransfer:
    """A deposit or withdrawal seen on the venue account (Predator itself never withdraws)."""

    transfer_id: str
    kind: str  # deposit | withdrawal
    currency: str
    amount: Decimal
    ts: datetime
    status: str | None = None


@dataclass(frozen=True)
class VenueEvent:
    """What a venue reported: a fill (with its trade), a cancel or an expiry (a simulated venue while advancing,
    a polled one); ``acknowledged``: the relay learned from a trade that the venue holds an order whose
    submission outcome was unknown (the trade names its venue order id)."""

    kind: str  # fill | canceled | expired | acknowledged
    client_order_id: str
    ts: datetime
    trade: VenueTrade | None = None
    reason: str | None = None


@dataclass(frozen=True)
class RestingOrder:
    """An order the book holds open at a checkpoint, handed back to a simulated venue on restart."""

    client_order_id: str
    symbol: str
    side: str
    order_type: str
    amount: Decimal
    price: Decimal | None
    placed_at: datetime
    expiry: datetime | None
    filled: Decimal
    venue_order_id: str | None
    fills: int  # fills the book recorded (trade ids continue after them)
    #: the decision price the order was placed with (paper venues reserve cash against it and report a ghost fill
    #: of a market order at it), so that a restored order is the one the venue took, not one priced afresh
    reference_price: Decimal | None = None


@runtime_checkable
class Venue(Protocol):
    """The seam every mode's venue implements (paper, the ccxt adapters for shadow and live)."""

    name: str

    def place(self, request: OrderRequest) -> VenueOrder:
        """Submit once; the venue's order (status ``open`` or ``rejected``). Idempotent on the client order
        id. Raises TransientVenueError when the outcome is unknown: resolve with :meth:`order_by_client_id`,
        never by sending again."""
        ...

    def cancel(self, client_order_id: str, *, at: datetime, symbol: str) -> VenueOrder:
        """Cancel an open order; the order after (a closed order is returned unchanged)."""
        ...

    def order_by_client_id(self, client_order_id: str, *, symbol: str) -> VenueOrder | None:
        """The order known under a client order id, or None when the venue never received it."""
        ...

    def open_orders(self) -> tuple[VenueOrder, ...]:
        """Every open order of the account."""
        ...

    def trades_since(self, since: datetime | None) -> tuple[VenueTrade, ...]:
        """The account's executions at or after ``since`` (all when None), in time order."""
        ...

    def balance(self) -> Mapping[str, Decimal]:
        """Total balance per currency (free + reserved), zero balances left out."""
        ...

    def transfers_since(self, since: datetime | None) -> tuple[VenueTransfer, ...]:
        """Deposits and withdrawals at or after ``since`` (all when None), in time order."""
        ...


@runtime_checkable
class SimulatedVenue(Venue, Protocol):
    """A venue whose clock the runner drives (accelerated runs): paper over history or live bars."""

    def advance_to(self, until: datetime) -> tuple[VenueEvent, ...]:
        """Match every bar that opened before ``until``; the fills, cancels and expiries since the last
        call, in time order."""
        ...

    def restore(
        self, balances: Mapping[str, Decimal], orders: Sequence[RestingOrder], checkpoint: datetime | None,
        matched_until: datetime | None = None,
    ) -> None:
        """Rebuild the venue's memory after a restart: the trading account's balances and the open orders
        as the book holds them, at ``checkpoint`` (the last closed hour); bars that opened before
        ``matched_until`` were matched (the last hour whose close collected the venue's events, which is the
        checkpoint unless the venue was unreachable at its last closes; None: ``checkpoint``)."""
        ...


@runtime_checkable
class BarFedVenue(SimulatedVenue, Protocol):
    """A simulated venue that matches against bars the runner hands it as they arrive (paper on live data:
    the bars of a sync-fed run, refreshed every hour to what the hour knew)."""

    def feed_bars(self, bars: Mapping[str, Any]) -> None:
        """Replace the bars the venue matches against (per symbol; bars already matched are not matched
        again)."""
        ...


def ms(ts: datetime) -> int:
    """A UTC datetime as ccxt milliseconds."""
    return int(ts.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    """ccxt milliseconds as a UTC datetime."""
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def venue_order(raw: Order) -> VenueOrder:
    """A ccxt unified order (amounts already Decimal) as a :class:`VenueOrder`."""
    info = raw.get("info") or {}
    return VenueOrder(
        client_order_id=str(raw.get("clientOrderId")),
        venue_order_id=str(raw["id"]),
        symbol=str(raw.get("symbol")),
        side=str(raw.get("side")),
        order_type=str(raw.get("type")),
        amount=raw.get("amount") or Decimal(0),
        price=raw.get("price"),
        filled=raw.get("filled") or Decimal(0),
        status=str(raw.get("status")),
        timestamp=from_ms(raw["timestamp"]),
        reason=info.get("reason") if isinstance(info, dict) else None,
    )


def venue_trade(raw: Trade, ts: datetime | None = None, client_order_id: str | None = None) -> VenueTrade:
    """A ccxt unified trade (amounts already Decimal) as a :class:`VenueTrade`."""
    fee = raw.get("fee") or {}
    when = ts if ts is not None else from_ms(raw["timestamp"])
    return VenueTrade(
        trade_id=str(raw["id"]),
        client_order_id=str(client_order_id if client_order_id is not None else raw.get("clientOrderId")),
        venue_order_id=raw.get("order"),
        symbol=raw.get("symbol"),
        side=raw.get("side"),
        amount=raw["amount"],
        price=raw["price"],
        fee=fee.get("cost") or Decimal(0),
        fee_currency=fee.get("currency"),
        liquidity=str(raw.get("takerOrMaker")),
        ts=when,
    )


def venue_transfer(raw: dict[str, Any]) -> VenueTransfer:
    """A transfer dict (kind, currency, amount, id, ts[, status]) as a :class:`VenueTransfer`."""
    return VenueTransfer(
        transfer_id=str(raw["id"]),
        kind=str(raw["kind"]),
        currency=str(raw["currency"]),
        amount=raw["amount"],
        ts=raw["ts"],
        status=raw.get("status"),
    )


class UnifiedDictSeam(ABC):
    """The seam (:class:`Venue`) over a venue whose native methods speak ccxt's unified dicts
    (``place_order``, ``cancel_order``, ``fetch_order``, ``fetch_open_orders``, ``fetch_balance``,
    ``fetch_transfers``): the paper engine and the ccxt adapter both are such venues, so the conversion into
    the seam's frozen dataclasses is written once, here. ``trades_since`` stays with each venue (the ccxt
    adapter orders the venue's trades by time; the paper engine's are already in fill order)."""

    @abstractmethod
    def place_order(
        self,
        symbol: str,
        side: str,
        order_type: str,
        amount: Decimal,
        price: Decimal | None,
        client_order_id: str,
        at: datetime,
        *,
        expiry: datetime | None = None,
        reference_price: Decimal | None = None,
    ) -> Order: ...

    @abstractmethod
    def cancel_order(self, client_order_id: str, at: datetime, symbol: str | None = None) -> Order: ...

    @abstractmethod
    def fetch_order(self, client_order_id: str, symbol: str | None = None) -> Order | None: ...

    @abstractmethod
    def fetch_open_orders(self, symbol: str | None = None) -> list[Order]: ...

    @abstractmethod
    def fetch_balance(self) -> dict[str, Decimal]: ...

    @abstractmethod
    def fetch_transfers(self, since: datetime | None = None) -> list[dict[str, Any]]: ...

    def place(self, request: OrderRequest) -> VenueOrder:
        return venue_order(
            self.place_order(
                request.symbol,
                request.side,
                request.order_type,
                request.amount,
                request.price,
                request.client_order_id,
                request.at,
                expiry=request.expiry,
                reference_price=request.reference_price,
            )
        )

    def cancel(self, client_order_id: str, *, at: datetime, symbol: str) -> VenueOrder:
        return venue_order(self.cancel_order(client_order_id, at, symbol))

    def order_by_client_id(self, client_order_id: str, *, symbol: str) -> VenueOrder | None:
        found = self.fetch_order(client_order_id, symbol)
        return venue_order(found) if found is not None else None

    def open_orders(self) -> tuple[VenueOrder, ...]:
        return tuple(venue_order(o) for o in self.fetch_open_orders())

    def balance(self) -> dict[str, Decimal]:
        return self.fetch_balance()

    def transfers_since(self, since: datetime | None) -> tuple[VenueTransfer, ...]:
        return tuple(venue_transfer(t) for t in self.fetch_transfers(since))
