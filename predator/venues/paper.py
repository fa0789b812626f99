"""The paper venue: fills simulated from real candles (DESIGN.md §5), deterministic for a seed.

Matching happens when the runner advances the venue past a bar (``advance(until)``: every bar with
open time < ``until`` that the venue has not processed):

* A **market order** placed at time t arrives at t + latency and fills at the open of the first bar that
  opens at or after t (in the hour runner: the bar right after the decision), at
  ``open × (1 ± slippage)``, for at most ``participation × bar volume``; the rest expires (market orders
  do not rest, as on Binance, whose market orders never rest on the book).
* A **limit order** rests until a bar trades through its price (buy: low ≤ limit; sell: high ≥ limit) and
  fills at the limit (or at the open when the bar opens through it), up to the participation share of
  each bar's volume, as maker; it expires at its expiry time.
* **Slippage** in basis points = ``slippage_bps`` (fixed) + ``impact_bps × (fill quantity / bar volume)``
  (volume-dependent), against the buyer/seller; prices are rounded to 1e-12.
* **Latency** (``latency_ms`` ± ``latency_jitter_ms``) and **rejects** (``reject_rate``) come from a random
  generator seeded by sha256(seed, client order id), so a restarted run draws the same numbers.
* **Fees** per venue (maker/taker basis points, in quote currency), given by ``PaperConfig``. A run fills them
  from the database's fee tier (``api.venues``, through ``predator.runner.venues.with_fee_tier``), the one
  source that admission uses too; :data:`DEFAULT_FEES` only stands in where no database is at hand (the
  emulator, the in-memory reference simulation).
* The venue keeps its own balances (the truth reconciliation compares against) and rejects orders it
  cannot pay (``insufficient_balance``), like a real exchange.

Orders and trades are ccxt unified structures (see :mod:`predator.venues.base`).
"""

from __future__ import annotations

import bisect
import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_DOWN, ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Any

from predator import seams
from predator.errors import TransientVenueError
from predator.venues.base import (
    Order,
    RestingOrder,
    Trade,
    UnifiedDictSeam,
    VenueEvent,
    VenueTrade,
    ms,
    venue_trade,
)

#: Spot fee tiers, (maker, taker) in basis points, for a paper venue without a database (the emulator and the
#: in-memory reference simulation); equal to migration 0002's market.venue rows, which a test checks.
DEFAULT_FEES: dict[str, tuple[Decimal, Decimal]] = {
    "binance": (Decimal(10), Decimal(10)),
    "kraken": (Decimal(16), Decimal(26)),
}

_PRICE_Q = Decimal("1e-12")
#: The context the venue's balances, fills and reservations move in: exact addition, subtraction and
#: multiplication, as PostgreSQL's numeric (the book's) is. Python's default context rounds every result to 28
#: significant digits: a partial fill of 0.0132975815616 at 28147.498454028408 costs 374.2936564474526634634019328
#: (31 digits), so the venue's balance drifted from the book's in its last digits; a venue restored from the book
#: after a restart (:func:`predator.runner.restore.restore_venue`) then held the book's exact balance where an
#: uninterrupted run (and its replay) held the rounded one, and the hashed reconciliation rows differed
#: (docs/chaos.md, campaign 3 seed 529029589). Never divide in it (an inexact quotient would need unbounded
#: digits): prices and slippage are computed in the default context and quantized, as before.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
HOUR = 3600


@dataclass(frozen=True)
class FillGrid:
    """The grid a venue reports fills on (the staging emulator's, :mod:`predator.emulator`): a fill's amount
    is rounded down to ``amount``, its price and fee half-even to ``price`` and ``fee``, and the balances move
    by exactly those numbers (amount × price and the fee), as a real venue's do. Without a grid (paper) prices
    and fees are kept to 1e-12 and amounts exact."""

    amount: Decimal = Decimal("1e-8")
    price: Decimal = Decimal("1e-8")
    fee: Decimal = Decimal("1e-8")


