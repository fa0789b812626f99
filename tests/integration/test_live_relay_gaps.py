"""Gaps of the live relay found by a review of the live path (2026-12-06; docs/live.md), each against the
in-process venue emulator through the real ccxt client, with the worker's runner and relay on a real database:

* D1: a halt (``api.halt`` or a breaker) holds back an admitted order that has not reached the venue yet (held
  back earlier by a 429 or an unknown outcome): the database says so (``api.venue_requests(account).held_by``, the
  halts of ``risk._active_halts``), the relay does not send it while halted, a resume lets it go; kill-switch exits
  still go out under the kill switch's halt, and the held order is canceled by it;
* D2: a cancel the venue answers with more filled than the book holds is not booked before the fill: the poll
  relays the trade first, then the cancel (no PD005, no lost fill);
* D5: a trade the venue lists after the poll that covered its time is relayed by a later poll (the polls
  overlap), once;
* D6: Binance's trade history is read page by page (more than the 1000 trades of one page);
* D3: an exit or flatten of a position off the venue's step sells it rounded down to the step (``risk._sellable``),
  and the adapter refuses an amount ccxt would truncate;
* D4: the reconciliation compares the venue with the book as of the same hour: a worker restarted after a fill
  since the last closed hour, and an hour whose resting order fills between its poll and its balance read,
  reconcile clean (the venue's trades since the hour taken back out; the next hour's poll relays them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from predator.db import api
from predator.db.connection import Target
from predator.marketdata.sync import sync_venue
from predator.runner.hour import HourRunner
from predator.runner.relay import VenueRelay
from predator.venues.ccxt_venue import CcxtVenue, venue_client_id
from tests.emulator_support import advance, client, faults, start
from tests.helpers import approve_global_resume
from tests.integration.test_live_venues import AT, HOUR, VENUES, Hold, Live, halts, live

pytestmark = pytest.mark.xdist_group("emulator")


class _Recorder:
    """Stands in for the relay's logger: keeps (level, event, fields) and forwards to the real one."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    def __getattr__(self, level: str) -> Any:
        def log(event: str, **fields: Any) -> Any:
            self.events.append((level, event, fields))
            return getattr(self.inner, level)(event, **fields)
        return log

    def named(self, event: str) -> list[dict[str, Any]]:
        return [f for _, e, f in self.events if e == event]


@contextmanager
def recording(relay: VenueRelay) -> Iterator[_Recorder]:
    original = relay.log
    rec = _Recorder(original)
    relay.log = rec  # type: ignore[assignment]
    try:
        yield rec
    finally:
        relay.log = original


def sync(db: Target, lv: Live) -> None:
    with db.connect("worker") as w:
        assert all(r.ok for r in sync_venue(w, lv.exchange, [lv.symbol]))


def venue_requests(lv: Live) -> dict[str, tuple[str, bool, str, list[str]]]:
    rows = lv.book("SELECT client_order_id, status, cancel_requested, origin, held_by FROM api.venue_requests(%s)",
                   lv.account)
    return {r[0]: (r[1], r[2], r[3], list(r[4])) for r in rows}


def resume_all(lv: Live, reason: str) -> None:
    incidents = lv.book("SELECT incident FROM api.incidents WHERE status <> 'resolved'")
    with lv.target.connect("operator") as op:
        approve_global_resume(lv.target, op, reason)
        with op.transaction():
            for (incident,) in incidents:
                api.update_incident(op, incident, "resolved", reason)
            api.resume(op, reason)


# --- D1: a halt holds back orders not yet sent ------------------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize("fault", [{"kind": "rate_limit", "status": 429, "retry_after": 1},
                                   {"kind": "http_error", "status": 503}], ids=["429", "503"])
