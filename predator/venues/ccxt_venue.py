"""A live venue through ccxt — Kraken spot first, Binance spot second — behind the venue seam
(:class:`predator.venues.base.Venue`: ``place``, ``cancel``, ``order_by_client_id``, ``open_orders``,
``trades_since``, ``balance``, ``transfers_since``) over ccxt-shaped calls (``place_order``, ``fetch_*``).

* **One ccxt instance per API key** (:func:`trading_exchange`): Kraken checks that every private request's
  nonce is strictly greater than the key's last one, so two clients of one key would refuse each other's
  requests. The instance's nonce is made strictly increasing (two requests in one millisecond stay
  ordered), calls on one instance are serialised (the worker and the dead-man thread share it), and ccxt's
  own retries are off (``maxRetriesOnFailure`` 0): a submission is sent once, and only the adapter decides
  what happens after a failure. ccxt's rate limiter stays on.
* **Client order ids valid on both venues, derived from the order.** The database's id
  (``trading.client_order_id``: ``PD`` + 30 hex digits of the order's hash, persisted before anything is
  sent) goes to Binance as ``newClientOrderId`` unchanged; Kraken's ``cl_ord_id`` takes a UUID or at most
  18 characters of free text, so it gets the short-UUID form ``00`` + the same 30 hex digits
  (:func:`venue_client_id`; :func:`book_client_id` maps a venue's id back, dashes and case ignored).
* **Outcome unknown.** A submission or cancel whose request was sent and whose answer did not come (a
  timeout, a 5xx, a dropped connection, a garbled answer; :data:`predator.retry.ERROR_TABLE`) raises
  :class:`~predator.errors.OutcomeUnknownError`. It is never sent again blind: the relay resolves it by
  client order id (Kraken: the open and then the closed orders filtered by ``cl_ord_id``; Binance:
  ``fetch_order`` by ``origClientOrderId``) and then by trades (:meth:`CcxtVenue.resolve_by_trades`).
* **Errors** are classified by one table (:mod:`predator.retry`): retry, refuse
  (:class:`~predator.errors.VenueRefusedError`) or halt (:class:`~predator.errors.VenueHaltError`). Reads go
  through a bounded :class:`~predator.retry.Retrier`; writes never retry here.
* **Fills** carry the venue's trade id (the database deduplicates on it; a page that lists a trade twice is
  deduplicated here too) and the fee in the currency the venue charged (BNB, the base or the quote). Kraken
  orders carry ``oflags=fciq`` so the fee is taken in the quote currency, the currency Kraken reports it in.
* **Balances** are normalised: ccxt's unified codes (Kraken ``XXBT`` → ``BTC``), Kraken's auto-earn reward
  sub-balances (``XBT.F``) added to their asset; other suffixed Kraken balances (staked ``.S``/``.B``/``.M``,
  ``.HOLD``) are not tradable and are left out.
* **Dead-man switch**: :meth:`CcxtVenue.arm_dead_man` (Kraken ``CancelAllOrdersAfter``; Binance spot has
  none) and :meth:`CcxtVenue.cancel_symbol`, driven by :class:`predator.venues.deadman.DeadManSwitch`.
* **No withdrawal, ever.** There is no withdraw call here, and :meth:`CcxtVenue.check_no_withdrawal_rights`
  refuses a Binance key that could withdraw (``GET /sapi/v1/account/apiRestrictions``).
* **Decimals at the edge.** ccxt returns floats; amounts, prices, costs and fees are converted with
  ``Decimal(repr(x))`` (the shortest representation of the float ccxt parsed from the venue's string).
"""

from __future__ import annotations

import hashlib
import re
import threading
import weakref
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import ccxt

from predator import seams
from predator.errors import ConfigurationError, OutcomeUnknownError, TransientVenueError, VenueRefusedError
from predator.retry import Retrier, classify, translate
from predator.venues.base import (
    Order,
    Trade,
    UnifiedDictSeam,
    VenueOrder,
    VenueTrade,
    from_ms,
    ms,
    venue_order,
    venue_trade,
)

