"""Seed 000's six live scenarios (T1-T6), in ``live`` mode, on Kraken and on Binance, end to end: the hour
runner of a live account (lane ``live_canary``) trades through :class:`CcxtVenue`, the real ccxt client, over
loopback HTTP to the venue emulator; its bars arrive through the live sync, hour by hour, as in production
(``feed = 'sync'``). Each scenario provokes one situation and asserts its outcome in the database and at the
venue:

* T1 a small order's lifecycle: the book, the venue's trades and balances, and reconciliation agree;
* T2 a cancel leaves no ghost order, in the book or at the venue;
* T3 a partial fill, reported twice, counts once: position = fills = lots = the venue's balance;
* T4 the venue unreachable trips the connectivity breaker and halts everything, nothing goes out;
* T5 the operator's kill switch cancels the resting order at the venue, flattens, and nothing else goes out;
* T6 the book's state corrupted behind the database's back is detected by reconciliation, halts, and
  blocks resume.

and, beside them, a worker killed while a submission's outcome is unknown: the restarted worker never resends
it blind (found by client order id, or sent once after the grace period), and the venue holds one order.

The paper-venue versions of these scenarios are tests/acceptance/test_safety_scenarios.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import ccxt
import psycopg
import pytest

from predator import errors
from predator.db import api
from predator.db.connection import Target
from predator.emulator import EmulatorServer
from predator.marketdata.markets import store_markets
from predator.marketdata.sync import sync_venue
from predator.retry import Retrier
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.venues.ccxt_venue import CcxtVenue, venue_client_id
from predator.venues.paper import PaperConfig
from tests.emulator_support import QUOTE, SYMBOL, admin, client, faults, start
from tests.helpers import set_burn_in

pytestmark = pytest.mark.xdist_group("emulator")

AT = datetime(2024, 1, 10, tzinfo=UTC)  # BTC near 46,000: a limit buy at 15,000 rests
H = timedelta(hours=1)
PRINCIPAL = Decimal(10000)
STRATEGY = "tests.fixtures.scripted:Scripted"
VENUES = ("kraken", "binance")


def at(hours: int) -> datetime:
    return AT + hours * H


@dataclass
class LiveBook:
    """A live account on the emulated venue, and the hours it has closed."""

    venue: str
    symbol: str
    srv: EmulatorServer
    exchange: ccxt.Exchange
    adapter: CcxtVenue
    runner: HourRunner
    db: Target
    placed: list[str]  # the venue's client order ids of every order the emulator was asked to take

    @property
    def account(self) -> str:
        return self.runner.config.account

    @property
    def base(self) -> str:
        return self.symbol.split("/")[0]

    def hours(self, first: int, last: int) -> None:
        """Close hours ``first``..``last``: the venue's clock reaches each decision time, the sync stores
        the bar that just closed, then the runner runs the hour (poll, reconcile, decide, admit, send)."""
        for h in range(first, last + 1):
            admin(self.srv, "POST", "clock", {"to": (at(h) + timedelta(seconds=1)).isoformat()})
            with self.db.connect("worker") as conn:
                sync_venue(conn, self.exchange, [self.symbol], initial_bars=72, sleep=lambda _s: None)
            self.runner.step(at(h))

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.db.connect("auditor") as conn:
            return conn.execute(sql, args).fetchall()

    def one(self, sql: str, *args: Any) -> Any:
        row = self.rows(sql, *args)[0]
        return row[0] if len(row) == 1 else row

    def book_trading(self) -> dict[str, Decimal]:
        return dict(self.rows("SELECT currency, balance FROM api.balances WHERE account = %s"  # type: ignore[arg-type]
                              " AND account_code = 'trading' AND balance <> 0", self.account))

    def venue_balance(self) -> dict[str, Decimal]:
        return {c: b for c, b in self.adapter.balance().items() if b != 0}

    def global_halt(self) -> bool:
        return bool(self.one("SELECT coalesce(bool_or(active), false) FROM api.halts WHERE scope_kind = 'global'"))

    def at_venue(self) -> dict[str, str]:
        """The venue's orders: its client order id -> status."""
        return {o.client_order_id or "": o.status for o in self.srv.core.orders()}