def test_a_halt_holds_back_an_admitted_order_not_yet_sent_until_the_resume(
        db: Target, venue: str, fault: dict[str, Any]) -> None:
    path = "AddOrder" if venue == "kraken" else "/api/v3/order"
    with live(db, venue) as lv:
        order = lv.signal("q1")  # a limit buy at 15000, admitted at AT, before any halt
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        now = [0.0]
        relay.clock = lambda: now[0]
        faults(lv.srv, {"faults": [dict(fault, endpoint=path, method="POST", times=1)]})
        relay.place(conn, [order])  # refused before processing (429) / outcome unknown (503)
        assert lv.placed == []
        assert venue_requests(lv) == {order.client_order_id: ("new", False, "signal", [])}
        with db.connect("operator") as op, op.transaction():
            op.execute("SELECT api.halt('operator halt: stop trading now')")
        # The database says the order is held, and by what.
        assert venue_requests(lv)[order.client_order_id][3] == ["halted_global"]
        now[0] = relay.unknown_grace_s + 1  # an unknown outcome is given up as never received: still not sent
        with recording(relay) as rec:
            lv.runner.step(AT + HOUR)  # the worker keeps closing hours while halted
            relay.service_requests(conn, AT + HOUR)  # and the kill listener's path sends nothing either
        assert halts(lv), "still halted"
        assert lv.placed == [], "nothing reaches the venue while halted"
        assert lv.srv.core.orders() == []
        assert lv.statuses()[order.client_order_id] == ("new", None)
        held = rec.named("order_held_back_halt")
        assert held and {h["client_order_id"] for h in held} == {order.client_order_id}
        assert all(h["halts"] == ["halted_global"] for h in held)
        assert not relay.unknown  # resolved as never received, not kept blocking its symbol
        # The operator resumes: the same running worker sends it at its next hour, once.
        resume_all(lv, "halt understood; trading resumes")
        assert venue_requests(lv)[order.client_order_id][3] == []
        lv.runner.step(AT + 2 * HOUR)
        assert lv.placed == [venue_client_id(venue, order.client_order_id)]
        assert lv.statuses()[order.client_order_id][0] == "open"


def test_held_by_names_the_halts_of_every_scope_and_exempts_kill_switch_exits(db: Target) -> None:
    """``api.venue_requests(account).held_by`` agrees with ``risk._active_halts`` (the one definition) at every scope,
    readable by the worker; a kill-switch flatten's exit is never held (it goes out under the kill switch's halt),
    and the kill switch cancels the held order before it ever reaches the venue."""
    with live(db, "binance") as lv:
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        bought = lv.signal("pos", quantity=Decimal("0.002"), limit=None)
        relay.place(conn, [bought])
        lv.clock(AT + HOUR + timedelta(seconds=1))
        sync(db, lv)
        lv.runner.step(AT + HOUR)
        assert lv.statuses()[bought.client_order_id][0] == "filled" and not halts(lv)
        faults(lv.srv, {"faults": [{"kind": "rate_limit", "status": 429, "retry_after": 1,
                                    "endpoint": "/api/v3/order", "method": "POST", "times": 1}]})
        order = lv.signal("q2", at=AT + HOUR)
        relay.place(conn, [order])
        assert lv.statuses()[order.client_order_id] == ("new", None)
        lane = lv.book("SELECT lane FROM api.accounts WHERE name = %s", lv.account)[0][0]
        scopes = [("account", lv.account, "halted_account"), ("strategy", f"{lv.account}/q2", "halted_strategy"),
                  ("lane", lane, "halted_lane"), ("global", None, "halted_global")]
        expected: list[str] = []
        for scope, target, code in scopes:
            with db.connect("operator") as op, op.transaction():
                api_args = ("test halt", scope, target) if target is not None else ("test halt",)
                op.execute(f"SELECT api.halt({', '.join(['%s'] * len(api_args))})", api_args)
            expected = sorted([*expected, code])
            with db.connect("worker") as w:  # the worker reads it (the relay's own read)
                held = w.execute("SELECT held_by FROM api.venue_requests(%s) WHERE client_order_id = %s",
                                 (lv.account, order.client_order_id)).fetchone()
            with db.connect("admin") as a:
                one_definition = a.execute("SELECT risk._active_halts(%s, %s, %s)",
                                           (lv.account, lane, "q2")).fetchone()
            assert held is not None and one_definition is not None
            assert list(held[0]) == list(one_definition[0]) == expected, scope
        with db.connect("operator") as op, op.transaction():
            op.execute("SELECT * FROM api.kill_switch('incident drill', flatten => true)")
        requests = venue_requests(lv)
        exits = {c: r for c, r in requests.items() if r[2] == "kill_switch"}
        assert len(exits) == 1 and all(r[0] == "new" and r[3] == [] for r in exits.values()), requests
        assert requests[order.client_order_id] == ("new", True, "signal", [])  # a cancel request: never held
        lv.runner.service_requests(AT + HOUR)
        assert lv.placed == [venue_client_id("binance", c) for c in (bought.client_order_id, *exits)]
        statuses = lv.statuses()
        assert statuses[order.client_order_id] == ("canceled", None)
        assert all(statuses[c][0] != "new" for c in exits)


