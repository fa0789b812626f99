"""The live venue adapters through the real ccxt client, over HTTP, against the in-process venue emulator, for
Kraken and Binance, with the worker's runner and relay on a real database (issue 11, part 1):

* a submission that times out after the emulator accepted it is never resent blind: it is resolved by client
  order id; exactly one order at the venue and in the book; nothing else goes out for its symbol meanwhile;
* a submission dropped or answered 5xx before the venue saw it is given up only after the grace period, and
  then sent once;
* Kraken finds an order by ``cl_ord_id`` (ccxt's own ``fetch_order`` by client id cannot);
* a fee Binance charges in BNB is journaled in BNB and the book still reconciles;
* Kraken balances are normalised (``XXBT`` → ``BTC``, the reward sub-balance ``XBT.F`` added);
* the dead-man switch refreshes Kraken's ``CancelAllOrdersAfter`` (60 s), which cancels at the venue when the
  refreshes stop; on Binance the watchdog cancels by symbol when the heartbeat is lost;
* a withdrawal at the venue halts globally; an error the table classifies as halt halts globally.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import ccxt
import pytest

from predator.db import api
from predator.db.connection import Target
from predator.emulator import EmulatorServer
from predator.marketdata.markets import store_markets
from predator.marketdata.sync import sync_venue
from predator.runner.account import ensure_account
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import Context, Signal
from predator.venues.base import OrderRequest
from predator.venues.ccxt_venue import CcxtVenue, venue_client_id
from predator.venues.deadman import DeadManSwitch
from predator.venues.paper import PaperConfig
from tests.emulator_support import QUOTE, SYMBOL, admin, client, faults, start
from tests.helpers import approve_global_resume

pytestmark = pytest.mark.xdist_group("emulator")

AT = datetime(2024, 1, 10, tzinfo=UTC)  # BTC near 46,000: limit buys at 15,000 rest
PRINCIPAL = Decimal(10000)
HOUR = timedelta(hours=1)
VENUES = ("kraken", "binance")


class Hold:
    """Test strategy: never trades (the tests send their own orders)."""

    name = "test-hold"
    warmup_bars = 24

    def generate_signal(self, context: Context) -> Signal | None:
        return None


@dataclass
class Live:
    venue: str
    symbol: str
    srv: EmulatorServer
    exchange: ccxt.Exchange
    adapter: CcxtVenue
    runner: HourRunner
    target: Target
    placed: list[str]  # client order ids the emulator's account was asked to take (AddOrder, POST order)

    @property
    def account(self) -> str:
        return self.runner.config.account

    def signal(self, strategy: str, quantity: Decimal = Decimal("0.001"), limit: Decimal | None = Decimal(15000),
               at: datetime = AT, side: str = "buy") -> OrderRequest:
        """An admitted order of a strategy of its own (registered here), as the relay gets it."""
        with self.target.connect("operator") as op, op.transaction():
            api.register_strategy(op, self.account, strategy, {}, "live venue test")
        with self.target.connect("worker") as w, w.transaction():
            d = api.submit_signal(w, account=self.account, strategy=strategy, symbol=self.symbol, ts=at,
                                  direction=side, confidence=Decimal("0.5"), edge_bps=Decimal(50),
                                  expiry=at + timedelta(days=1), quantity=quantity,
                                  order_type="limit" if limit is not None else "market", limit_price=limit)
        assert d.outcome == "admitted" and d.client_order_id and d.quantity, d.reasons
        return OrderRequest(d.client_order_id, self.symbol, side, "limit" if limit is not None else "market",
                            d.quantity, limit, at, at + timedelta(days=1), d.decision_price)

    def book(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.target.connect("auditor") as a:
            return a.execute(sql, args).fetchall()

    def statuses(self) -> dict[str, tuple[str, str | None]]:
        rows = self.book("SELECT client_order_id, status, venue_order_id FROM api.orders WHERE account = %s",
                         self.account)
        return {r[0]: (r[1], r[2]) for r in rows}

    def clock(self, to: datetime) -> None:
        admin(self.srv, "POST", "clock", {"to": to.isoformat()})


@contextmanager
def live(target: Target, venue: str, *, balances: dict[str, Decimal] | None = None,
         extra_symbols: tuple[str, ...] = (), deposits: dict[str, Decimal] | None = None) -> Iterator[Live]:
    """An emulator standing at AT whose account holds the book's principal (and ``balances``), its markets
    and bars synced into the database, and a runner on it through :class:`CcxtVenue` (one hour closed)."""
    symbol = SYMBOL[venue]
    srv = start(venue, at=AT, balances={QUOTE[venue]: PRINCIPAL, **(balances or {})})
    placed: list[str] = []
    place = srv.core.place

    def noted(*args: Any, **kwargs: Any) -> Any:
        placed.append(str(args[5] if len(args) > 5 else kwargs.get("client_order_id")))
        return place(*args, **kwargs)

    srv.core.place = noted  # type: ignore[method-assign]
    try:
        ex = client(srv, timeout_ms=10_000)
        with target.connect("worker") as conn:
            store_markets(conn, ex)
            synced = sync_venue(conn, ex, [symbol, *extra_symbols], initial_bars=72)
            assert all(s.ok for s in synced), [s.line() for s in synced]
        adapter = CcxtVenue(ex, symbols=(symbol,))
        cfg = RunConfig(account=f"live-{venue}", symbols=(symbol,), strategy="test:hold", params={},
                        start=AT - HOUR, end=AT + timedelta(days=1), principal=PRINCIPAL,
                        base_currency=QUOTE[venue], venue=PaperConfig(venue=venue, latency_jitter_ms=0))
        ensure_account(target, cfg)
        with target.connect("operator") as op, op.transaction():
            for ccy, amount in (deposits or {}).items():  # what the venue holds besides the principal
                api.deposit(op, cfg.account, amount, AT - HOUR, "live venue test", ccy)
        runner = HourRunner(target, cfg, strategy=Hold(), venue=adapter)
        runner.prepare()
        try:
            runner.step(AT)
            yield Live(venue, symbol, srv, ex, adapter, runner, target, placed)
        finally:
            runner.close()
    finally:
        srv.stop()


def halts(lv: Live) -> list[tuple[Any, ...]]:
    """The active halts, with the last reconciliation's differences when there are any."""
    rows = lv.book("SELECT scope_kind, reason FROM api.halts WHERE active")
    diffs = lv.book("SELECT diffs FROM api.reconciliations WHERE NOT clean ORDER BY seq DESC LIMIT 1")
    return rows + ([("diffs", diffs[0][0])] if rows and diffs else [])