@contextmanager
def live_book(db: Target, venue: str, plan: list[list[Any]], *, expiry_hours: int = 1) -> Iterator[LiveBook]:
    """A live account (``mode = 'live'``, lane ``live_canary``) holding the principal the emulator's
    account holds, its strategy the scripted ``plan``; the venue's clock stands at ``at(0)``."""
    symbol = SYMBOL[venue]
    srv = start(venue, at=at(0), balances={QUOTE[venue]: PRINCIPAL})
    placed: list[str] = []
    place = srv.core.place

    def noted(*args: Any, **kwargs: Any) -> Any:
        placed.append(str(args[5] if len(args) > 5 else kwargs.get("client_order_id")))
        return place(*args, **kwargs)

    srv.core.place = noted  # type: ignore[method-assign]
    runner: HourRunner | None = None
    try:
        ex = client(srv, timeout_ms=10_000)
        with db.connect("worker") as conn:
            store_markets(conn, ex)
        # A live strategy needs a forward burn-in (PD014); this venue is an emulator.
        set_burn_in(db, 0, "test: seed 000 scenarios on the emulator")
        params = effective_params(load_strategy(STRATEGY, {"plan": plan, "expiry_hours": expiry_hours}))
        cfg = RunConfig(account=f"t-{venue}", symbols=(symbol,), strategy=STRATEGY, params=params, start=at(1),
                        end=at(48), principal=PRINCIPAL, base_currency=QUOTE[venue], mode="live", feed="sync",
                        venue=PaperConfig(venue=venue, latency_jitter_ms=0))
        # Reads retry as in production, without the waits between attempts (the test's clock is the venue's).
        adapter = CcxtVenue(ex, symbols=(symbol,), retrier=Retrier(sleep=lambda _s: None))
        with db.connect("worker") as conn:
            sync_venue(conn, ex, [symbol], initial_bars=72)
        runner = HourRunner(db, cfg, venue=adapter)
        runner.prepare()
        with db.connect("auditor") as conn:
            lane = conn.execute("SELECT mode, lane FROM trading.account WHERE name = %s", (cfg.account,)).fetchone()
        assert lane == ("live", "live_canary")
        book = LiveBook(venue, symbol, srv, ex, adapter, runner, db, placed)
        try:
            yield book
        finally:
            runner = book.runner  # a test may have restarted it
    finally:
        if runner is not None:
            runner.close()
        srv.stop()


#: The venue reports balances to 8 decimals while the book holds each fill's exact cost (amount x price); the
#: database's reconciliation tolerance (ops setting reconcile_tolerance, default 1e-8) covers exactly that.
TOLERANCE = Decimal("1e-8")


def _book_balances_match_the_venue(lb: LiveBook) -> None:
    book, venue = lb.book_trading(), lb.venue_balance()
    assert set(book) == set(venue), (book, venue)
    assert all(abs(book[c] - venue[c]) <= TOLERANCE for c in book), (book, venue)


# --- T1 ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_t1_small_order_lifecycle_book_venue_and_reconciliation_agree(db: Target, venue: str) -> None:
    with live_book(db, venue, [[at(2).isoformat(), SYMBOL[venue], "buy", "0.001", "market", None],
                               [at(5).isoformat(), SYMBOL[venue], "exit", None, "market", None]]) as lb:
        lb.hours(1, 8)
        orders = lb.rows("SELECT client_order_id, side, status, venue_order_id FROM api.orders"
                         " WHERE account = %s ORDER BY seq", lb.account)
        assert [(o[1], o[2]) for o in orders] == [("buy", "filled"), ("sell", "filled")]
        events = [k for (k,) in lb.rows("SELECT kind FROM api.order_events WHERE account = %s ORDER BY seq",
                                        lb.account)]
        assert events == ["created", "acknowledged", "fill"] * 2
        # Each order went to the venue once, under its client order id, and the venue's trades are the fills.
        assert lb.placed == [venue_client_id(venue, o[0]) for o in orders]
        assert sorted(o[3] for o in orders) == sorted(o.venue_id for o in lb.srv.core.orders())
        venue_trades = sorted((t.trade_id, t.amount, t.price) for t in lb.adapter.trades_since(None))
        fills = sorted(lb.rows("SELECT venue_trade_id, quantity, price FROM api.fills WHERE account = %s",
                               lb.account))
        assert len(fills) == 2 and venue_trades == fills
        _book_balances_match_the_venue(lb)
        assert lb.one("SELECT count(*) FROM api.reconciliations WHERE account = %s", lb.account) >= 8
        assert lb.one("SELECT count(*) FROM api.reconciliations WHERE NOT clean") == 0
        assert lb.one("SELECT count(*) FROM api.round_trips WHERE account = %s", lb.account) == 1
        assert not lb.global_halt()


