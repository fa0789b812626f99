"""The emulated account: the paper engine (:mod:`predator.venues.paper`) behind a venue's identifiers,
moved forward by the emulator's clock, with the declared state faults applied.

Venue-neutral: :mod:`predator.emulator.kraken` and :mod:`predator.emulator.binance` turn what this module
returns into each venue's payloads. Matching is the paper engine's and nothing else: an order placed at
clock time t is handed to :meth:`PaperVenue.place_order` at t, and every bar that has *closed* by the
clock is matched (``PaperVenue.advance`` up to the start of the current hour), so a fill never uses a bar
the venue could not have seen. Reads and writes take one lock; the clock is read once per call.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from predator.emulator.candles import Candle, CandleStore, interval_seconds
from predator.emulator.clock import Clock
from predator.emulator.faults import Fault, FaultBook
from predator.venues.base import Order, Trade, ms
from predator.venues.paper import HOUR, FillGrid, PaperConfig, PaperVenue


class Refusal(Exception):
    """A request the venue refuses. ``reason``: ``unknown_symbol``, ``insufficient_balance``,
    ``duplicate_order``, ``unknown_order``, ``venue_reject``, ``bad_request``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class OrderView:
    """An order as the venue reports it (amounts exact; times UTC)."""

    venue_id: str
    key: str  # the paper engine's key (the client order id, or one the emulator made up)
    client_order_id: str | None
    userref: int | None
    symbol: str
    side: str
    type: str
    amount: Decimal
    price: Decimal | None
    filled: Decimal
    cost: Decimal
    fee: Decimal
    status: str  # open, closed, canceled, expired, rejected (the paper engine's words)
    opened_at: datetime
    closed_at: datetime | None
    trade_ids: tuple[str, ...]
    reason: str | None

    @property
    def average(self) -> Decimal | None:
        return self.cost / self.filled if self.filled else None


@dataclass(frozen=True)
class TradeView:
    venue_id: str
    order_venue_id: str
    client_order_id: str | None
    symbol: str
    side: str
    order_type: str
    amount: Decimal
    price: Decimal
    cost: Decimal
    fee: Decimal
    fee_currency: str
    maker: bool
    at: datetime
    seq: int  # a venue-wide increasing trade number


@dataclass(frozen=True)
class Transfer:
    kind: str  # deposit | withdrawal
    asset: str
    amount: Decimal
    id: str
    txid: str
    at: datetime


@dataclass(frozen=True)
class Balance:
    asset: str
    total: Decimal
    used: Decimal