# --- D2: a cancel waits for the fills the venue made before it -------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_a_cancel_with_a_fill_not_yet_relayed_is_booked_after_the_fill(db: Target, venue: str) -> None:
    with live(db, venue) as lv:
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        faults(lv.srv, {"faults": [{"kind": "partial_fills", "participation": "0.0000031"}]})
        order = lv.signal("k1", quantity=Decimal("0.05"), limit=Decimal(50000))  # a marketable limit buy
        relay.place(conn, [order])
        lv.clock(AT + 2 * HOUR + timedelta(minutes=20))  # later bars traded through it: partly filled
        venue_order = lv.adapter.order_by_client_id(order.client_order_id, symbol=lv.symbol)
        assert venue_order is not None and venue_order.status == "open"
        assert 0 < venue_order.filled < order.amount
        with db.connect("operator") as op, op.transaction():
            op.execute("SELECT * FROM api.kill_switch('incident drill')")
        with recording(relay) as rec:
            lv.runner.service_requests(lv.runner.last_closed_hour())  # the kill listener's path
        # Canceled at the venue, but not booked canceled before the fill is.
        assert lv.adapter.order_by_client_id(order.client_order_id, symbol=lv.symbol).status == "canceled"
        assert lv.statuses()[order.client_order_id][0] == "open"
        assert rec.named("cancel_awaits_trades")
        sync(db, lv)
        lv.runner.step(AT + HOUR)
        lv.runner.step(AT + 2 * HOUR)  # the polls relay the trades made before the cancel, then the cancel
        trades = [t for t in lv.srv.core.trades() if t.client_order_id is not None]
        fills = lv.book("SELECT quantity FROM api.fills WHERE client_order_id = %s", order.client_order_id)
        assert trades and len(fills) == len(trades)
        assert sum(f[0] for f in fills) == venue_order.filled
        book = lv.book("SELECT status, filled_qty FROM api.orders WHERE client_order_id = %s", order.client_order_id)
        assert book == [("canceled", venue_order.filled)]
        events = [e[0] for e in lv.book("SELECT kind FROM api.order_events WHERE client_order_id = %s ORDER BY seq",
                                         order.client_order_id)]
        assert events[-1] == "canceled" and "fill" in events
        assert lv.book("SELECT count(*) FROM api.incidents WHERE title LIKE '%%confusion%%'") == [(0,)]
        assert [h[0] for h in halts(lv) if h[0] != "diffs"] == ["global"]  # the kill switch's only
        assert lv.book("SELECT clean FROM api.reconciliations WHERE account = %s ORDER BY seq DESC LIMIT 1",
                       lv.account) == [(True,)]


# --- D5: a trade listed late is relayed by a later poll -----------------------------------------------------------
@pytest.mark.parametrize("venue", VENUES)
def test_a_trade_the_venue_lists_late_is_relayed_by_a_later_poll_once(db: Target, venue: str) -> None:
    with live(db, venue) as lv:
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        order = lv.signal("l1", quantity=Decimal("0.001"), limit=None)
        faults(lv.srv, {"faults": [{"kind": "out_of_order_trades",
                                    "client_order_id": venue_client_id(venue, order.client_order_id),
                                    "delay_ms": 90 * 60 * 1000}]})  # listed 90 min after it happened
        relay.place(conn, [order])
        for h in (1, 2, 3, 4):
            lv.clock(AT + h * HOUR + timedelta(seconds=5))
            sync(db, lv)
            lv.runner.step(AT + h * HOUR)
            if h == 1:  # not listed yet at the first poll
                assert lv.statuses()[order.client_order_id][0] == "open"
        listed = [t for t in lv.adapter.trades_since(None) if t.client_order_id == order.client_order_id]
        fills = lv.book("SELECT venue_trade_id, quantity, price, fee, fee_currency, liquidity, ts FROM api.fills"
                        " WHERE client_order_id = %s", order.client_order_id)
        assert len(listed) == 1 and len(fills) == 1  # relayed once, though the later polls listed it again
        assert lv.statuses()[order.client_order_id][0] == "filled"
        # The hour the venue's balances moved without a trade listed was a mismatch (and halted, as it should);
        # once the trade is relayed the book agrees with the venue again, so the operator can resume without
        # restarting the worker.
        recs = lv.book("SELECT clean FROM api.reconciliations WHERE account = %s ORDER BY seq", lv.account)
        assert recs[-1] == (True,) and recs[-2] == (True,), recs
        resume_all(lv, "late-listed trade relayed; the book agrees with the venue")
        assert not halts(lv)
        # The overlap may hand api.record_fill a trade it holds: a no-op, not an error.
        with db.connect("worker") as w, w.transaction():
            again = w.execute("SELECT api.record_fill(%s, %s, %s, %s, %s, %s, %s, %s)",
                              (order.client_order_id, *fills[0])).fetchone()
        assert again == ("duplicate",)
        assert len(lv.book("SELECT 1 FROM api.fills WHERE client_order_id = %s", order.client_order_id)) == 1