# --- T2 ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_t2_cancel_and_replace_leaves_no_ghost_order_anywhere(db: Target, venue: str) -> None:
    symbol = SYMBOL[venue]
    plan = [[at(1).isoformat(), symbol, "buy", "0.001", "limit", "15000"],  # far below the market: rests
            [at(4).isoformat(), symbol, "buy", "0.001", "limit", "60000"]]  # the replacement: fills
    with live_book(db, venue, plan, expiry_hours=48) as lb:
        lb.hours(1, 2)
        (coid,) = [c for (c,) in lb.rows("SELECT client_order_id FROM api.orders WHERE account = %s", lb.account)]
        assert lb.at_venue() == {venue_client_id(venue, coid): "open"}
        with db.connect("worker") as conn, conn.transaction():  # the strategy's cancel request
            assert api.record_order_event(conn, client_order_id=coid, kind="cancel_requested", ts=at(2)) == "open"
        lb.hours(3, 6)
        statuses = lb.rows("SELECT client_order_id, status FROM api.orders WHERE account = %s ORDER BY seq",
                           lb.account)
        assert statuses[0] == (coid, "canceled") and statuses[1][1] == "filled"
        found = lb.adapter.order_by_client_id(coid, symbol=symbol)
        assert found is not None and found.status == "canceled"
        assert lb.adapter.open_orders() == ()
        assert sorted(lb.at_venue().values()) == ["canceled", "closed"]
        assert lb.one("SELECT count(*) FROM api.orders WHERE status IN ('new', 'open', 'partially_filled')") == 0
        last = lb.rows("SELECT venue_open_orders, book_open_orders, clean FROM api.reconciliations"
                       " WHERE account = %s ORDER BY seq DESC LIMIT 1", lb.account)[0]
        assert last == ([], [], True)
        _book_balances_match_the_venue(lb)
        # The replacement is a limit far above the decision price: its fill trips slippage_bps (150 bps), which
        # used to halt this account alone; in a live lane every breaker now halts globally (issue 13, seed 000).
        assert lb.rows("SELECT breaker, trip_scope FROM api.breaker_trips WHERE account = %s",
                       lb.account) == [("slippage_bps", "global")]
        assert lb.global_halt()


# --- T3 ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_t3_partial_fill_reported_twice_counts_once(db: Target, venue: str) -> None:
    symbol = SYMBOL[venue]
    with live_book(db, venue, [[at(2).isoformat(), symbol, "buy", "0.05", "market", None]]) as lb:
        # The venue fills at most a sliver of each bar's volume (a few thousandths of a bitcoin at either
        # venue's volume that day); Binance lists every trade twice, under its id, in each answer. (Kraken keys
        # an answer's trades by id, so it cannot list one twice; the emulator's Kraken "duplicate" is a second
        # id, a ghost fill, which reconciliation catches: tests/acceptance/test_safety_scenarios.py.)
        participation = "0.000002" if venue == "kraken" else "0.000005"
        plan: list[dict[str, Any]] = [{"kind": "partial_fills", "participation": participation}]
        faults(lb.srv, {"faults": plan + ([{"kind": "duplicate_trades"}] if venue == "binance" else [])})
        lb.hours(1, 6)
        status, qty, filled = lb.rows("SELECT status, quantity, filled_qty FROM api.orders WHERE account = %s",
                                      lb.account)[0]
        assert Decimal(0) < filled < qty, (status, qty, filled)
        reported = [t["id"] for t in lb.exchange.fetch_my_trades(symbol)]
        distinct = set(reported)
        assert len(reported) == (2 if venue == "binance" else 1) * len(distinct), reported
        fills = lb.rows("SELECT venue_trade_id, quantity FROM api.fills WHERE account = %s", lb.account)
        assert len(fills) == len(distinct) and {f[0] for f in fills} == distinct
        position = lb.one("SELECT quantity FROM api.positions WHERE account = %s AND symbol = %s", lb.account,
                          symbol)
        lots = lb.one("SELECT sum(remaining) FROM api.lots WHERE account = %s AND symbol = %s", lb.account, symbol)
        assert position == filled == lots == sum(f[1] for f in fills)
        assert abs(position - lb.venue_balance()[lb.base]) <= TOLERANCE
        _book_balances_match_the_venue(lb)
        assert lb.one("SELECT count(*) FROM api.reconciliations WHERE NOT clean") == 0
        assert not lb.global_halt()