def _dt(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromtimestamp(int(value) / 1000, tz=UTC)


class Core:
    """One account at one emulated venue. ``symbols`` maps the venue's unified symbols (``BTC/USD``) to
    the stored series that prices them (``BTC/USDT``); ``order_id`` and ``trade_id`` make the venue's ids;
    ``grid`` is the grid the venue reports fills on (amount, price and fee decimals): the paper engine fills
    on it, so the balances move by exactly what the venue reports (default: 8 decimals for each)."""

    def __init__(
        self,
        venue: str,
        store: CandleStore,
        clock: Clock,
        faults: FaultBook,
        symbols: dict[str, str],
        balances: dict[str, Decimal],
        config: PaperConfig,
        order_id: Callable[[int, str], str],
        trade_id: Callable[[int, str], str],
        grid: FillGrid | None = None,
    ) -> None:
        self.venue = venue
        self.store = store
        self.clock = clock
        self.faults = faults
        self.symbols = symbols
        self.base_config = config
        self.grid = grid or FillGrid()
        self.paper = PaperVenue({}, config, grid=self.grid)
        self._order_id, self._trade_id = order_id, trade_id
        self.lock = threading.RLock()
        self._orders: dict[str, str] = {}  # venue order id -> paper key
        self._meta: dict[str, tuple[str, str | None, int | None]] = {}  # key -> venue id, client id, userref
        self._trade_ids: dict[str, tuple[str, int]] = {}  # paper trade id -> venue trade id, seq
        self._ghosts: list[Trade] = []
        self._ghosted: set[str] = set()
        self._withdrawals_done: set[int] = set()
        self._seq = 0
        #: Kraken's dead-man switch (CancelAllOrdersAfter): when the clock reaches it, every open order is
        #: canceled; each arming call is counted.
        self.dead_man_trigger: datetime | None = None
        self.dead_man_calls: list[tuple[datetime, int]] = []
        self.dead_man_fired: list[datetime] = []
        now = clock.now()
        for asset, amount in sorted(balances.items()):
            self.deposit(asset, amount, now)

    # --- time --------------------------------------------------------------------------------------------
    def sync(self) -> datetime:
        """Bring the account up to the clock: apply state faults, match every closed bar. Returns now."""
        with self.lock:
            now = self.clock.now()
            partial = [f.participation for f, _ in self.faults.state("partial_fills") if f.participation]
            self.paper.config = (
                dataclasses.replace(self.base_config, participation=min(partial)) if partial else self.base_config
            )
            for fault, _ in self.faults.state("ghost_fill"):
                coid = fault.client_order_id or ""
                if coid in self.paper.orders and coid not in self._ghosted:
                    self.paper.faults.ghost_fill_for.add(coid)
            for fault, _ in self.faults.state("withdrawal"):
                if id(fault) not in self._withdrawals_done and (fault.at is None or fault.at <= now):
                    self._withdrawals_done.add(id(fault))
                    assert fault.asset is not None and fault.amount is not None
                    self.withdraw(fault.asset, fault.amount, fault.at or now)
            until = datetime.fromtimestamp(int(now.timestamp()) // HOUR * HOUR, tz=UTC)
            fee_assets = self.faults.state("fee_asset")
            for event in self.paper.advance(until):
                if event["kind"] == "fill" and str(event["trade_id"]).endswith("-ghost"):
                    self._ghost(event)
                elif event["kind"] == "fill" and fee_assets:
                    self._charge_fee_in(fee_assets[0][0], event["trade"])
            if self.dead_man_trigger is not None and now >= self.dead_man_trigger:
                self.dead_man_trigger = None
                self.dead_man_fired.append(now)
                for key, order in list(self.paper.orders.items()):
                    if order.status == "open" and key in self._meta:
                        self.paper.cancel_order(key, now)
            return now

    def _charge_fee_in(self, fault: Fault, trade: Trade) -> None:
        """Binance's "pay fees with BNB": the fee the paper engine took in the quote is given back and taken
        in ``fault.asset`` at its price in the quote (the open of the hour of the fill), ``discount`` off,
        while the account holds enough of it."""
        asset = fault.asset or "BNB"
        base, quote = str(trade["symbol"]).split("/")
        pair = f"{asset}/{quote}"
        fee = trade["fee"]
        if asset in (base, quote) or fee["currency"] != quote or pair not in self.store.symbols():
            return
        series = self.store.series(pair, "1h")
        at = _dt(trade["timestamp"])
        k = bisect.bisect_right(series.ts, int(at.timestamp())) - 1
        if k < 0:
            return
        price = Decimal(series.candles[k].open)
        discount = fault.discount if fault.discount is not None else Decimal("0.25")
        cost = (fee["cost"] / price * (1 - discount)).quantize(Decimal("1e-8"))
        if cost <= 0 or self.paper.balances.get(asset, Decimal(0)) < cost:
            return
        self.paper.balances[quote] = self.paper.balances.get(quote, Decimal(0)) + fee["cost"]
        self.paper.balances[asset] = self.paper.balances[asset] - cost
        trade["fee"] = {"cost": cost, "currency": asset}

    def arm_dead_man(self, timeout_s: int) -> tuple[datetime, datetime | None]:
        """Kraken's CancelAllOrdersAfter: every open order is canceled when the clock reaches the trigger
        without another call (0 disarms). (now, trigger time or None).

        The trigger is now + ``timeout_s`` on the emulator's clock, except on a clock warped faster than real
        time (``warp:X``, X > 1), where it is now + ``timeout_s`` × X: the client counts the timeout and its
        refreshes in its own (wall) seconds, so ``timeout_s`` simulated seconds would pass in a fraction of
        a second and every resting order would be canceled between two refreshes. On such a clock the switch
        fires when ``timeout_s`` wall seconds pass without a refresh (or the clock is moved past it)."""
        with self.lock:
            now = self.sync()
            self.dead_man_calls.append((now, timeout_s))
            scale = self.clock.rate if self.clock.rate is not None and self.clock.rate > 1 else 1.0
            self.dead_man_trigger = now + timedelta(seconds=timeout_s * scale) if timeout_s > 0 else None
            return now, self.dead_man_trigger

    def _ghost(self, event: dict[str, Any]) -> None:
        coid = event["order"]
        order = self.paper.orders[coid]
        t = event["trade"]
        self._ghosts.append(
            {
                **t,
                "order": order.venue_order_id,
                "clientOrderId": coid,
                "timestamp": ms(event["ts"]),
                "symbol": order.symbol,
                "side": order.side,
                "type": order.order_type,
                "cost": t["amount"] * t["price"],
            }
        )
        self._ghosted.add(coid)
        for fault, _ in self.faults.state("ghost_fill"):
            if fault.client_order_id == coid:
                self.faults.discard(fault)

    # --- orders --------------------------------------------------------------------------------------------
    def _ensure_bars(self, symbol: str) -> None:
        if symbol not in self.paper.bars:
            stored = self.symbols[symbol]
            shared = next((self.paper.bars[s] for s, src in self.symbols.items()
                           if src == stored and s in self.paper.bars), None)
            self.paper.bars[symbol] = shared or self.store.series(stored, "1h").bars()

    def check_order(self, symbol: str, side: str, order_type: str, amount: Decimal, price: Decimal | None) -> None:
        """Refuse (:class:`Refusal`) an order :meth:`place` would refuse for its arguments alone: unknown
        symbol, side or type, a non-positive amount or limit price. Places nothing (Kraken ``validate``,
        Binance ``order/test``)."""
        if symbol not in self.symbols:
            raise Refusal("unknown_symbol", symbol)
        if side not in ("buy", "sell") or order_type not in ("market", "limit"):
            raise Refusal("bad_request", f"{side} {order_type}")
        if amount <= 0 or (order_type == "limit" and (price is None or price <= 0)):
            raise Refusal("bad_request", "amount and limit price must be positive")

    def place(
        self,
        symbol: str,
        side: str,
        order_type: str,
        amount: Decimal,
        price: Decimal | None,
        client_order_id: str | None,
        userref: int | None = None,
    ) -> OrderView:
        """Accept an order (or raise :class:`Refusal`); the paper engine fills it as the clock advances."""
        with self.lock:
            now = self.sync()
            self.check_order(symbol, side, order_type, amount, price)
            if client_order_id is not None:
                existing = self.paper.orders.get(client_order_id)
                if existing is not None:
                    raise Refusal("duplicate_order", client_order_id)
            self._seq += 1
            key = client_order_id or f"emu-{self._seq}"
            self._ensure_bars(symbol)
            order = self.paper.place_order(
                symbol, side, order_type, amount, price if order_type == "limit" else None, key, now
            )
            if order["status"] == "rejected":
                del self.paper.orders[key]  # a venue keeps no record of an order it refused
                raise Refusal(str(order["info"].get("reason") or "venue_reject"), key)
            venue_id = self._order_id(self._seq, key)
            self._orders[venue_id] = key
            self._meta[key] = (venue_id, client_order_id, userref)
            return self._view(key)

    def cancel(self, key: str) -> OrderView:
        with self.lock:
            now = self.sync()
            o = self.paper.orders.get(key)
            if o is None or o.status != "open":
                raise Refusal("unknown_order", key)
            self.paper.cancel_order(key, now)
            return self._view(key)

    def key_of(self, venue_id: str | None = None, client_order_id: str | None = None,
               userref: int | None = None) -> str | None:
        """The paper key of an order named by venue id, client order id or (Kraken) userref."""
        with self.lock:
            if venue_id is not None:
                return self._orders.get(venue_id)
            if client_order_id is not None:
                return client_order_id if client_order_id in self._meta else None
            if userref is not None:
                return next((k for k, m in self._meta.items() if m[2] == userref), None)
            return None

    def order(self, key: str) -> OrderView:
        with self.lock:
            self.sync()
            return self._view(key)

    def orders(self, status: str | None = None, symbol: str | None = None) -> list[OrderView]:
        """Every order (``status='open'``: resting ones; ``'closed'``: all others), oldest first."""
        with self.lock:
            self.sync()
            out = [self._view(k) for k in self._meta]
            if status == "open":
                out = [o for o in out if o.status == "open"]
            elif status == "closed":
                out = [o for o in out if o.status != "open"]
            if symbol is not None:
                out = [o for o in out if o.symbol == symbol]
            return sorted(out, key=lambda o: (o.opened_at, o.venue_id))

    def _view(self, key: str) -> OrderView:
        o = self.paper.orders[key]
        venue_id, client_id, userref = self._meta[key]
        fee = sum((t["fee"]["cost"] for t in o.trades), Decimal(0))
        return OrderView(
            venue_id=venue_id,
            key=key,
            client_order_id=client_id,
            userref=userref,
            symbol=o.symbol,
            side=o.side,
            type=o.order_type,
            amount=o.amount,
            price=o.price,
            filled=o.filled,
            cost=o.cost,
            fee=fee,
            status=o.status,
            opened_at=o.placed_at,
            closed_at=o.closed_at,
            trade_ids=tuple(self._trade(t).venue_id for t in o.trades),
            reason=o.reason,
        )

    # --- trades ----------------------------------------------------------------------------------------------
    def _trade(self, t: Trade) -> TradeView:
        paper_id = str(t["id"])
        if paper_id not in self._trade_ids:
            n = len(self._trade_ids) + 1
            self._trade_ids[paper_id] = (self._trade_id(n, paper_id), n)
        venue_id, seq = self._trade_ids[paper_id]
        key = str(t["clientOrderId"])
        order_venue_id = self._meta[key][0] if key in self._meta else str(t["order"])
        return TradeView(
            venue_id=venue_id,
            order_venue_id=order_venue_id,
            client_order_id=self._meta[key][1] if key in self._meta else None,
            symbol=t["symbol"],
            side=t["side"],
            order_type=t["type"],
            amount=t["amount"],
            price=t["price"],
            cost=t["cost"],
            fee=t["fee"]["cost"],
            fee_currency=t["fee"]["currency"],
            maker=t["takerOrMaker"] == "maker",
            at=_dt(t["timestamp"]),
            seq=seq,
        )

    def trades(
        self, symbol: str | None = None, since: datetime | None = None, key: str | None = None
    ) -> list[TradeView]:
        """My trades (ghost fills included), in time order unless a fault says otherwise."""
        with self.lock:
            self.sync()
            raw = sorted([*self.paper.trades, *self._ghosts], key=lambda t: (t["timestamp"], str(t["id"])))
            out = [self._trade(t) for t in raw]
            out = [
                t for t in out
                if (symbol is None or t.symbol == symbol) and (since is None or t.at >= since)
                and (key is None or self._orders.get(t.order_venue_id) == key)
            ]
            if self.faults.state("duplicate_trades"):
                out = [t for t in out for _ in (0, 1)]
            late = self.faults.state("out_of_order_trades")
            if late:
                now = self.clock.now()
                for fault, _ in late:  # reported late: a trade can arrive after later ones
                    lag = timedelta(milliseconds=fault.delay_ms or 3_600_000)
                    out = [t for t in out
                           if fault.client_order_id not in (None, t.client_order_id) or t.at + lag <= now]
                out.reverse()
            return out

    # --- balances and transfers ------------------------------------------------------------------------------
    def balances(self) -> list[Balance]:
        with self.lock:
            self.sync()
            return [
                Balance(asset, total, min(total, self.paper._reserved(asset)))
                for asset, total in sorted(self.paper.balances.items())
            ]

    def fees(self) -> tuple[Decimal, Decimal]:
        """(maker, taker) as fractions (0.0016 = 16 bps): the paper engine's fee tier."""
        maker, taker = self.base_config.fees()
        return maker / Decimal(10000), taker / Decimal(10000)

    def deposit(self, asset: str, amount: Decimal, at: datetime) -> Transfer:
        with self.lock:
            n = len(self.paper.transfers) + 1
            ref = f"D{n:08d}"
            self.paper.deposit(asset, amount)
            self.paper.transfers.append({"kind": "deposit", "currency": asset, "amount": amount, "id": ref, "ts": at})
            return self._transfer(self.paper.transfers[-1])

    def withdraw(self, asset: str, amount: Decimal, at: datetime) -> Transfer:
        """A withdrawal made outside Predator (the emulator never withdraws on request)."""
        with self.lock:
            ref = f"W{len(self.paper.transfers) + 1:08d}"
            self.paper.withdraw(asset, amount, ref, at)
            return self._transfer(self.paper.transfers[-1])

    def transfers(self, kind: str) -> list[Transfer]:
        with self.lock:
            self.sync()
            return [self._transfer(t) for t in self.paper.transfers if t["kind"] == kind]

    @staticmethod
    def _transfer(t: dict[str, Any]) -> Transfer:
        txid = hashlib.sha256(str(t["id"]).encode()).hexdigest()
        return Transfer(t["kind"], t["currency"], t["amount"], t["id"], txid, t["ts"])

    # --- market data -------------------------------------------------------------------------------------------
    def candles(self, symbol: str, interval: str, start: int | None = None, end: int | None = None,
                limit: int | None = None, latest: bool = False) -> list[Candle]:
        """Bars closed before the clock, open time in [start, end] (unix s), stalls and revisions applied.
        ``limit`` keeps the first bars (``latest``: the last ones)."""
        with self.lock:
            now = int(self.clock.now().timestamp())
            series = self.store.series(self.symbols[symbol], interval)
            step = interval_seconds(interval)
            cutoff = now
            for fault, declared in self.faults.state("stall_candles"):
                if fault.symbol in (None, symbol):
                    cutoff = min(cutoff, int((fault.since or declared).timestamp()))
            revised = {
                int(f.ts.timestamp()): f for f, _ in self.faults.state("revise_candle")
                if f.symbol == symbol and f.ts is not None
            }
        lo = bisect.bisect_left(series.ts, start) if start is not None else 0
        hi = bisect.bisect_right(series.ts, cutoff - step)
        if end is not None:
            hi = min(hi, bisect.bisect_right(series.ts, end))
        rows = series.candles[lo:hi]
        if limit is not None:
            rows = rows[-limit:] if latest else rows[:limit]
        return [_revise(c, revised[c.ts]) if c.ts in revised else c for c in rows]

    def unified_order(self, key: str) -> Order:
        """The paper engine's own view of an order (for the admin endpoint)."""
        with self.lock:
            found = self.paper.fetch_order(key)
            if found is None:
                raise Refusal("unknown_order", key)
            return found


def _revise(c: Candle, fault: Fault) -> Candle:
    v = dict(fault.values)
    return Candle(c.ts, v.get("open", c.open), v.get("high", c.high), v.get("low", c.low), v.get("close", c.close),
                  v.get("volume", c.volume))