T = TypeVar("T")

_NUMERIC = ("amount", "price", "filled", "remaining", "cost", "average")
#: Venues whose "my trades" endpoint answers for one symbol at a time (Binance ``GET /api/v3/myTrades``
#: requires ``symbol``; ccxt raises ArgumentsRequired without one).
_TRADES_BY_SYMBOL = frozenset({"binance"})
#: Kraken's TradesHistory page (50 trades, newest first; ``ofs`` pages back).
_KRAKEN_PAGE = 50
#: Binance's ``GET /api/v3/myTrades`` page: ``limit`` at its maximum (default 500, max 1000). The first page is
#: ``symbol + startTime`` (the oldest trades at or after it), the next ones ``symbol + fromId`` (trade ids at or
#: above it, ascending), until a page lists fewer than this.
_BINANCE_PAGE = 1000
VENUES = ("kraken", "binance")

_BOOK_ID = re.compile(r"^PD([0-9a-f]{30})$")
_KRAKEN_UUID_PREFIX = "00"
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_BINANCE_ID = re.compile(r"^[.A-Z:/a-z0-9_-]{1,36}$")


# --- client order ids ------------------------------------------------------------------------------------
def venue_client_id(venue: str, client_order_id: str) -> str:
    """The client order id as ``venue`` takes it. Binance: the database's id (``[.A-Z:/a-z0-9_-]{1,36}``).
    Kraken (a UUID, or free text of at most 18 characters): ``PD`` + 30 hex digits becomes the short UUID
    ``00`` + the same digits; a shorter id goes as free text. ConfigurationError for an id neither venue
    form can carry."""
    if venue == "kraken":
        m = _BOOK_ID.match(client_order_id)
        if m:
            return _KRAKEN_UUID_PREFIX + m.group(1)
        if len(client_order_id) <= 18 and client_order_id.isascii() and client_order_id.isprintable():
            return client_order_id
        raise ConfigurationError(f"client order id {client_order_id!r} cannot be a Kraken cl_ord_id")
    if not _BINANCE_ID.match(client_order_id):
        raise ConfigurationError(f"client order id {client_order_id!r} cannot be a Binance newClientOrderId")
    return client_order_id


def book_client_id(venue: str, raw: Any) -> str | None:
    """The database's client order id for the one a venue reports (the inverse of :func:`venue_client_id`;
    Kraken may echo a UUID in its long form, with dashes). None when the venue reports none."""
    if raw is None or raw == "":
        return None
    text = str(raw)
    if venue == "kraken":
        compact = text.replace("-", "").lower()
        if _HEX32.match(compact) and compact.startswith(_KRAKEN_UUID_PREFIX):
            return "PD" + compact[len(_KRAKEN_UUID_PREFIX):]
    return text


# --- one instance per key --------------------------------------------------------------------------------
_INSTANCES: dict[tuple[str, str, str], tuple[str, ccxt.Exchange]] = {}
_INSTANCES_LOCK = threading.Lock()
_LOCKS: weakref.WeakKeyDictionary[ccxt.Exchange, threading.RLock] = weakref.WeakKeyDictionary()
_LOCKS_LOCK = threading.Lock()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def api_urls(venue: str, base_url: str) -> dict[str, str]:
    """ccxt's ``urls['api']`` for ``venue`` with every REST root under ``base_url`` (the staging emulator)."""
    base = base_url.rstrip("/")
    if venue == "kraken":
        return {"public": base, "private": base}
    return {"public": f"{base}/api/v3", "private": f"{base}/api/v3", "v1": f"{base}/api/v1",
            "sapi": f"{base}/sapi/v1", "sapiV2": f"{base}/sapi/v2", "sapiV3": f"{base}/sapi/v3",
            "sapiV4": f"{base}/sapi/v4"}