# --- outcome unknown -------------------------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_a_submission_that_times_out_after_the_venue_accepted_it_is_resolved_by_client_order_id(
        db: Target, venue: str) -> None:
    with live(db, venue) as lv:
        first, second = lv.signal("t1"), lv.signal("t2")
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        lv.exchange.timeout = 1000  # the answer comes 3 s after the venue took the order
        faults(lv.srv, {"faults": [{"kind": "timeout_after_accept", "delay_ms": 3000, "times": 1}]})
        relay.place(conn, [first, second])
        # The first is at the venue, its outcome unknown here: it stays new in the book and blocks its symbol,
        # so the second was not sent.
        assert lv.placed == [venue_client_id(venue, first.client_order_id)]
        assert set(relay.unknown) == {first.client_order_id} and relay.blocked_symbols() == {lv.symbol}
        assert lv.statuses() == {first.client_order_id: ("new", None), second.client_order_id: ("new", None)}
        lv.exchange.timeout = 10_000
        # The worker's next look at its requests resolves the first by client order id (found: acknowledged,
        # never sent again), then sends the second.
        assert relay.service_requests(conn, AT) == 2
        assert lv.placed == [venue_client_id(venue, c) for c in (first.client_order_id, second.client_order_id)]
        at_venue = lv.srv.core.orders()
        assert sorted(o.client_order_id or "" for o in at_venue) == sorted(lv.placed)
        statuses = lv.statuses()
        assert {s for s, _ in statuses.values()} == {"open"}
        assert {v for _, v in statuses.values()} == {o.venue_id for o in at_venue}
        assert not relay.unknown and not halts(lv)
        lv.runner.step(AT + HOUR)  # the hour reconciles: the venue and the book agree
        assert not halts(lv)


@pytest.mark.parametrize("venue", VENUES)
def test_an_unknown_submission_that_filled_is_resolved_by_its_trade(db: Target, venue: str) -> None:
    with live(db, venue) as lv:
        order = lv.signal("f1", quantity=Decimal("0.01"), limit=None)
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        lv.exchange.timeout = 1000
        faults(lv.srv, {"faults": [{"kind": "timeout_after_accept", "delay_ms": 3000, "times": 1}]})
        relay.place(conn, [order])
        lv.exchange.timeout = 10_000
        assert set(relay.unknown) == {order.client_order_id}
        lv.clock(AT + HOUR + timedelta(seconds=1))  # the market order filled at the venue meanwhile
        lv.runner.step(AT + HOUR)  # the poll sees its trade before anything else resolves it
        assert lv.statuses() == {order.client_order_id: ("filled", lv.srv.core.orders()[0].venue_id)}
        assert lv.placed == [venue_client_id(venue, order.client_order_id)] and not relay.unknown
        events = lv.book("SELECT kind FROM api.order_events WHERE client_order_id = %s ORDER BY seq",
                         order.client_order_id)
        assert [e[0] for e in events] == ["created", "acknowledged", "fill"]
        assert not halts(lv)