# --- D6: Binance's trade history, every page -----------------------------------------------------------------
def test_binance_trades_are_read_page_by_page() -> None:
    srv = start("binance", at=AT, balances={"USDT": Decimal(1_000_000)})
    try:
        ex = client(srv)
        ex.load_markets()
        n = 1050  # more than Binance's largest page (limit 1000)
        for i in range(n):
            ex.create_order("BTC/USDT", "market", "buy", 0.0002, None, {"clientOrderId": f"t{i}"})
        advance(srv, 1.01)
        made = srv.core.trades()
        assert len(made) == n
        venue = CcxtVenue(ex, symbols=("BTC/USDT",))
        got = venue.trades_since(AT)
        assert len(got) == n and len({t.trade_id for t in got}) == n
        assert {t.trade_id for t in got} == {str(t.venue_id) for t in made}
        assert list(got) == sorted(got, key=lambda t: (t.ts, t.trade_id))
    finally:
        srv.stop()


def test_a_flatten_of_a_position_off_the_step_sells_what_the_venue_takes(db: Target) -> None:
    """D3 of the review: a partly filled buy leaves 0.00624126 BTC, off Binance's 1e-5 step. The kill switch's flatten
    sells 0.00624 (``risk._sellable``: the position rounded down to the step), which the venue fills whole; the book's
    exit ends ``filled`` (before, the whole 0.00624126 was sent, ccxt truncated it to 0.00624, and the book held the
    exit ``partially_filled`` for ever with every reconciliation dirty), and the 0.00000126 BTC of dust stays held on
    both sides: reconciliation is clean and no halt but the kill switch's is in force."""
    with live(db, "binance") as lv:
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        faults(lv.srv, {"faults": [{"kind": "partial_fills", "participation": "0.0000031"}]})
        buy = lv.signal("p1", quantity=Decimal("0.05"), limit=Decimal(50000))
        relay.place(conn, [buy])
        for h in (1, 2):
            lv.clock(AT + h * HOUR + timedelta(seconds=5))
            sync(db, lv)
            lv.runner.step(AT + h * HOUR)
        assert not halts(lv), halts(lv)
        faults(lv.srv, {"faults": []})
        position = "SELECT quantity FROM api.positions WHERE account = %s"
        assert lv.book(position, lv.account) == [(Decimal("0.00624126"),)]
        with db.connect("operator") as op, op.transaction():
            op.execute("SELECT * FROM api.kill_switch('drill', flatten => true)")
        lv.runner.service_requests(AT + 2 * HOUR)
        assert [o.amount for o in lv.srv.core.orders() if o.side == "sell"] == [Decimal("0.00624")]
        for h in (3, 4):
            lv.clock(AT + h * HOUR + timedelta(minutes=1))
            sync(db, lv)
            lv.runner.step(AT + h * HOUR)
        exits = lv.book("SELECT quantity, filled_qty, status FROM api.orders WHERE account = %s AND side = 'sell'",
                        lv.account)
        assert exits == [(Decimal("0.00624"), Decimal("0.00624"), "filled")]
        assert lv.book(position, lv.account) == [(Decimal("0.00000126"),)]
        venue_btc = {b.asset: b.total for b in lv.srv.core.balances()}.get("BTC")
        assert venue_btc is not None and Decimal(str(venue_btc)) == Decimal("0.00000126")
        assert lv.book("SELECT clean FROM api.reconciliations WHERE account = %s ORDER BY ts DESC LIMIT 1",
                       lv.account) == [(True,)]
        assert [h[0] for h in halts(lv)] == ["global"], halts(lv)  # the kill switch's own halt, nothing more


def test_the_adapter_refuses_an_amount_ccxt_would_truncate(db: Target) -> None:
    """The last guard (``CcxtVenue._refuse_off_step``): an amount off the market's step is refused before anything is
    sent (VenueRefusedError: the relay records the order ``rejected``), since ccxt's ``amount_to_precision`` would
    send a smaller order than the book's."""
    from predator.errors import VenueRefusedError

    with live(db, "binance") as lv:
        with pytest.raises(VenueRefusedError, match="not a multiple of the venue's step; ccxt would send 0.00624"):
            lv.adapter.place_order(lv.symbol, "sell", "market", Decimal("0.00624126"), None, "PDoffstep00000001", AT)
        assert lv.srv.core.orders() == []