def trading_exchange(venue: str, api_key: str, secret: str, *, url: str | None = None, timeout_ms: int = 10_000,
                     rate_limit: bool = True) -> ccxt.Exchange:
    """The one ccxt instance of this process for ``api_key`` at ``venue`` (created on first use): rate
    limiter on (unless ``rate_limit`` is False: the emulator only), ccxt's retries off, Binance restricted
    to spot, a strictly increasing nonce. ``url`` points it at another host speaking the venue's API (the
    emulator). The same key with another secret or URL is a ConfigurationError (one key, one client)."""
    if venue not in VENUES:
        raise ConfigurationError(f"unsupported venue {venue!r}; use one of {', '.join(VENUES)}")
    ident = (venue, _digest(api_key), url or "")
    with _INSTANCES_LOCK:
        known = _INSTANCES.get(ident)
        if known is not None:
            if known[0] != _digest(secret):
                raise ConfigurationError(f"{venue}: this API key already has a client with another secret")
            return known[1]
        if any(k[:2] == ident[:2] for k in _INSTANCES):
            raise ConfigurationError(f"{venue}: this API key already has a client pointed at another URL")
        options: dict[str, Any] = {"maxRetriesOnFailure": 0}
        if venue == "binance":
            options |= {"fetchMarkets": {"types": ["spot"]}, "warnOnFetchOpenOrdersWithoutSymbol": False}
        exchange: ccxt.Exchange = getattr(ccxt, venue)({"apiKey": api_key, "secret": secret, "timeout": timeout_ms,
                                                        "enableRateLimit": rate_limit, "options": options})
        if url is not None:
            exchange.urls["api"] = api_urls(venue, url)
        prepare(exchange)
        _INSTANCES[ident] = (_digest(secret), exchange)
        return exchange


def forget_exchange(exchange: ccxt.Exchange) -> None:
    """Drop ``exchange`` from the per-key registry (a key removed, a test's emulator stopped)."""
    with _INSTANCES_LOCK:
        for k, (_, ex) in list(_INSTANCES.items()):
            if ex is exchange:
                del _INSTANCES[k]


def prepare(exchange: ccxt.Exchange) -> ccxt.Exchange:
    """Make a ccxt instance fit for trading (idempotent): ccxt's retries off, a strictly increasing nonce,
    one lock for its calls."""
    exchange.options["maxRetriesOnFailure"] = 0
    with _LOCKS_LOCK:
        if exchange not in _LOCKS:
            _LOCKS[exchange] = threading.RLock()
            clock: Callable[[], Any] = exchange.nonce
            last = [0]

            def nonce() -> int:
                with _LOCKS[exchange]:
                    n = max(int(clock()), last[0] + 1)
                    last[0] = n
                    return n

            exchange.nonce = nonce
    return exchange


def _lock(exchange: ccxt.Exchange) -> threading.RLock:
    return _LOCKS[prepare(exchange)]


# --- shapes ----------------------------------------------------------------------------------------------
def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def _trade(raw: dict[str, Any]) -> Trade:
    out = dict(raw)
    for k in ("amount", "price", "cost"):
        out[k] = _dec(raw.get(k))
    fee = raw.get("fee") or {}
    out["fee"] = {"cost": _dec(fee.get("cost")) or Decimal(0), "currency": fee.get("currency")}
    return out