@pytest.mark.parametrize("fault", [{"kind": "drop"}, {"kind": "http_error", "status": 503}], ids=["drop", "503"])
@pytest.mark.parametrize("venue", VENUES)
def test_a_submission_the_venue_never_saw_is_given_up_only_after_the_grace_period_then_sent_once(
        db: Target, venue: str, fault: dict[str, Any]) -> None:
    path = "AddOrder" if venue == "kraken" else "/api/v3/order"
    with live(db, venue) as lv:
        order = lv.signal("g1")
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        now = [0.0]
        relay.clock = lambda: now[0]
        faults(lv.srv, {"faults": [dict(fault, endpoint=path, method="POST", times=1)]})
        relay.place(conn, [order])
        assert set(relay.unknown) == {order.client_order_id} and lv.placed == []
        now[0] = relay.unknown_grace_s - 1  # the venue does not list it, but it may still come: not resent
        relay.service_requests(conn, AT)
        assert lv.placed == [] and set(relay.unknown) == {order.client_order_id}
        assert lv.statuses()[order.client_order_id] == ("new", None)
        now[0] = relay.unknown_grace_s + 1  # not by client order id, not in the trades: never received
        relay.service_requests(conn, AT)
        assert lv.placed == [venue_client_id(venue, order.client_order_id)] and not relay.unknown
        assert lv.statuses()[order.client_order_id][0] == "open"


# --- Kraken's client order ids -----------------------------------------------------------------------------
def test_kraken_finds_an_order_by_cl_ord_id_where_ccxt_fetch_order_cannot(db: Target) -> None:
    with live(db, "kraken") as lv:
        resting, filled = lv.signal("k1"), lv.signal("k2", limit=None)
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        relay.place(conn, [resting, filled])
        short_uuid = venue_client_id("kraken", resting.client_order_id)
        assert len(short_uuid) == 32 and int(short_uuid, 16) >= 0  # a short UUID, as Kraken's cl_ord_id takes
        assert {o.client_order_id for o in lv.srv.core.orders()} == set(lv.placed)
        with pytest.raises(ccxt.BaseError):  # the known defect: ccxt sends the id as the integer userref
            lv.exchange.fetch_order(None, lv.symbol, {"clientOrderId": short_uuid})
        found = lv.adapter.order_by_client_id(resting.client_order_id, symbol=lv.symbol)
        assert found is not None and (found.client_order_id, found.status) == (resting.client_order_id, "open")
        lv.clock(AT + HOUR + timedelta(seconds=1))  # the market order fills when its bar closes
        done = lv.adapter.order_by_client_id(filled.client_order_id, symbol=lv.symbol)
        assert done is not None and done.status == "closed"  # found among the closed orders
        assert lv.adapter.order_by_client_id("PD" + "0" * 30, symbol=lv.symbol) is None
        canceled = lv.adapter.cancel(resting.client_order_id, at=AT, symbol=lv.symbol)
        assert canceled.status == "canceled"  # Kraken's CancelOrder answers a count: the order is read back
        lv.runner.step(AT + HOUR)
        assert lv.statuses() == {resting.client_order_id: ("canceled", found.venue_order_id),
                                 filled.client_order_id: ("filled", done.venue_order_id)}
        assert not halts(lv)


