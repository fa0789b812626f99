"""The venue adapter interface: the same six calls for paper, shadow and live venues.

Orders and trades are ccxt's unified structures (plain dicts, as ``ccxt.Exchange.create_order`` and
``fetch_my_trades`` return them): an order has ``id``, ``clientOrderId``, ``timestamp`` (ms), ``symbol``,
``type``, ``side``, ``amount``, ``price``, ``filled``, ``remaining``, ``status`` (``open``, ``closed``,
``canceled``, ``expired``, ``rejected``) and ``trades``; a trade has ``id``, ``order``, ``clientOrderId``,
``timestamp``, ``symbol``, ``side``, ``amount``, ``price``, ``cost``, ``fee`` {``cost``, ``currency``} and
``takerOrMaker``. Amounts and prices are :class:`decimal.Decimal` here (ccxt returns floats or strings;
adapters convert at the edge). Venues never touch the database (DESIGN.md §8).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

Order = dict[str, Any]
Trade = dict[str, Any]


@runtime_checkable
class Venue(Protocol):
    """place, cancel, fetch order, fetch balances, fetch open orders, fetch my trades."""

    name: str

    def place_order(self, symbol: str, side: str, order_type: str, amount: Decimal, price: Decimal | None,
                    client_order_id: str, at: datetime) -> Order:
        """Submit an order; returns the venue's order (status ``open`` or ``rejected``). Idempotent on the
        client order id: a second submission returns the first order."""
        ...

    def cancel_order(self, client_order_id: str, at: datetime, symbol: str | None = None) -> Order: ...

    def fetch_order(self, client_order_id: str, symbol: str | None = None) -> Order | None:
        """The order known under a client order id, or None when the venue never received it (some venues
        need the symbol to look an order up)."""
        ...

    def fetch_balance(self) -> dict[str, Decimal]:
        """Total balance per currency."""
        ...

    def fetch_open_orders(self, symbol: str | None = None) -> list[Order]: ...

    def fetch_my_trades(self, symbol: str | None = None, since: datetime | None = None) -> list[Trade]: ...


def ms(ts: datetime) -> int:
    """A UTC datetime as ccxt milliseconds."""
    return int(ts.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    """ccxt milliseconds as a UTC datetime."""
    return datetime.fromtimestamp(value / 1000, tz=UTC)