class CcxtVenue(UnifiedDictSeam):
    """A ccxt exchange behind the venue interface. ``exchange`` must have its markets loaded (or loadable);
    it is made fit for trading (:func:`prepare`).

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
        self.exchange = prepare(exchange)
        self.name = exchange.id
        self.retrier = retrier or Retrier()
        if self.retrier.venue is None:
            self.retrier.venue = exchange.id
        self.withdrawal_rights_confirmed_absent = withdrawal_rights_confirmed_absent
        self.symbols = tuple(symbols)
        self._symbols: dict[str, str] = {}  # client order id -> symbol (the venue's order lookups need it)
        self._client_ids: dict[str, str] = {}  # venue order id -> client order id (trades carry only the former)
        if exchange.id == "binance":
            exchange.options["warnOnFetchOpenOrdersWithoutSymbol"] = False

    @property
    def kraken(self) -> bool:
        return bool(self.exchange.id == "kraken")

    # --- plumbing ------------------------------------------------------------------------------------------
    def _read(self, fn: Callable[[], T], what: str) -> T:
        """A read: serialised on the instance, retried under the retrier when its rule says retry."""
        def locked() -> T:
            with _lock(self.exchange):
                return fn()
        return self.retrier.call(locked, what)

    def _write(self, fn: Callable[[], T], what: str) -> T:
        """A write: sent once; a failure is translated (OutcomeUnknownError when the venue may have acted)."""
        try:
            with _lock(self.exchange):
                return fn()
        except ccxt.BaseError as e:
            raise translate(e, what, self.exchange.id, write=True) from e

    def _vid(self, client_order_id: str) -> str:
        return venue_client_id(self.exchange.id, client_order_id)

    def _order(self, raw: dict[str, Any]) -> Order:
        out = dict(raw)
        for k in _NUMERIC:
            out[k] = _dec(raw.get(k))
        out["clientOrderId"] = book_client_id(self.exchange.id, raw.get("clientOrderId"))
        out["trades"] = [_trade(t) for t in raw.get("trades") or []]
        return out

    # --- safety -----------------------------------------------------------------------------------------
    def check_no_withdrawal_rights(self) -> None:
        """Refuse (ConfigurationError) an API key that may withdraw, or whose rights cannot be verified."""
        if self.exchange.id == "binance":
            restrictions = self._read(
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
        """Submit once. OutcomeUnknownError when the request may have reached the venue (resolve it with
        :meth:`fetch_order` by the same client order id, then :meth:`resolve_by_trades`; never by submitting
        again blind); TransientVenueError when it was refused before processing (rate limit, nonce);
        VenueRefusedError when the venue refused the order; VenueHaltError when the key or account is
        unusable."""
        self._symbols[client_order_id] = symbol
        self._refuse_off_step(symbol, amount, client_order_id)
        params: dict[str, Any] = {"clientOrderId": self._vid(client_order_id)}
        if self.kraken:
            params["oflags"] = "fciq"  # the fee in the quote currency, the currency Kraken reports it in
        raw = self._write(
            lambda: self.exchange.create_order(
                symbol, order_type, side, float(amount), float(price) if price is not None else None, params
            ),
            f"create_order {client_order_id}",
        )
        self._remember(raw, client_order_id)
        order = self._order(raw)
        if order.get("clientOrderId") is None:
            order["clientOrderId"] = client_order_id
        if self.kraken and (order.get("status") is None or order.get("timestamp") is None):
            # Kraken's AddOrder answers with the txid only: the order as the venue holds it. It was accepted;
            # if it cannot be read now, its state is unknown and it is resolved by client order id later.
            try:
                found = self.fetch_order(client_order_id, symbol)
            except TransientVenueError as e:
                raise OutcomeUnknownError(f"create_order {client_order_id}: accepted as {raw.get('id')}, "
                                          f"but it cannot be read back: {e}") from e
            if found is None:
                raise OutcomeUnknownError(f"create_order {client_order_id}: accepted as {raw.get('id')}, "
                                          "but the venue does not list it yet")
            return found
        return order

    def _refuse_off_step(self, symbol: str, amount: Decimal, client_order_id: str) -> None:
        """VenueRefusedError, before anything is sent, when ccxt would send another amount than the book's: its
        ``create_order`` passes the amount through ``amount_to_precision``, which truncates it to the market's
        step (https://docs.ccxt.com/#/?id=precision-and-limits); the venue would fill the truncated order whole,
        and the book would wait for the remainder for ever (a review of the live path, 2026-12-06). The database
        keeps orders on the step (admission's step check, exits and flattens rounded down by ``risk._sellable``)
        when the instrument's rules hold it; this is the last guard, for a book whose rules do not. Limit prices are
        left to ccxt (``price_to_precision`` rounds to the tick, by at most half a tick)."""
        self._read(lambda: self.exchange.load_markets(), "load_markets")  # cached by ccxt after the first call
        sent = Decimal(str(self.exchange.amount_to_precision(symbol, float(amount))))
        if sent != amount:
            raise VenueRefusedError(
                f"create_order {client_order_id}: refused before sending: {amount} {symbol} is not a multiple of "
                f"the venue's step; ccxt would send {sent}"
            )

    def cancel_order(self, client_order_id: str, at: datetime, symbol: str | None = None) -> Order:
        """Cancel by client order id; the order after. An order the venue does not hold open is returned as
        it is (closed, canceled, expired); VenueRefusedError(not_found) when the venue never had it.
        Kraken's CancelOrder answers with a count only, so the order is read back."""
        sym = symbol or self._symbols[client_order_id]
        try:
            with _lock(self.exchange):
                raw = self.exchange.cancel_order(None, sym, {"clientOrderId": self._vid(client_order_id)})
        except ccxt.BaseError as e:
            if not classify(e, self.exchange.id).not_found:
                raise translate(e, f"cancel_order {client_order_id}", self.exchange.id, write=True) from e
            found = self.fetch_order(client_order_id, sym)
            if found is None:
                raise VenueRefusedError(f"cancel_order {client_order_id}: the venue has no such order",
                                        not_found=True) from e
            return found
        if self.kraken or raw.get("status") is None:
            found = self.fetch_order(client_order_id, sym)
            if found is None:
                raise TransientVenueError(f"cancel_order {client_order_id}: canceled, but the order cannot be read")
            return found
        self._remember(raw, client_order_id)
        order = self._order(raw)
        order["clientOrderId"] = client_order_id
        return order

    def fetch_order(self, client_order_id: str, symbol: str | None = None) -> Order | None:
        """The order known under a client order id, or None when the venue never received it. Kraken: its
        open orders, then its closed orders, filtered by ``cl_ord_id`` (ccxt's ``fetch_order`` would send the
        id as the integer ``userref``); Binance: ``GET /api/v3/order`` by ``origClientOrderId``."""
        sym = symbol or self._symbols.get(client_order_id)
        if sym is None:
            raise ConfigurationError(f"fetch_order {client_order_id}: the symbol is needed by {self.name}")
        vid = self._vid(client_order_id)

        if self.kraken:
            def call() -> Any:
                found = self.exchange.fetch_open_orders(sym, None, None, {"clientOrderId": vid})
                if not found:
                    found = self.exchange.fetch_closed_orders(sym, None, None, {"clientOrderId": vid})
                mine = [o for o in found if book_client_id("kraken", o.get("clientOrderId")) == client_order_id]
                return mine[0] if mine else None
        else:
            def call() -> Any:
                try:
                    return self.exchange.fetch_order(None, sym, {"clientOrderId": vid})
                except ccxt.OrderNotFound:
                    return None

        raw = self._read(call, f"fetch_order {client_order_id}")
        if raw is None:
            return None
        self._symbols[client_order_id] = sym
        self._remember(raw, client_order_id)
        order = self._order(raw)
        order["clientOrderId"] = client_order_id
        return order

    def fetch_balance(self) -> dict[str, Decimal]:
        """Total balance per unified currency (free + used), zero balances left out; on Kraken the reward
        sub-balances ``.F`` are added to their asset and other suffixed balances left out."""
        raw = self._read(self.exchange.fetch_balance, "fetch_balance")
        if self.kraken:
            result = (raw.get("info") or {}).get("result") or {}
            out: dict[str, Decimal] = {}
            for venue_code, entry in result.items():
                asset, _, suffix = str(venue_code).partition(".")
                if suffix not in ("", "F"):
                    continue
                amount = _dec(entry.get("balance") if isinstance(entry, dict) else entry) or Decimal(0)
                code = str(self.exchange.safe_currency_code(asset))
                out[code] = out.get(code, Decimal(0)) + amount
            return {c: v for c, v in out.items() if v != 0}
        total = raw.get("total") or {}
        return {ccy: d for ccy, v in total.items() if (d := _dec(v)) is not None and d != 0}

    def fetch_open_orders(self, symbol: str | None = None) -> list[Order]:
        raw = self._read(lambda: self.exchange.fetch_open_orders(symbol), "fetch_open_orders")
        orders = [self._order(o) for o in raw]
        for o in orders:
            if o.get("clientOrderId") and o.get("id") is not None:
                self._client_ids[str(o["id"])] = str(o["clientOrderId"])
                if o.get("symbol"):
                    self._symbols[str(o["clientOrderId"])] = str(o["symbol"])
        return orders

    def fetch_my_trades(self, symbol: str | None = None, since: datetime | None = None) -> list[Trade]:
        """The account's trades (of ``symbol``) at or after ``since``, each once (by trade id). Kraken's
        history comes in pages of 50, newest first: every page is read. Binance's in pages of
        :data:`_BINANCE_PAGE`, oldest first: every page is read (:meth:`_binance_pages`)."""
        start = ms(since) if since else None
        if not self.kraken:
            raw = self._binance_pages(symbol, start)
        else:
            raw = []
            offset = 0
            while True:
                page, listed = self._read(partial(self._kraken_page, start, offset), "fetch_my_trades")
                raw.extend(t for t in page if symbol is None or t.get("symbol") == symbol)
                if listed < _KRAKEN_PAGE:
                    break
                offset += listed
        seen: set[tuple[str, str]] = set()
        out: list[Trade] = []
        for t in raw:
            key = (str(t.get("symbol")), str(t.get("id")))
            if key not in seen:
                seen.add(key)
                out.append(_trade(t))
        return out

    def _binance_pages(self, symbol: str | None, start: int | None) -> list[dict[str, Any]]:
        """Every Binance trade of ``symbol`` at or after ``start`` (ms; None: Binance's most recent page, then
        everything after it), page by page: ``GET /api/v3/myTrades`` with ``startTime`` and ``limit``
        :data:`_BINANCE_PAGE`, then, while a page is full, ``fromId`` = the highest trade id seen + 1 (``fromId``
        cannot be combined with ``startTime``; it lists ids at or above it, ascending). Stops at a page shorter
        than the limit, or one that adds no higher id (a venue repeating itself). Each page is one read under the
        retrier; TransientVenueError when a page cannot be read (nothing is returned half-read)."""
        raw: list[dict[str, Any]] = []
        params: dict[str, Any] = {}
        top: int | None = None
        while True:
            first = not params
            page: list[dict[str, Any]] = self._read(
                partial(self.exchange.fetch_my_trades, symbol, start if first else None, _BINANCE_PAGE, dict(params)),
                "fetch_my_trades")
            raw.extend(page)
            ids = [int(t["id"]) for t in page if t.get("id") is not None and str(t["id"]).isdigit()]
            if len(page) < _BINANCE_PAGE or not ids or (top is not None and max(ids) <= top):
                return raw
            top = max(ids)
            params = {"fromId": top + 1}

    def _kraken_page(self, start: int | None, offset: int) -> tuple[list[dict[str, Any]], int]:
        """One page of Kraken's TradesHistory from ``offset``: the parsed trades and how many the page
        listed (ccxt leaves out trades of markets it does not know)."""
        page = self.exchange.fetch_my_trades(None, start, None, {"ofs": offset})
        listed = ((self.exchange.last_json_response or {}).get("result") or {}).get("trades") or {}
        return page, len(listed)

    def fetch_transfers(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Deposits and withdrawals seen on the account: kind, currency, amount, venue id, time (UTC)."""
        out: list[dict[str, Any]] = []
        start = ms(since) if since else None
        for kind, fn in (("deposit", self.exchange.fetch_deposits), ("withdrawal", self.exchange.fetch_withdrawals)):
            rows = self._read(partial(fn, None, start), f"fetch_{kind}s")
            for t in rows:
                ts = from_ms(t["timestamp"]) if t.get("timestamp") else seams.wall_now()
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
        """The account's executions at or after ``since``, in time order, each once. On a venue that answers
        per symbol (Binance), those of :attr:`symbols` and of every symbol an order was placed on here."""
        if self.exchange.id in _TRADES_BY_SYMBOL:
            symbols = sorted(set(self.symbols) | set(self._symbols.values()))
            raw = [t for symbol in symbols for t in self.fetch_my_trades(symbol, since)]
        else:
            raw = self.fetch_my_trades(None, since)
        trades = (venue_trade(t, client_order_id=self._client_id(t)) for t in raw)
        return tuple(sorted(trades, key=lambda t: (t.ts, t.trade_id)))

    # --- outcome unknown ---------------------------------------------------------------------------------
    def resolve_by_trades(self, client_order_id: str, symbol: str, since: datetime | None) -> VenueOrder | None:
        """An order whose submission outcome is unknown and that :meth:`fetch_order` did not find: the order
        behind a trade at or after ``since`` (on ``symbol``) whose client order id is ``client_order_id``,
        or None when no trade names it."""
        for t in self.fetch_my_trades(symbol, since):
            if self._client_id(t) != client_order_id or t.get("order") is None:
                continue
            venue_id = str(t["order"])
            raw = self._read(partial(self.exchange.fetch_order, venue_id, symbol), f"fetch_order {venue_id}")
            self._remember(raw, client_order_id)
            self._symbols[client_order_id] = symbol
            order = self._order(raw)
            order["clientOrderId"] = client_order_id
            return venue_order(order)
        return None

    # --- dead-man switch ---------------------------------------------------------------------------------
    def arm_dead_man(self, timeout_s: int) -> datetime | None:
        """Arm (or refresh) the venue's own dead-man switch: every open order is canceled by the venue when
        no refresh comes within ``timeout_s`` seconds (0 disarms). Kraken ``CancelAllOrdersAfter``: returns
        the trigger time. Binance spot has no such switch: returns None (the worker's watchdog cancels by
        symbol instead, :meth:`cancel_symbol`)."""
        if not self.kraken:
            return None
        answer = self._write(lambda: self.exchange.cancel_all_orders_after(timeout_s * 1000),
                             "cancel_all_orders_after")
        trigger = ((answer or {}).get("result") or {}).get("triggerTime")
        if not trigger or trigger == "0":
            return None
        return datetime.fromisoformat(str(trigger).replace("Z", "+00:00"))

    def cancel_symbol(self, symbol: str) -> int:
        """Cancel every open order of ``symbol`` at the venue (the watchdog's last resort): Binance
        ``DELETE /api/v3/openOrders``; Kraken one cancel per open order. Returns how many were open."""
        opened = [o for o in self.fetch_open_orders(symbol) if o.get("symbol") == symbol]
        if not opened:
            return 0
        if self.kraken:
            for o in opened:
                self._write(partial(self.exchange.cancel_order, str(o["id"]), symbol), f"cancel {o['id']}")
        else:
            self._write(lambda: self.exchange.cancel_all_orders(symbol), f"cancel_all_orders {symbol}")
        return len(opened)

    # --- venue order ids ----------------------------------------------------------------------------------
    def _remember(self, raw: dict[str, Any], client_order_id: str) -> None:
        if raw.get("id") is not None:
            self._client_ids[str(raw["id"])] = client_order_id

    def _client_id(self, trade: dict[str, Any]) -> str | None:
        """The client order id of a trade's order. A venue's trade names its order by the venue's id only
        (Binance ``myTrades``: ``orderId``; Kraken ``ordertxid``); an order this adapter has not seen yet is
        asked of the venue once (by venue id and symbol). None when the trade names no order."""
        if trade.get("clientOrderId"):
            return book_client_id(self.exchange.id, trade["clientOrderId"])
        venue_id, symbol = trade.get("order"), trade.get("symbol")
        if venue_id is None:
            return None
        known = self._client_ids.get(str(venue_id))
        if known is None and symbol is not None:
            raw = self._read(lambda: self.exchange.fetch_order(str(venue_id), symbol), f"fetch_order {venue_id}")
            found = book_client_id(self.exchange.id, raw.get("clientOrderId"))
            if found:
                known = found
                self._client_ids[str(venue_id)] = known
                self._symbols[known] = symbol
        return known


__all__ = ["CcxtVenue", "TransientVenueError", "book_client_id", "prepare", "trading_exchange",
           "venue_client_id"]