# --- T4 ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_t4_venue_unreachable_trips_the_connectivity_breaker_and_halts(db: Target, venue: str) -> None:
    symbol = SYMBOL[venue]
    with live_book(db, venue, [[at(7).isoformat(), symbol, "buy", "0.001", "market", None]]) as lb:
        lb.hours(1, 2)
        faults(lb.srv, {"faults": [{"kind": "http_error", "status": 503}]})  # every venue request fails
        lb.hours(3, 6)
        assert lb.global_halt()
        trips = lb.rows("SELECT breaker, trip_scope, incident FROM api.breaker_trips")
        assert trips and trips[0][0] in ("connectivity_loss", "api_error_rate") and trips[0][1] == "global", trips
        assert lb.one("SELECT category FROM api.incidents WHERE incident = %s", trips[0][2]) == "infrastructure"
        health = lb.rows("SELECT connected, errors FROM ops.venue_health WHERE book_id ="
                         " (SELECT book_id FROM trading.account WHERE name = %s) ORDER BY seq", lb.account)
        assert health[-1][0] is False and health[-1][1] > 0
        # Blind hours: no bar reached the book, so nothing was decided (data_stale) and nothing was sent.
        assert lb.one("SELECT count(*) FROM api.decisions WHERE account = %s", lb.account) == 0
        faults(lb.srv, {"faults": []})  # the venue is back, and its bars: the halt does not lift by itself
        lb.hours(7, 8)
        decisions = lb.rows("SELECT ts, outcome, reasons FROM api.decisions WHERE account = %s", lb.account)
        # Refused for the global halt (and the account's own: its blind hours tripped the stale-data breaker).
        assert [(d[0], d[1], "halted_global" in d[2]) for d in decisions] == [(at(7), "refused", True)], decisions
        assert lb.global_halt()
        assert lb.placed == [] and lb.srv.core.orders() == []  # nothing reached the venue
        assert lb.one("SELECT count(*) FROM api.orders WHERE account = %s", lb.account) == 0


# --- T5 ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_t5_manual_kill_switch_cancels_at_the_venue_flattens_and_nothing_else_goes_out(
        db: Target, venue: str) -> None:
    symbol = SYMBOL[venue]
    plan = [[at(1).isoformat(), symbol, "buy", "0.002", "market", None],
            [at(2).isoformat(), symbol, "buy", "0.001", "limit", "15000"],
            [at(6).isoformat(), symbol, "buy", "0.001", "market", None]]
    with live_book(db, venue, plan, expiry_hours=48) as lb:
        lb.hours(1, 3)
        resting = lb.adapter.open_orders()
        assert len(resting) == 1 and lb.venue_balance()[lb.base] == Decimal("0.002")
        with db.connect("operator") as conn, conn.transaction():
            result = api.kill_switch(conn, "seed 000 T5: manual kill", flatten=True)
        assert (result.orders_marked, result.flatten_orders) == (1, 1)
        placed_before = list(lb.placed)
        lb.runner.service_requests(at(3))  # what the worker's kill watch does on the notification
        assert lb.at_venue()[venue_client_id(venue, resting[0].client_order_id)] == "canceled"
        lb.hours(4, 8)
        sent_after = lb.placed[len(placed_before):]
        by_venue_id = {venue_client_id(venue, c): (o, s) for c, o, s in lb.rows(
            "SELECT client_order_id, origin, side FROM api.orders WHERE account = %s", lb.account)}
        origins = [by_venue_id[c] for c in sent_after]
        assert origins == [("kill_switch", "sell")]  # the only order sent after the kill switch is the exit
        assert lb.one("SELECT coalesce(sum(quantity), 0) FROM api.positions WHERE account = %s", lb.account) == 0
        assert abs(lb.venue_balance().get(lb.base, Decimal(0))) <= TOLERANCE
        decisions = lb.rows("SELECT outcome, reasons FROM api.decisions WHERE account = %s AND ts = %s",
                            lb.account, at(6))
        assert decisions == [("refused", ["halted_global"])]
        assert lb.one("SELECT count(*) FROM api.audit_log WHERE action = 'kill_switch'") == 1
        assert lb.one("SELECT count(*) FROM api.incidents WHERE category = 'risk' AND source = 'operator'") == 1
        _book_balances_match_the_venue(lb)


# --- T6 ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_t6_corrupted_internal_state_is_detected_by_reconciliation_halts_and_blocks_resume(
        db: Target, venue: str) -> None:
    symbol = SYMBOL[venue]
    quote = QUOTE[venue]
    with live_book(db, venue, [[at(1).isoformat(), symbol, "buy", "0.001", "market", None]]) as lb:
        lb.hours(1, 3)
        assert not lb.global_halt()
        with psycopg.connect(db.dsn) as conn:  # the book's own cash corrupted, as a superuser, past the triggers
            conn.execute("SET session_replication_role = replica")
            conn.execute("UPDATE ledger.balance SET balance = balance + 5 WHERE account_code = 'trading'"
                         " AND currency = %s", (quote,))
        lb.hours(4, 5)
        assert lb.global_halt()
        diffs = lb.one("SELECT diffs FROM api.reconciliations WHERE NOT clean ORDER BY seq LIMIT 1")
        assert [(d["key"], d["kind"]) for d in diffs] == [(quote, "balance")], diffs
        assert abs(Decimal(str(diffs[0]["difference"])) + 5) <= TOLERANCE, diffs
        with db.connect("operator") as conn, pytest.raises(errors.ResumeRefused, match="reconciliation is dirty"):
            api.resume(conn, "trying too early")
        assert lb.global_halt()


