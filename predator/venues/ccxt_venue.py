"""A live venue through ccxt (Binance first; Kraken through the same unified calls), behind the venue seam
(:class:`predator.venues.base.Venue`: ``place``, ``cancel``, ``order_by_client_id``, ``open_orders``,
``trades_since``, ``balance``, ``transfers_since``) over ccxt-shaped calls (``place_order``, ``fetch_*``).

* **Idempotent submission.** Every order carries the database's deterministic client order id (ccxt's
  unified ``clientOrderId`` parameter: Binance ``newClientOrderId``, Kraken ``cl_ord_id``). A submission is
  never retried blindly: a timeout leaves its outcome unknown, and the runner resolves it by client order id
  (:meth:`fetch_order`) before anything new is sent.
* **Bounded retries.** Reads (balances, orders, trades, transfers) go through
  :class:`predator.retry.Retrier`: ccxt's transient errors (``ccxt.NetworkError``: timeouts,
  rate limits, maintenance) are retried with bounded exponential backoff; everything else is raised at once.
  ccxt's own rate limiter stays on.
* **No withdrawal, ever.** There is no withdraw call here, and :meth:`check_no_withdrawal_rights` refuses an
  API key that could withdraw (Binance ``GET /sapi/v1/account/apiRestrictions``: ``enableWithdrawals``).
  Kraken publishes no endpoint for a key's permissions, so for Kraken the operator must confirm it
  (``withdrawal_rights_confirmed_absent``).
* **Decimals at the edge.** ccxt returns floats; amounts, prices, costs and fees are converted with
  ``Decimal(repr(x))`` (the shortest representation of the float ccxt parsed from the venue's string).

Errors are :class:`~predator.errors.TransientVenueError` / :class:`~predator.errors.PermanentVenueError`,
translated from ccxt with ``raise … from e``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

import ccxt

from predator.errors import ConfigurationError, TransientVenueError
from predator.retry import Retrier, translate
from predator.venues.base import (
    Order,
    Trade,
    UnifiedDictSeam,
    VenueTrade,
    from_ms,
    ms,
    venue_trade,
)

_NUMERIC = ("amount", "price", "filled", "remaining", "cost", "average")
#: Venues whose "my trades" endpoint answers for one symbol at a time (Binance ``GET /api/v3/myTrades``
#: requires ``symbol``; ccxt raises ArgumentsRequired without one).
_TRADES_BY_SYMBOL = frozenset({"binance"})


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def _order(raw: dict[str, Any]) -> Order:
    out = dict(raw)
    for k in _NUMERIC:
        out[k] = _dec(raw.get(k))
    out["trades"] = [_trade(t) for t in raw.get("trades") or []]
    return out


def _trade(raw: dict[str, Any]) -> Trade:
    out = dict(raw)
    for k in ("amount", "price", "cost"):
        out[k] = _dec(raw.get(k))
    fee = raw.get("fee") or {}
    out["fee"] = {"cost": _dec(fee.get("cost")) or Decimal(0), "currency": fee.get("currency")}
    return out


class CcxtVenue(UnifiedDictSeam):
    """A ccxt exchange behind the venue interface. ``exchange`` must have its markets loaded (or loadable).

    ``symbols`` are the symbols the account trades (a run's symbols): on a venue whose trade history is
    asked per symbol (Binance), :meth:`trades_since` asks for each of them and for every symbol this adapter
    placed an order on. The account's open orders are asked for all symbols at once (on Binance ccxt's
    ``warnOnFetchOpenOrdersWithoutSymbol`` guard is turned off on ``exchange``: that call weighs more, but
    reconciliation needs every open order of the account).
    """

    def __init__(
        self,
        exchange: ccxt.Exchange,
        retrier: Retrier | None = None,
        withdrawal_rights_confirmed_absent: bool = False,
        symbols: Sequence[str] = (),
    ) -> None:
        self.exchange = exchange
        self.name = exchange.id
        self.retrier = retrier or Retrier()
        self.withdrawal_rights_confirmed_absent = withdrawal_rights_confirmed_absent
        self.symbols = tuple(symbols)
        self._symbols: dict[str, str] = {}  # client order id -> symbol (the venue's order lookups need it)
        self._client_ids: dict[str, str] = {}  # venue order id -> client order id (trades carry only the former)
        if exchange.id == "binance":
            exchange.options["warnOnFetchOpenOrdersWithoutSymbol"] = False

    # --- safety -----------------------------------------------------------------------------------------
    def check_no_withdrawal_rights(self) -> None:
        """Refuse (ConfigurationError) an API key that may withdraw, or whose rights cannot be verified."""
        if self.exchange.id == "binance":
            restrictions = self.retrier.call(
                lambda: self.exchange.sapi_get_account_apirestrictions(), "binance apiRestrictions"
            )
            if str(restrictions.get("enableWithdrawals")).lower() != "false":
                raise ConfigurationError(
                    "refused: this Binance API key may withdraw (enableWithdrawals is "
                    f"{restrictions.get('enableWithdrawals')}); create a key without withdrawal rights"
                )
            return
        if not self.withdrawal_rights_confirmed_absent:
            raise ConfigurationError(
                f"refused: {self.exchange.id} does not report an API key's permissions; an operator "
                "must confirm the key has no withdrawal right (withdrawal_rights_confirmed_absent)"
            )

    # --- the six calls ------------------------------------------------------------------------------------
    def place_order(
        self,
        symbol: str,
        side: str,
        order_type: str,
        amount: Decimal,
        price: Decimal | None,
        client_order_id: str,
        at: datetime,
        expiry: datetime | None = None,
        reference_price: Decimal | None = None,
    ) -> Order:
        """Submit once. A network error leaves the outcome unknown (TransientVenueError): resolve it with
        :meth:`fetch_order` by the same client order id, never by submitting again."""
        self._symbols[client_order_id] = symbol
        try:
            raw = self.exchange.create_order(
                symbol,
                order_type,
                side,
                float(amount),
                float(price) if price is not None else None,
                {"clientOrderId": client_order_id},
            )
        except ccxt.BaseError as e:
            raise translate(e, f"create_order {client_order_id}") from e
        self._remember(raw, client_order_id)
        return _order(raw)

    def cancel_order(self, client_order_id: str, at: datetime, symbol: str | None = None) -> Order:
        sym = symbol or self._symbols[client_order_id]
        try:
            raw = self.exchange.cancel_order(None, sym, {"clientOrderId": client_order_id})
        except ccxt.OrderNotFound:
            found = self.fetch_order(client_order_id, sym)
            if found is None:
                raise
            return found
        except ccxt.BaseError as e:
            raise translate(e, f"cancel_order {client_order_id}") from e
        self._remember(raw, client_order_id)
        return _order(raw)

    def fetch_order(self, client_order_id: str, symbol: str | None = None) -> Order | None:
        """The order known under a client order id, or None when the venue never received it."""
        sym = symbol or self._symbols.get(client_order_id)
        if sym is None:
            raise ConfigurationError(f"fetch_order {client_order_id}: the symbol is needed by {self.name}")

        def call() -> Any:
            try:
                return self.exchange.fetch_order(None, sym, {"clientOrderId": client_order_id})
            except ccxt.OrderNotFound:
                return None

        raw = self.retrier.call(call, f"fetch_order {client_order_id}")
        if raw is None:
            return None
        self._symbols[client_order_id] = sym
        self._remember(raw, client_order_id)
        return _order(raw)

    def fetch_balance(self) -> dict[str, Decimal]:
        """Total balance per currency (free + used), zero balances left out."""
        raw = self.retrier.call(self.exchange.fetch_balance, "fetch_balance")
        total = raw.get("total") or {}
        return {ccy: d for ccy, v in total.items() if (d := _dec(v)) is not None and d != 0}

    def fetch_open_orders(self, symbol: str | None = None) -> list[Order]:
        raw = self.retrier.call(lambda: self.exchange.fetch_open_orders(symbol), "fetch_open_orders")
        return [_order(o) for o in raw]

    def fetch_my_trades(self, symbol: str | None = None, since: datetime | None = None) -> list[Trade]:
        raw = self.retrier.call(
            lambda: self.exchange.fetch_my_trades(symbol, ms(since) if since else None), "fetch_my_trades"
        )
        return [_trade(t) for t in raw]

    def fetch_transfers(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Deposits and withdrawals seen on the account: kind, currency, amount, venue id, time (UTC)."""
        out: list[dict[str, Any]] = []
        start = ms(since) if since else None
        for kind, fn in (("deposit", self.exchange.fetch_deposits), ("withdrawal", self.exchange.fetch_withdrawals)):
            rows = self.retrier.call(partial(fn, None, start), f"fetch_{kind}s")
            for t in rows:
                ts = from_ms(t["timestamp"]) if t.get("timestamp") else datetime.now(UTC)
                out.append(
                    {
                        "kind": kind,
                        "currency": t.get("currency"),
                        "amount": _dec(t.get("amount")),
                        "id": str(t.get("id") or t.get("txid")),
                        "ts": ts,
                        "status": t.get("status"),
                    }
                )
        return sorted(out, key=lambda t: (t["ts"], t["id"]))

    # --- the seam (predator.venues.base.Venue; the rest comes from UnifiedDictSeam) ---------------------------
    def trades_since(self, since: datetime | None) -> tuple[VenueTrade, ...]:
        """The account's executions at or after ``since``, in time order. On a venue that answers per symbol
        (Binance), those of :attr:`symbols` and of every symbol an order was placed on here."""
        if self.exchange.id in _TRADES_BY_SYMBOL:
            symbols = sorted(set(self.symbols) | set(self._symbols.values()))
            raw = [t for symbol in symbols for t in self.fetch_my_trades(symbol, since)]
        else:
            raw = self.fetch_my_trades(None, since)
        trades = (venue_trade(t, client_order_id=t.get("clientOrderId") or self._client_id(t)) for t in raw)
        return tuple(sorted(trades, key=lambda t: (t.ts, t.trade_id)))

    # --- venue order ids ----------------------------------------------------------------------------------
    def _remember(self, raw: dict[str, Any], client_order_id: str) -> None:
        if raw.get("id") is not None:
            self._client_ids[str(raw["id"])] = client_order_id

    def _client_id(self, trade: dict[str, Any]) -> str | None:
        """The client order id of a trade's order. A venue's trade names its order by the venue's id only
        (Binance ``myTrades``: ``orderId``); an order this adapter has not seen yet is asked of the venue once
        (by venue id and symbol). None when the trade names no order."""
        venue_id, symbol = trade.get("order"), trade.get("symbol")
        if venue_id is None:
            return None
        known = self._client_ids.get(str(venue_id))
        if known is None and symbol is not None:
            raw = self.retrier.call(lambda: self.exchange.fetch_order(str(venue_id), symbol), f"fetch_order {venue_id}")
            if raw.get("clientOrderId"):
                known = str(raw["clientOrderId"])
                self._client_ids[str(venue_id)] = known
                self._symbols[known] = symbol
        return known


__all__ = ["CcxtVenue", "TransientVenueError"]