# --- fees in the currency charged, balances ---------------------------------------------------------------
def test_a_fee_binance_charges_in_bnb_is_journaled_in_bnb(db: Target) -> None:
    with live(db, "binance", balances={"BNB": Decimal(1)}, extra_symbols=("BNB/USDT",),
              deposits={"BNB": Decimal(1)}) as lv:
        faults(lv.srv, {"faults": [{"kind": "fee_asset", "asset": "BNB"}]})
        order = lv.signal("b1", quantity=Decimal("0.01"), limit=None)
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        relay.place(conn, [order])
        lv.clock(AT + HOUR + timedelta(seconds=1))
        lv.runner.step(AT + HOUR)
        fills = lv.book("SELECT fee, fee_currency FROM api.fills WHERE client_order_id = %s", order.client_order_id)
        assert len(fills) == 1 and fills[0][1] == "BNB" and fills[0][0] > 0
        fee = fills[0][0]
        balances = dict((r[0], r[1]) for r in lv.book(
            "SELECT account_code || ':' || currency, balance FROM api.balances WHERE account = %s AND currency = 'BNB'",
            lv.account))
        # The deposit's treasury memo (principal -1 / treasury +1, docs/treasury.md) is in BNB too; the fee
        # expense memo is in the reporting currency.
        assert balances == {"trading:BNB": Decimal(1) - fee, "fees:BNB": fee, "external:BNB": Decimal(-1),
                            "principal:BNB": Decimal(-1), "treasury:BNB": Decimal(1)}
        assert lv.srv.core.paper.balances["BNB"] == Decimal(1) - fee  # the venue took the same
        fees_quote = lv.book("SELECT fees_quote FROM trading.order_state WHERE client_order_id = %s",
                             order.client_order_id)
        assert fees_quote[0][0] > 0  # valued at the BNB/USDT mark
        assert not halts(lv)  # reconciled clean: the book's BNB is the venue's


def test_kraken_balances_are_normalised(db: Target) -> None:
    srv = start("kraken", at=AT, balances={"USD": Decimal(500), "BTC": Decimal("0.25"), "BTC.F": Decimal("0.5"),
                                          "ETH.S": Decimal(3)})
    try:
        ex = client(srv)
        raw = ex.private_post_balanceex()["result"]
        assert {"XXBT", "XBT.F", "ZUSD", "ETH.S"} <= set(raw)
        assert CcxtVenue(ex).balance() == {"BTC": Decimal("0.75"), "USD": Decimal(500)}
    finally:
        srv.stop()


# --- balances move by what the venue reports ------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_the_venue_balances_move_by_exactly_the_fills_it_reports(db: Target, venue: str) -> None:
    """Market buys and a sell of odd sizes, some cut by the participation cap to amounts off the venue's grid:
    the emulator fills on the grid it reports (8 decimals of amount and price, the fee to 6 on Kraken, 8 on
    Binance), so its own balances are exactly what the fills ccxt read add up to, and every hour reconciles
    clean at the default tolerance (1e-8), with no drift."""
    with live(db, venue) as lv:
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        plan = [("buy", "0.00123"), ("buy", "0.00987"), ("buy", "0.03141"), ("sell", "0.00777"), ("buy", "0.00271"),
                ("sell", "0.01")]
        for i, (side, quantity) in enumerate(plan):
            at = AT + i * HOUR
            if i == 2:  # fills cut to a sliver of the bar's volume: partial amounts with many decimals
                faults(lv.srv, {"faults": [{"kind": "partial_fills", "participation": "0.0000031"}]})
            if i == 4:
                faults(lv.srv, {"faults": []})
            # one strategy throughout: a strategy sells only what it holds itself (docs/risk.md)
            relay.place(conn, [lv.signal("grid", quantity=Decimal(quantity), limit=None, at=at, side=side)])
            lv.clock(at + HOUR + timedelta(seconds=1))
            with db.connect("worker") as w:  # the hour's bar, for the next decision
                assert all(r.ok for r in sync_venue(w, lv.exchange, [lv.symbol]))
            lv.runner.step(at + HOUR)
            assert not halts(lv), halts(lv)
        fills = lv.book("SELECT side, quantity, price, fee, fee_currency FROM api.fills WHERE account = %s",
                        lv.account)
        assert len(fills) >= len(plan)
        quote, base = QUOTE[venue], lv.symbol.split("/")[0]
        assert {f[4] for f in fills} == {quote}
        assert any(q != q.quantize(Decimal("1e-5")) for _, q, _, _, _ in fills)  # amounts off the 1e-5 grid
        cash = PRINCIPAL + sum((-q * p - fee if side == "buy" else q * p - fee) for side, q, p, fee, _ in fills)
        held = sum((q if side == "buy" else -q) for side, q, _, _, _ in fills)
        at_venue = {b.asset: b.total for b in lv.srv.core.balances()}
        assert (at_venue[quote], at_venue[base]) == (cash, held)  # exactly: not one unit of the last decimal off
        rows = lv.book("SELECT clean, tolerance, diffs FROM api.reconciliations WHERE account = %s ORDER BY seq",
                       lv.account)
        assert len(rows) >= len(plan) and all(clean for clean, _, _ in rows), rows
        assert {tol for _, tol, _ in rows} == {Decimal("0.00000001")}