# --- D4: reconcile like with like: the venue taken back to the hour the book stands at ---------------------------
def _restart(lv: Live) -> tuple[HourRunner, _Recorder]:
    """A worker restarted on the same account (a deploy, a crash): a new runner, relay and adapter, its log recorded
    from its start; the same stored bars as the first session (a live worker is sync-fed and has no dataset
    digest)."""
    assert lv.runner.conn is not None
    lv.runner.close()
    restarted = HourRunner(lv.target, lv.runner.config, strategy=Hold(),
                           venue=CcxtVenue(lv.exchange, symbols=(lv.symbol,)))
    rec = _Recorder(restarted.log)
    restarted.log = rec
    restarted.market, restarted._digest = lv.runner.market, lv.runner._digest
    restarted._features = lv.runner._features
    return restarted, rec


def _incidents(lv: Live) -> list[tuple[Any, ...]]:
    """The reconciliation incidents (a fill an hour after its decision may trip the slippage breaker: not these
    tests' concern)."""
    return lv.book("SELECT incident, title FROM api.incidents WHERE title LIKE 'reconciliation%%'")


@pytest.mark.parametrize("venue", VENUES)
def test_a_restart_after_a_fill_since_the_last_close_reconciles_clean(db: Target, venue: str) -> None:
    """D4 of the review: the hour closes clean with a limit buy resting at the venue; the venue fills it during the
    next, still open hour, and the worker is restarted before that hour closes. The start-up reconciliation compares
    the venue with the book as of the last closed hour: the venue's trades since that hour are taken back out of its
    balances and the order they filled is listed open again (``VenueRelay.observe_as_of``), so it is clean: no halt,
    no incident (before: BTC +0.001, USDT -50.05 and ``order_missing_at_venue``, a global halt and a severity-1
    incident on every such restart). The trade is not recorded at start-up; the next hour's poll relays it and that
    hour reconciles clean too."""
    with live(db, venue) as lv:
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        order = lv.signal("r1", quantity=Decimal("0.001"), limit=Decimal(50000))  # fills in the next bar
        relay.place(conn, [order])
        lv.clock(AT + HOUR + timedelta(seconds=5))
        sync(db, lv)
        lv.runner.step(AT + HOUR)  # the hour closes clean; the order rests at the venue
        assert not halts(lv), halts(lv)
        assert lv.statuses()[order.client_order_id][0] == "open"
        lv.clock(AT + 2 * HOUR)  # the bar opened at AT+1h traded through the limit: filled, dated AT+1h
        trades = [t for t in lv.srv.core.trades() if t.client_order_id is not None]
        assert len(trades) == 1 and trades[0].at >= AT + HOUR
        restarted, rec = _restart(lv)
        try:
            restarted.prepare()  # start-up reconciliation at AT+1h, the last closed hour
            startup = lv.book("SELECT kind, ts, clean, diffs, venue_open_orders, venue_balances, book_balances"
                              " FROM api.reconciliations WHERE account = %s ORDER BY seq DESC LIMIT 1", lv.account)
            kind, ts, clean, diffs, venue_open, venue_balances, book_balances = startup[0]
            assert (kind, ts, clean, diffs) == ("startup", AT + HOUR, True, []), startup
            assert venue_open == [order.client_order_id]  # open at AT+1h, filled since: listed again
            assert venue_balances == book_balances
            assert not halts(lv) and not _incidents(lv)
            assert [(f["trades_reversed"], f["orders_restored"]) for f in rec.named("reconciled_as_of")] == \
                [(1, [order.client_order_id])]
            assert lv.book("SELECT count(*) FROM api.fills WHERE account = %s", lv.account) == [(0,)]
            # The next hour's poll relays the fill, and that hour reconciles clean.
            sync(db, lv)
            restarted.step(AT + 2 * HOUR)
            assert lv.statuses()[order.client_order_id][0] == "filled"
            fills = lv.book("SELECT venue_trade_id, ts FROM api.fills WHERE client_order_id = %s",
                            order.client_order_id)
            assert fills == [(str(trades[0].venue_id), trades[0].at)]
            last = lv.book("SELECT kind, ts, clean FROM api.reconciliations WHERE account = %s ORDER BY seq DESC"
                           " LIMIT 1", lv.account)
            assert last == [("hourly", AT + 2 * HOUR, True)]
            assert not halts(lv) and not _incidents(lv)
        finally:
            restarted.close()
        lv.runner.conn = None  # closed with the first session


