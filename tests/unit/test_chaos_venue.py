"""The campaign's venue faults (predator.chaos.venue.ChaosPaperVenue) on hand-made bars (no database): each kind
does what docs/chaos.md says, deterministically per order, and a restarted venue (balances from the book) gets
back what the venue knows and the book does not (a ghost fill, a withdrawal)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal, localcontext

import pytest

from predator.chaos.venue import ChaosPaperVenue
from predator.db.chaos_db import GhostFill
from predator.errors import OutcomeUnknownError, TransientVenueError, VenueHaltError
from predator.venues.paper import Bars, PaperConfig

T0 = datetime(2023, 1, 1, tzinfo=UTC)
H = 3600
CASH = Decimal(100000)


def bars(n: int = 8) -> Bars:
    ts = [int(T0.timestamp()) + i * H for i in range(n)]
    o = [Decimal(100) + i for i in range(n)]
    return Bars(ts, o, [x + 5 for x in o], [x - 5 for x in o], [Decimal(1000)] * n)


def at(h: int) -> datetime:
    return T0 + timedelta(hours=h)


def venue(kind: str, first: int = 1, last: int = 1, param: str | None = None) -> ChaosPaperVenue:
    cfg = PaperConfig(slippage_bps=Decimal(0), impact_bps=Decimal(0), participation=Decimal(1), latency_ms=100,
                      latency_jitter_ms=0)
    w = [at(first).isoformat(), at(last).isoformat(), kind, *([param] if param else [])]
    v = ChaosPaperVenue({"BTC/USDT": bars()}, cfg, [w])
    v.deposit("USDT", CASH)
    return v


def test_partial_fill_storm_fills_30_to_40_percent_of_each_order_placed_in_the_window() -> None:
    v = venue("partial_fill_storm", 1, 2)
    shares = []
    for i in range(12):
        v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, f"P{i}", at(1))
    v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "AFTER", at(3))
    events = v.advance_to(at(4))
    for i in range(12):
        o = v.orders[f"P{i}"]
        shares.append(o.filled)
        assert o.status == "expired"  # a market order does not rest: the rest expires
    assert all(Decimal("0.30") <= s <= Decimal("0.40") for s in shares) and len(set(shares)) > 1
    assert v.orders["AFTER"].filled == 1  # outside the window: filled whole
    assert [e.kind for e in events].count("expired") == 12
    # Deterministic per order: the same draws on another venue.
    w = venue("partial_fill_storm", 1, 2)
    w.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "P3", at(1))
    w.advance_to(at(3))
    assert w.orders["P3"].filled == shares[3]


def test_ghost_fill_is_reported_never_made_and_survives_a_restart() -> None:
    v = venue("ghost_fill", 1, 5)
    v.place_order("BTC/USDT", "buy", "market", Decimal(2), None, "G1", at(1))
    events = v.advance_to(at(2))
    assert [(e.kind, e.client_order_id) for e in events] == [("fill", "G1")]
    assert events[0].trade is not None and events[0].trade.trade_id.endswith("-ghost")
    assert v.fetch_balance() == {"USDT": CASH}  # nothing moved at the venue
    assert v.fetch_open_orders() == []  # and the order is gone
    # Only the first hour that places orders is hit.
    v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "N1", at(3))
    assert [e.kind for e in v.advance_to(at(4))] == ["fill"] and v.orders["N1"].filled == 1
    # A restart: balances from the book (which holds the ghost fill); the venue takes the ghost back out.
    t = events[0].trade
    book = {"USDT": CASH - t.amount * t.price - t.fee - Decimal(1) * v.orders["N1"].cost - v.trades[-1]["fee"]["cost"],
            "BTC": Decimal(3)}
    r = venue("ghost_fill", 1, 5)
    r.restore(book, [], at(4))
    r.restore_truth([GhostFill("G1", "BTC/USDT", "buy", t.amount, t.price, t.fee, "USDT", at(1))])
    assert r.fetch_balance() == v.fetch_balance()
    assert r.ghosts_reported == v.ghosts_reported


def test_withdrawal_is_seen_once_and_put_back_after_a_restart() -> None:
    v = venue("withdrawal", 2, 2, "250")
    v.advance_to(at(1))
    assert v.transfers_since(None) == ()
    v.advance_to(at(2))
    v.advance_to(at(3))
    (tr,) = v.transfers_since(None)
    assert tr.kind == "withdrawal" and tr.amount == Decimal(250)
    assert v.fetch_balance() == {"USDT": CASH - 250}
    r = venue("withdrawal", 2, 2, "250")
    r.restore({"USDT": CASH}, [], at(3))  # the book never books a withdrawal
    r.restore_truth([])
    assert r.fetch_balance() == v.fetch_balance() and len(r.transfers_since(None)) == 1


def test_error_bursts_and_dropped_connections() -> None:
    v = venue("http_5xx")
    with pytest.raises(OutcomeUnknownError, match="503"):
        v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "A", at(1))
    assert "A" in v.orders  # taken: the outcome is unknown, not negative
    with pytest.raises(TransientVenueError, match="503"):
        v.advance_to(at(1))
    assert v.fetch_order("A") is not None  # outside advance_to the reads work again
    v = venue("rate_limit_429")
    with pytest.raises(TransientVenueError, match="429"):
        v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "B", at(1))
    assert "B" not in v.orders
    v = venue("ip_ban_418")
    with pytest.raises(VenueHaltError, match="418"):
        v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "C", at(1))
    v = venue("dropped_connection")
    with pytest.raises(OutcomeUnknownError, match="connection reset"):
        v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "D", at(1))
    assert v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "D", at(1))["clientOrderId"] == "D"


def test_latency_and_out_of_order_fills() -> None:
    v = venue("latency")
    v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "L", at(1))
    delay = v.orders["L"].arrives_at - at(1)
    assert timedelta(seconds=1) < delay <= timedelta(seconds=20, milliseconds=100)
    v = venue("out_of_order", 2, 2)
    for c in ("O1", "O2", "O3"):
        v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, c, at(1) + timedelta(minutes=int(c[1])))
    assert [e.client_order_id for e in v.advance_to(at(2))] == ["O3", "O2", "O1"]


def test_a_venue_restored_from_the_book_after_partial_fills_holds_what_the_uninterrupted_one_holds() -> None:
    """Campaign 3 seed 529029589 (docs/chaos.md): partial fills of partial fills cost more than 28 significant
    digits (0.0132975815616 × 28147.498454028408); the venue's balances must move by exactly what the book (numeric,
    exact) records, or a venue restored from the book after a restart reports other balances than an uninterrupted
    one (its replay), in the last digit: a hashed reconciliation row that differs."""
    ts = [int(T0.timestamp()) + i * H for i in range(8)]
    opens = [Decimal("28147.498454028408") + i for i in range(8)]
    real = Bars(ts, opens, [x + 50 for x in opens], [x - 50 for x in opens], [Decimal("1234.56789012")] * 8)
    cfg = PaperConfig(latency_ms=100, latency_jitter_ms=0)  # default slippage and impact: prices to 1e-12

    def storm() -> ChaosPaperVenue:
        v = ChaosPaperVenue({"BTC/USDT": real}, cfg, [[at(1).isoformat(), at(2).isoformat(), "partial_fill_storm"]])
        v.deposit("USDT", CASH)
        return v

    v = storm()
    v.place_order("BTC/USDT", "buy", "market", Decimal("0.0560321537"), None, "B1", at(1))
    v.advance_to(at(2))
    v.place_order("BTC/USDT", "sell", "market", v.orders["B1"].filled, None, "S1", at(2))
    v.advance_to(at(3))
    # What the book holds after recording those fills (PostgreSQL numeric: exact sums and products).
    book = {"USDT": CASH, "BTC": Decimal(0)}
    with localcontext(Context(prec=200)):
        for t in v.trades:
            sign = 1 if t["side"] == "buy" else -1
            book["BTC"] += sign * t["amount"]
            book["USDT"] += -sign * t["amount"] * t["price"] - t["fee"]["cost"]
    assert len(book["USDT"].as_tuple().digits) > 28  # the case a 28-digit context rounds
    assert v.fetch_balance() == book
    # A restart after the storm: the venue rebuilt from the book, then both trade on alike.
    r = storm()
    r.restore(book, [], at(3))
    for x in (v, r):
        x.place_order("BTC/USDT", "buy", "market", Decimal("0.01234567"), None, "B2", at(3))
        x.advance_to(at(5))
    assert r.fetch_balance() == v.fetch_balance()