# --- dead-man switch ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_the_dead_man_switch(db: Target, venue: str) -> None:
    with live(db, venue) as lv:
        order = lv.signal("d1")
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        relay.place(conn, [order])
        beats = [1000.0]
        switch = DeadManSwitch(lv.adapter, [lv.symbol], clock=lambda: beats[0])
        if venue == "kraken":
            assert switch.tick() == "armed" and switch.tick() == "armed"
            calls = admin(lv.srv, "GET", "state")["dead_man"]["calls"]
            assert [c["timeout_s"] for c in calls] == [60, 60]  # CancelAllOrdersAfter, 60 s
            lv.clock(AT + timedelta(seconds=59))
            assert {o.status for o in lv.srv.core.orders()} == {"open"}
            lv.clock(AT + timedelta(seconds=61))  # no refresh for 60 s: Kraken cancels everything
            assert {o.status for o in lv.srv.core.orders()} == {"canceled"}
        else:
            assert switch.tick() == "idle"  # Binance spot has no switch to refresh
            beats[0] += 61  # the worker's heartbeat is lost: the watchdog cancels by symbol
            assert switch.tick() == "canceled" and switch.cancels == 1
            assert {o.status for o in lv.srv.core.orders()} == {"canceled"}
        lv.runner.step(AT + HOUR)  # the book learns it from the poll
        assert lv.statuses()[order.client_order_id][0] == "canceled"


# --- halts --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_a_withdrawal_at_the_venue_halts_globally(db: Target, venue: str) -> None:
    with live(db, venue) as lv:
        faults(lv.srv, {"faults": [{"kind": "withdrawal", "asset": QUOTE[venue], "amount": 25}]})
        lv.runner.step(AT + HOUR)
        assert ("global",) in [(h[0],) for h in halts(lv)]
        assert lv.book("SELECT kind, amount FROM api.venue_transfers WHERE kind = 'withdrawal'") == \
            [("withdrawal", Decimal(25))]


@pytest.mark.parametrize("venue", VENUES)
def test_a_venue_error_classified_as_halt_halts_globally_and_nothing_more_is_sent(db: Target, venue: str) -> None:
    with live(db, venue) as lv:
        first, second = lv.signal("h1"), lv.signal("h2")
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        lv.exchange.secret = "d3Jvbmc=" if venue == "kraken" else "wrong"  # the key's secret no longer signs
        relay.place(conn, [first, second])
        assert lv.placed == [] and relay.halted is not None
        rows = lv.book("SELECT scope_kind, reason FROM api.halts WHERE active")
        assert [r[0] for r in rows] == ["global"] and "venue_fatal_error" in rows[0][1]
        assert lv.book("SELECT count(*) FROM api.incidents WHERE title LIKE '%%venue_fatal_error%%'") == [(1,)]


def test_an_order_the_venue_banned_is_rejected_and_never_sent_again(db: Target) -> None:
    """HTTP 418 on the order entry itself: the venue refused the request before processing it, so the order is
    recorded ``rejected`` with the ban as its reason, in the pass that halts; the next order of that pass is held
    back (``new``). After the operator's resume, the same relay at its next hour, holding nothing back like a relay
    started afresh (a worker restart), sends the held-back order and never the banned one: a restarted run and its
    uninterrupted replay send the same orders."""
    with live(db, "binance") as lv:
        banned, held = lv.signal("ban"), lv.signal("held")
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        faults(lv.srv, {"faults": [{"kind": "rate_limit", "status": 418, "endpoint": "/order", "method": "POST",
                                    "times": 1}]})
        relay.place(conn, [banned, held])
        assert lv.placed == [] and relay.halted is not None
        assert lv.statuses()[banned.client_order_id][0] == "rejected"
        assert lv.statuses()[held.client_order_id][0] == "new"
        reason = lv.book("SELECT reason FROM api.order_events WHERE client_order_id = %s AND kind = 'rejected'",
                         banned.client_order_id)
        assert len(reason) == 1 and "418" in reason[0][0], reason
        assert [h[0] for h in halts(lv)] == ["global"]
        incidents = lv.book("SELECT incident FROM api.incidents WHERE status <> 'resolved'")
        with lv.target.connect("operator") as op:
            approve_global_resume(lv.target, op, "ban lifted")
            with op.transaction():
                for (incident,) in incidents:
                    api.update_incident(op, incident, "resolved", "understood: the banned order is rejected")
                api.resume(op, "ban lifted; the banned order was rejected")
        relay.begin_hour()
        assert relay.halted is None  # the next decision time: the database's halt (lifted) decides
        assert relay.service_requests(conn, AT + HOUR) == 1
        assert lv.placed == [held.client_order_id] and not halts(lv)
        assert lv.statuses()[held.client_order_id][0] != "new"
        assert lv.statuses()[banned.client_order_id][0] == "rejected"