@pytest.mark.parametrize(("venue", "side", "fee_asset"), [("binance", "buy", None), ("kraken", "buy", None),
                                                    ("binance", "sell", "BNB"), ("kraken", "sell", None)])
def test_a_fill_between_the_hours_poll_and_its_balance_read_reconciles_clean(
        db: Target, venue: str, side: str, fee_asset: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """D4, the hourly variant: the hour's poll keeps the trades before T; the venue's balances are read after it
    (seconds to minutes later on a real venue). A resting order that fills in between moved the balances and left
    the open orders: the hour compares them as of T all the same (the trade taken back out, its fee given back in
    the currency charged, BNB included, the order listed open again) and closes clean. The emulator dates a fill at
    its bar's open, so the fill is made to happen between the poll and the balance read by moving the emulator's
    clock past the bar opened at T just before the read."""
    bnb = {"BNB": Decimal(1)} if fee_asset else None
    with live(db, venue, balances=bnb, deposits=bnb, extra_symbols=("BNB/USDT",) if fee_asset else ()) as lv:
        relay, conn = lv.runner.relay, lv.runner.conn
        assert relay is not None and conn is not None
        if fee_asset:
            faults(lv.srv, {"faults": [{"kind": "fee_asset", "asset": fee_asset}]})
        t = AT + HOUR
        if side == "sell":  # the strategy's own position first: a market buy, relayed at AT+1h
            relay.place(conn, [lv.signal("h1", quantity=Decimal("0.002"), limit=None)])
            lv.clock(t + timedelta(seconds=5))
            sync(db, lv)
            lv.runner.step(t)
            assert not halts(lv), halts(lv)
            t += HOUR
            order = lv.signal("h1", quantity=Decimal("0.002"), limit=Decimal(40000), at=t - HOUR, side="sell")
        else:
            order = lv.signal("h1", quantity=Decimal("0.001"), limit=Decimal(50000))
        relay.place(conn, [order])  # marketable: it fills in the bar opened at T
        lv.clock(t + timedelta(seconds=5))
        sync(db, lv)
        read = lv.adapter.balance
        moved: list[bool] = []

        def fill_first() -> dict[str, Decimal]:
            if not moved:  # once: the bar opened at T closes at the venue before its balances are read
                moved.append(True)
                lv.clock(t + HOUR + timedelta(seconds=5))
            return read()

        monkeypatch.setattr(lv.adapter, "balance", fill_first)
        with recording(relay) as rec:
            lv.runner.step(t)
        monkeypatch.setattr(lv.adapter, "balance", read)
        assert moved
        trades = [tr for tr in lv.adapter.trades_since(t) if tr.client_order_id == order.client_order_id]
        assert len(trades) == 1 and trades[0].ts == t  # made after the poll, at T
        assert trades[0].fee > 0 and trades[0].fee_currency == (fee_asset or lv.symbol.split("/")[1])
        assert lv.statuses()[order.client_order_id][0] == "open"  # the hour T counts no fill at or after T
        assert lv.book("SELECT count(*) FROM api.fills WHERE client_order_id = %s", order.client_order_id) == [(0,)]
        hour = lv.book("SELECT kind, ts, clean, diffs, venue_open_orders FROM api.reconciliations WHERE account = %s"
                       " ORDER BY seq DESC LIMIT 1", lv.account)
        assert hour == [("hourly", t, True, [], [order.client_order_id])], hour
        assert not halts(lv) and not _incidents(lv)
        assert [(f["trades_reversed"], f["orders_restored"]) for f in rec.named("reconciled_as_of")] == \
            [(1, [order.client_order_id])]
        # The next hour relays the fill and reconciles clean.
        sync(db, lv)
        lv.runner.step(t + HOUR)
        assert lv.statuses()[order.client_order_id][0] == "filled"
        assert lv.book("SELECT ts, fee_currency FROM api.fills WHERE client_order_id = %s", order.client_order_id) \
            == [(t, trades[0].fee_currency)]
        assert lv.book("SELECT ts, clean FROM api.reconciliations WHERE account = %s ORDER BY seq DESC LIMIT 1",
                       lv.account) == [(t + HOUR, True)]
        assert not halts(lv) and not _incidents(lv)