@dataclass(frozen=True)
class PaperConfig:
    """Simulation parameters of the paper venue (all deterministic for a given seed)."""

    venue: str = "binance"
    maker_fee_bps: Decimal | None = None  # None: DEFAULT_FEES[venue]
    taker_fee_bps: Decimal | None = None
    slippage_bps: Decimal = Decimal(2)  # fixed part
    impact_bps: Decimal = Decimal(50)  # per 100% of bar volume
    participation: Decimal = Decimal("0.1")  # largest share of a bar's volume one order may take
    latency_ms: int = 250
    latency_jitter_ms: int = 250
    reject_rate: float = 0.0
    seed: int = 7

    def fees(self) -> tuple[Decimal, Decimal]:
        maker, taker = DEFAULT_FEES.get(self.venue, (Decimal(10), Decimal(10)))
        return (
            self.maker_fee_bps if self.maker_fee_bps is not None else maker,
            self.taker_fee_bps if self.taker_fee_bps is not None else taker,
        )

    def as_dict(self) -> dict[str, Any]:
        maker, taker = self.fees()
        return {
            "venue": self.venue,
            "maker_fee_bps": str(maker),
            "taker_fee_bps": str(taker),
            "slippage_bps": str(self.slippage_bps),
            "impact_bps": str(self.impact_bps),
            "participation": str(self.participation),
            "latency_ms": self.latency_ms,
            "latency_jitter_ms": self.latency_jitter_ms,
            "reject_rate": self.reject_rate,
            "seed": self.seed,
        }


@dataclass
class Faults:
    """Faults injected into the paper venue, for the safety scenarios (all off by default).

    * ``network_down``: every call raises TransientVenueError (a network block);
    * ``timeout_after_accept``: client order ids whose placement the venue accepts but whose response
      times out (TransientVenueError after the order exists at the venue);
    * ``duplicate_fills``: every fill is reported twice;
    * ``ghost_fill_for``: client order ids for which a fill is reported although the venue never filled
      them (the venue's balances and order stay unfilled);
    * ``partial_fill``: client order id -> the share of its amount the venue will ever fill (a partial-fill
      storm, seed 001 D3): once that much is filled the venue cancels the rest (reason ``partial_fill``).
    """

    network_down: bool = False
    timeout_after_accept: set[str] = field(default_factory=set)
    duplicate_fills: bool = False
    ghost_fill_for: set[str] = field(default_factory=set)
    partial_fill: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Bars:
    """One symbol's bars as the venue sees them: open times (unix s) and exact OHLCV values."""

    ts: list[int]
    open: list[Decimal]
    high: list[Decimal]
    low: list[Decimal]
    volume: list[Decimal]
    index: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {t: i for i, t in enumerate(self.ts)}


@dataclass
class _Order:
    client_order_id: str
    venue_order_id: str
    symbol: str
    side: str
    order_type: str
    amount: Decimal
    price: Decimal | None
    placed_at: datetime
    arrives_at: datetime
    expiry: datetime | None
    ref_price: Decimal = Decimal(0)
    filled: Decimal = Decimal(0)
    matched_until: int = 0  # bars opening before this unix time were already matched
    trade_offset: int = 0  # fills recorded before a restart (trade ids continue after them)
    cost: Decimal = Decimal(0)
    status: str = "open"
    reason: str | None = None
    trades: list[Trade] = field(default_factory=list)
    closed_at: datetime | None = None

    def remaining(self) -> Decimal:
        return EXACT.subtract(self.amount, self.filled)