# --- a restart while a submission's outcome is unknown ------------------------------------------------------
class WorkerDied(Exception):
    """The test's stand-in for a worker killed at a chosen point."""


@pytest.mark.parametrize("fault", ["timeout_after_accept", "drop"])
@pytest.mark.parametrize("venue", VENUES)
def test_a_restart_never_resends_blind_an_order_whose_outcome_was_unknown(db: Target, venue: str,
                                                                          fault: str) -> None:
    """The worker stops while a submission's outcome is unknown (its answer timed out after the venue took
    it, or the connection dropped before the venue saw it). The restarted worker knows nothing of it but
    the book's ``new`` order: it looks it up by client order id, and sends it only when the venue does not
    know it after the grace period. Either way the venue holds exactly one order."""
    symbol = SYMBOL[venue]
    with live_book(db, venue, [[at(1).isoformat(), symbol, "buy", "0.001", "limit", "15000"]],
                   expiry_hours=48) as lb:
        path = "AddOrder" if venue == "kraken" else "/api/v3/order"
        if fault == "timeout_after_accept":
            lb.exchange.timeout = 1000  # the answer comes 3 s after the venue took the order
            faults(lb.srv, {"faults": [{"kind": fault, "delay_ms": 3000, "times": 1}]})
        else:
            faults(lb.srv, {"faults": [{"kind": fault, "endpoint": path, "method": "POST", "times": 1}]})
        relay = lb.runner.relay
        assert relay is not None
        send = relay.place

        def place_then_die(conn: Any, orders: Any) -> None:
            send(conn, orders)
            if relay.unknown:
                raise WorkerDied  # the worker dies right after the submission's answer was lost

        relay.place = place_then_die  # type: ignore[method-assign]
        with pytest.raises(WorkerDied):
            lb.hours(1, 1)
        (coid,) = [c for (c,) in lb.rows("SELECT client_order_id FROM api.orders WHERE account = %s", lb.account)]
        assert set(relay.unknown) == {coid}
        assert lb.rows("SELECT status FROM api.orders WHERE client_order_id = %s", coid) == [("new",)]
        accepted = fault == "timeout_after_accept"
        assert len(lb.srv.core.orders()) == (1 if accepted else 0)
        lb.runner.close()  # the worker stops; what it knew of the unknown outcome is gone with it

        restarted = HourRunner(db, lb.runner.config, venue=CcxtVenue(client(lb.srv, timeout_ms=10_000),
                                                                     symbols=(symbol,)))
        lb.runner = restarted
        restarted.prepare()
        assert restarted.relay is not None
        now = [restarted.relay.clock()]
        restarted.relay.clock = lambda: now[0]
        restarted.send_unacknowledged()
        if accepted:  # found by client order id: acknowledged, not sent again
            assert lb.rows("SELECT status FROM api.orders WHERE client_order_id = %s", coid) == [("open",)]
        else:  # not at the venue, but it may still appear: held back for the grace period, then sent once
            assert lb.rows("SELECT status FROM api.orders WHERE client_order_id = %s", coid) == [("new",)]
            assert lb.srv.core.orders() == [] and set(restarted.relay.unknown) == {coid}
            now[0] += restarted.relay.unknown_grace_s + 1
            restarted.send_unacknowledged()
            assert lb.rows("SELECT status FROM api.orders WHERE client_order_id = %s", coid) == [("open",)]
        assert lb.placed == [venue_client_id(venue, coid)] and len(lb.srv.core.orders()) == 1
        last = restarted.last_closed_hour()
        lb.hours(1 if last is None else int((last - AT) / H) + 1, 3)  # the hours reconcile: venue and book agree
        assert lb.at_venue() == {venue_client_id(venue, coid): "open"}
        assert not lb.global_halt(), (lb.rows("SELECT scope_kind, reason FROM api.halts"),
                                      lb.rows("SELECT diffs FROM api.reconciliations WHERE NOT clean"))