class PaperVenue(UnifiedDictSeam):
    """A simulated spot venue over stored candles. See the module docstring for the fill model.

    It implements the seam (:class:`~predator.venues.base.SimulatedVenue`: ``place``, ``cancel``,
    ``order_by_client_id``, ``open_orders``, ``trades_since``, ``balance``, ``transfers_since``,
    ``advance_to``, ``restore``) over its ccxt-shaped engine calls (``place_order``, ``advance``, …), which
    the staging emulator serves as the venues' JSON."""

    def __init__(self, bars: dict[str, Bars], config: PaperConfig, balances: dict[str, Decimal] | None = None,
                 grid: FillGrid | None = None) -> None:
        self.name = f"paper:{config.venue}"
        self.config = config
        self.grid = grid
        self.faults = Faults()
        self.transfers: list[dict[str, Any]] = []
        self.bars = bars
        self.balances: dict[str, Decimal] = dict(balances or {})
        self.orders: dict[str, _Order] = {}
        #: The orders that may still be open, in the order they were added (a subset of :attr:`orders`, pruned
        #: by :meth:`_open_orders`): every hour reads the open orders, and a long backtest accumulates thousands of
        #: closed ones (issue 18: scanning all of them made later hours slower than earlier ones).
        self._maybe_open: dict[str, _Order] = {}
        self.trades: list[Trade] = []
        self.events: list[dict[str, Any]] = []  # venue events not yet collected by the runner
        self._maker, self._taker = (f / Decimal(10000) for f in config.fees())
        self._processed_until: int | None = None
        self._trade_seq = 0
        self._event_seq = 0

    # --- determinism ------------------------------------------------------------------------------
    def _rng(self, client_order_id: str) -> random.Random:
        return seams.rng(client_order_id, self.config.seed)

    # --- balances ---------------------------------------------------------------------------------
    def deposit(self, currency: str, amount: Decimal) -> None:
        self.balances[currency] = EXACT.add(self.balances.get(currency, Decimal(0)), amount)

    def _reserved(self, currency: str) -> Decimal:
        total = Decimal(0)
        with localcontext(EXACT):
            for o in self._open_orders():
                base, quote = o.symbol.split("/")
                if o.side == "buy" and quote == currency:
                    total += o.remaining() * (o.price if o.price is not None else o.ref_price) * (1 + self._taker)
                elif o.side == "sell" and base == currency:
                    total += o.remaining()
        return total

    def _reference_price(self, symbol: str, at: datetime) -> Decimal:
        """Open of the bar in which an order placed at ``at`` arrives (the last bar when beyond the data)."""
        bars = self.bars[symbol]
        k = min(bisect.bisect_left(bars.ts, int(at.timestamp()) // HOUR * HOUR), len(bars.ts) - 1)
        return bars.open[k]

    def idle(self) -> bool:
        """Whether advancing the venue's clock can change nothing: no order that may still fill or expire, no event
        waiting to be collected, no transfer ever seen and no fault injected. An idle paper venue answers every hour
        alike (no event, the same balances, no open order), which lets the runner close a stretch of quiet hours in
        one call (:meth:`predator.runner.step.HourStep.quiet_hours`)."""
        return not self._open_orders() and not self.events and not self.transfers and self.faults == Faults()

    def _reachable(self) -> None:
        if self.faults.network_down:
            raise TransientVenueError(f"{self.name}: venue unreachable (simulated network block)")

    def withdraw(self, currency: str, amount: Decimal, ref: str, at: datetime) -> None:
        """Something outside Predator withdraws from the venue account (Predator itself never does)."""
        self.balances[currency] = EXACT.subtract(self.balances.get(currency, Decimal(0)), amount)
        self.transfers.append({"kind": "withdrawal", "currency": currency, "amount": amount, "id": ref, "ts": at})

    def fetch_transfers(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Deposits and withdrawals seen on the account (ccxt fetch_deposits / fetch_withdrawals)."""
        self._reachable()
        return [t for t in self.transfers if since is None or t["ts"] >= since]

    # --- the six calls ----------------------------------------------------------------------------
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
        self._reachable()
        if client_order_id in self.orders:
            return self._unified(self.orders[client_order_id])
        rng = self._rng(client_order_id)
        latency = self.config.latency_ms + (
            rng.randint(-self.config.latency_jitter_ms, self.config.latency_jitter_ms)
            if self.config.latency_jitter_ms
            else 0
        )
        arrives = at + timedelta(milliseconds=max(latency, 1))
        ref = price if price is not None else (reference_price or self._reference_price(symbol, at))
        order = _Order(
            client_order_id,
            f"P{hashlib.sha256(client_order_id.encode()).hexdigest()[:16]}",
            symbol,
            side,
            order_type,
            amount,
            price,
            at,
            arrives,
            expiry,
            ref_price=ref,
        )
        self.orders[client_order_id] = order
        self._maybe_open[client_order_id] = order
        base, quote = symbol.split("/")
        if symbol not in self.bars:
            self._reject(order, "unknown_symbol")
        elif rng.random() < self.config.reject_rate:
            self._reject(order, "venue_reject")
        elif side == "buy":
            with localcontext(EXACT):
                need = amount * order.ref_price * (1 + self._taker)
                free = self.balances.get(quote, Decimal(0)) - (self._reserved(quote) - need)
            if need > free:
                self._reject(order, "insufficient_balance")
        else:
            with localcontext(EXACT):
                free = self.balances.get(base, Decimal(0)) - (self._reserved(base) - amount)
            if amount > free:
                self._reject(order, "insufficient_balance")
        if client_order_id in self.faults.timeout_after_accept:
            raise TransientVenueError(
                f"{self.name}: request timed out placing {client_order_id} (the venue accepted it)"
            )
        return self._unified(order)

    def _open_orders(self) -> list[_Order]:
        """The open orders, in the order they were added (as :attr:`orders` holds them); the closed ones are
        dropped from :attr:`_maybe_open` here (an order never opens again once closed)."""
        closed = [c for c, o in self._maybe_open.items() if o.status != "open"]
        for c in closed:
            del self._maybe_open[c]
        return list(self._maybe_open.values())

    def _reject(self, order: _Order, reason: str) -> None:
        order.status = "rejected"
        order.reason = reason
        order.closed_at = order.arrives_at

    def cancel_order(self, client_order_id: str, at: datetime, symbol: str | None = None) -> Order:
        self._reachable()
        order = self.orders[client_order_id]
        if order.status == "open":
            order.status = "canceled"
            order.closed_at = max(at, order.arrives_at)
            self._event({"kind": "canceled", "order": order.client_order_id, "ts": order.closed_at})
        return self._unified(order)

    def fetch_order(self, client_order_id: str, symbol: str | None = None) -> Order | None:
        self._reachable()
        order = self.orders.get(client_order_id)
        return self._unified(order) if order else None

    def fetch_balance(self) -> dict[str, Decimal]:
        self._reachable()
        return {k: v for k, v in self.balances.items() if v != 0}

    def fetch_open_orders(self, symbol: str | None = None) -> list[Order]:
        self._reachable()
        return [
            self._unified(o)
            for o in self._open_orders()
            if symbol is None or o.symbol == symbol
        ]

    def fetch_my_trades(self, symbol: str | None = None, since: datetime | None = None) -> list[Trade]:
        self._reachable()
        return [
            t
            for t in self.trades
            if (symbol is None or t["symbol"] == symbol) and (since is None or t["timestamp"] >= ms(since))
        ]

    # --- the seam (predator.venues.base.SimulatedVenue; place, cancel, lookups from UnifiedDictSeam) ---
    def trades_since(self, since: datetime | None) -> tuple[VenueTrade, ...]:
        return tuple(venue_trade(t) for t in self.fetch_my_trades(None, since))


    def feed_bars(self, bars: Mapping[str, Any]) -> None:
        """The bars to match against from now on (a sync-fed run hands over what each hour knew); every
        order keeps its ``matched_until``, so a bar that arrives after its hour was matched is not used."""
        self.bars = dict(bars)

    def advance_to(self, until: datetime) -> tuple[VenueEvent, ...]:
        out: list[VenueEvent] = []
        for e in self.advance(until):
            trade = None
            if e["kind"] == "fill":
                o = self.orders.get(e["order"])
                raw = e["trade"]
                trade = venue_trade(
                    {
                        "order": o.venue_order_id if o else None,
                        "symbol": o.symbol if o else None,
                        "side": o.side if o else None,
                        **raw,
                    },
                    ts=e["ts"],
                    client_order_id=e["order"],
                )
            out.append(VenueEvent(e["kind"], e["order"], e["ts"], trade, e.get("reason")))
        return tuple(out)

    def restore(
        self, balances: Mapping[str, Decimal], orders: Sequence[RestingOrder], checkpoint: datetime | None,
        matched_until: datetime | None = None,
    ) -> None:
        for currency, amount in balances.items():
            self.balances[currency] = amount
        for o in orders:
            self.restore_order(
                o.client_order_id,
                o.symbol,
                o.side,
                o.order_type,
                o.amount,
                o.price,
                o.placed_at,
                o.expiry,
                o.filled,
                o.venue_order_id,
                matched_until=checkpoint if matched_until is None else matched_until,
                fills=o.fills,
                reference_price=o.reference_price,
            )

    # --- restart ------------------------------------------------------------------------------------
    def restore_order(
        self,
        client_order_id: str,
        symbol: str,
        side: str,
        order_type: str,
        amount: Decimal,
        price: Decimal | None,
        placed_at: datetime,
        expiry: datetime | None,
        filled: Decimal,
        venue_order_id: str | None,
        matched_until: datetime | None = None,
        fills: int = 0,
        reference_price: Decimal | None = None,
    ) -> None:
        """Re-register an open order after a restart (the paper venue's memory died with the process);
        its fills so far are what the database recorded (``filled``, ``fills``), and bars that opened
        before ``matched_until`` (the checkpoint) are not matched again. ``reference_price``: the decision
        price it was placed with, as :meth:`place` took it. Without it the order's reference was priced again
        from the bars the restarted venue held, which were only the run's warm-up until the first hour
        refreshed them: a restored market order reported as a ghost fill at a price days old (chaos campaign
        1, seed 1057683339: 21.89 against the 21.95 of the uninterrupted run, and replay parity broke)."""
        rng = self._rng(client_order_id)
        latency = self.config.latency_ms + (
            rng.randint(-self.config.latency_jitter_ms, self.config.latency_jitter_ms)
            if self.config.latency_jitter_ms
            else 0
        )
        order = _Order(
            client_order_id,
            venue_order_id or f"P{hashlib.sha256(client_order_id.encode()).hexdigest()[:16]}",
            symbol,
            side,
            order_type,
            amount,
            price,
            placed_at,
            placed_at + timedelta(milliseconds=max(latency, 1)),
            expiry,
            ref_price=price if price is not None else (reference_price or self._reference_price(symbol, placed_at)),
            filled=filled,
            matched_until=int(matched_until.timestamp()) if matched_until else 0,
            trade_offset=fills,
        )
        self.orders[client_order_id] = order
        self._maybe_open[client_order_id] = order

    # --- matching -----------------------------------------------------------------------------------
    def advance(self, until: datetime) -> list[dict[str, Any]]:
        """Process every bar with open time < ``until`` that opened at or after an order's arrival; return
        the venue events (fills, expiries, cancels) in time order and forget them."""
        self._reachable()
        limit = int(until.timestamp())
        for o in sorted(
            self._open_orders(), key=lambda o: (o.arrives_at, o.client_order_id)
        ):
            self._match(o, limit)
        events = sorted(self.events, key=lambda e: (e["ts"], e["seq"]))
        self.events = []
        if self.faults.duplicate_fills:
            events = [e for ev in events for e in ([ev, ev] if ev["kind"] == "fill" else [ev])]
        for coid in sorted(self.faults.ghost_fill_for):
            ghost = self.orders.get(coid)
            if ghost is not None and ghost.filled == 0:
                o = ghost
                ts = max(o.arrives_at, until - timedelta(minutes=30))
                price = o.price if o.price is not None else o.ref_price
                fee = (o.amount * price * self._taker).quantize(_PRICE_Q, ROUND_HALF_EVEN)
                events.append(
                    {
                        "kind": "fill",
                        "order": coid,
                        "ts": ts,
                        "trade_id": f"{o.venue_order_id}-ghost",
                        "trade": {
                            "id": f"{o.venue_order_id}-ghost",
                            "amount": o.amount,
                            "price": price,
                            "fee": {"cost": fee, "currency": o.symbol.split("/")[1]},
                            "takerOrMaker": "taker",
                        },
                    }
                )
            self.faults.ghost_fill_for.discard(coid)
        return events

    def _match(self, order: _Order, limit: int) -> None:
        bars = self.bars.get(order.symbol)
        if bars is None:
            return
        start = math.ceil(order.arrives_at.timestamp() / HOUR) * HOUR  # first bar opening at/after arrival
        if order.order_type == "market":
            # the bar in which the order arrives: it is open at arrival (arrival lies inside [t, t+1h))
            start = int(order.arrives_at.timestamp()) // HOUR * HOUR
        t = max(start, order.matched_until)
        while t < limit and order.status == "open":
            if order.expiry is not None and t >= int(order.expiry.timestamp()):
                self._expire(order, order.expiry)
                return
            i = bars.index.get(t)
            if i is not None:
                self._fill_in_bar(order, bars, i, t)
            order.matched_until = t + HOUR
            if order.order_type == "market" and order.status == "open":
                # market orders do not rest: what the bar could not absorb expires
                self._expire(
                    order, order.arrives_at if t == start else datetime.fromtimestamp(t, order.placed_at.tzinfo)
                )
                return
            t += HOUR

    def _fill_in_bar(self, order: _Order, bars: Bars, i: int, t: int) -> None:
        o, h, lo, v = bars.open[i], bars.high[i], bars.low[i], bars.volume[i]
        most = self._fill_cap(order)
        with localcontext(EXACT):
            cap = (self.config.participation * v) if self.config.participation < 1 else None
            qty = order.remaining() if cap is None else min(order.remaining(), cap)
            if most is not None:
                qty = min(qty, most - order.filled)
        if self.grid is not None:
            qty = qty.quantize(self.grid.amount, ROUND_DOWN)
        if qty <= 0:
            return
        if order.order_type == "market":
            impact = self.config.impact_bps * (qty / v) if v > 0 else Decimal(0)
            slip = (self.config.slippage_bps + impact) / Decimal(10000)
            price = (o * (1 + slip) if order.side == "buy" else o * (1 - slip)).quantize(_PRICE_Q, ROUND_HALF_EVEN)
            liquidity, fee_rate = "taker", self._taker
            ts = (
                order.arrives_at
                if order.arrives_at.timestamp() >= t
                else datetime.fromtimestamp(t, order.arrives_at.tzinfo)
            )
        else:
            # A resting limit order fills at its own price, as maker, when the bar trades through it.
            assert order.price is not None
            if (order.side == "buy" and lo > order.price) or (order.side == "sell" and h < order.price):
                return
            price, liquidity, fee_rate = order.price, "maker", self._maker
            ts = max(order.arrives_at, datetime.fromtimestamp(t, order.arrives_at.tzinfo))
        base, quote = order.symbol.split("/")
        if self.grid is not None:
            price = price.quantize(self.grid.price, ROUND_HALF_EVEN)
        # The balances move by exactly amount × price and the fee, as the book's do (EXACT).
        with localcontext(EXACT):
            cost = qty * price
            fee = (cost * fee_rate).quantize(self.grid.fee if self.grid is not None else _PRICE_Q, ROUND_HALF_EVEN)
            if order.side == "buy":
                if cost + fee > self.balances.get(quote, Decimal(0)):
                    self._reject_rest(order, ts, "insufficient_balance")
                    return
                self.balances[quote] = self.balances.get(quote, Decimal(0)) - cost - fee
                self.balances[base] = self.balances.get(base, Decimal(0)) + qty
            else:
                if qty > self.balances.get(base, Decimal(0)):
                    self._reject_rest(order, ts, "insufficient_balance")
                    return
                self.balances[base] = self.balances.get(base, Decimal(0)) - qty
                self.balances[quote] = self.balances.get(quote, Decimal(0)) + cost - fee
        self._trade_seq += 1
        trade_id = f"{order.venue_order_id}-{order.trade_offset + len(order.trades) + 1}"
        trade: Trade = {
            "id": trade_id,
            "order": order.venue_order_id,
            "clientOrderId": order.client_order_id,
            "timestamp": ms(ts),
            "datetime": ts.isoformat(),
            "symbol": order.symbol,
            "side": order.side,
            "type": order.order_type,
            "amount": qty,
            "price": price,
            "cost": cost,
            "fee": {"cost": fee, "currency": quote},
            "takerOrMaker": liquidity,
        }
        order.trades.append(trade)
        self.trades.append(trade)
        order.filled = EXACT.add(order.filled, qty)
        order.cost = EXACT.add(order.cost, cost)
        if order.remaining() == 0:
            order.status = "closed"
            order.closed_at = ts
        self._event({"kind": "fill", "order": order.client_order_id, "ts": ts, "trade_id": trade_id, "trade": trade})
        share = self.faults.partial_fill.get(order.client_order_id)
        if share is not None and order.status == "open" and order.filled >= EXACT.multiply(order.amount, share):
            self._reject_rest(order, ts, "partial_fill")

    def _fill_cap(self, order: _Order) -> Decimal | None:
        """The most the venue will ever fill of ``order`` in total (None: its whole amount). The paper venue
        fills what the bars allow, capped at the share a scenario's ``partial_fill`` fault names; a faulty venue
        (predator.chaos.venue: a partial-fill storm) caps it its own way."""
        share = self.faults.partial_fill.get(order.client_order_id)
        return None if share is None else EXACT.multiply(order.amount, share)

    def _event(self, event: dict[str, Any]) -> None:
        self._event_seq += 1
        event["seq"] = self._event_seq
        self.events.append(event)

    def _expire(self, order: _Order, ts: datetime) -> None:
        order.status = "expired"
        order.closed_at = ts
        self._event({"kind": "expired", "order": order.client_order_id, "ts": ts})

    def _reject_rest(self, order: _Order, ts: datetime, reason: str) -> None:
        # A venue that cannot settle the rest of an order cancels it.
        order.status = "canceled"
        order.reason = reason
        order.closed_at = ts
        self._event({"kind": "canceled", "order": order.client_order_id, "ts": ts, "reason": reason})

    def _unified(self, o: _Order) -> Order:
        status = {
            "open": "open",
            "closed": "closed",
            "canceled": "canceled",
            "expired": "expired",
            "rejected": "rejected",
        }[o.status]
        return {
            "id": o.venue_order_id,
            "clientOrderId": o.client_order_id,
            "timestamp": ms(o.arrives_at),
            "datetime": o.arrives_at.isoformat(),
            "symbol": o.symbol,
            "type": o.order_type,
            "side": o.side,
            "amount": o.amount,
            "price": o.price,
            "filled": o.filled,
            "remaining": o.remaining(),
            "cost": o.cost,
            "status": status,
            "trades": list(o.trades),
            "info": {"reason": o.reason},
        }
