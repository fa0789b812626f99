"""The paper venue's fill model on hand-made bars (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from predator.venues.paper import Bars, PaperConfig, PaperVenue

T0 = datetime(2023, 1, 1, tzinfo=UTC)
H = 3600


def bars(n: int = 5, open_: str = "100", volume: str = "1000") -> Bars:
    ts = [int(T0.timestamp()) + i * H for i in range(n)]
    o = [Decimal(open_) + i for i in range(n)]
    return Bars(ts, o, [x + 5 for x in o], [x - 5 for x in o], [Decimal(volume)] * n)


def venue(**kw: object) -> PaperVenue:
    cfg = PaperConfig(**{"slippage_bps": Decimal(0), "impact_bps": Decimal(0), "participation": Decimal(1),
                         "latency_ms": 100, "latency_jitter_ms": 0, **kw})  # type: ignore[arg-type]
    return PaperVenue({"BTC/USDT": bars()}, cfg, {"USDT": Decimal(100000)})


def test_market_order_fills_at_the_open_of_the_bar_it_arrives_in_with_taker_fee() -> None:
    v = venue()
    order = v.place_order("BTC/USDT", "buy", "market", Decimal(2), None, "C1", T0 + timedelta(hours=1))
    assert order["status"] == "open"
    assert v.advance(T0 + timedelta(hours=1)) == []  # the bar opening at 01:00 has not been processed yet
    events = v.advance(T0 + timedelta(hours=2))
    assert [e["kind"] for e in events] == ["fill"]
    trade = events[0]["trade"]
    assert trade["price"] == Decimal(101) and trade["amount"] == Decimal(2)
    assert trade["fee"] == {"cost": Decimal("0.202"), "currency": "USDT"} and trade["takerOrMaker"] == "taker"
    assert events[0]["ts"] == T0 + timedelta(hours=1, milliseconds=100)
    assert v.fetch_balance() == {"USDT": Decimal(100000) - Decimal(202) - Decimal("0.202"), "BTC": Decimal(2)}
    assert v.fetch_order("C1")["status"] == "closed"


def test_slippage_is_fixed_plus_volume_dependent_and_against_the_trader() -> None:
    v = venue(slippage_bps=Decimal(10), impact_bps=Decimal(100))
    v.place_order("BTC/USDT", "buy", "market", Decimal(100), None, "C1", T0)
    fill = v.advance(T0 + timedelta(hours=1))[0]["trade"]
    # 10 bps fixed + 100 bps x (100 / 1000 of the bar's volume) = 20 bps above the open of 100
    assert fill["price"] == Decimal("100.2")


def test_participation_caps_a_fill_and_the_rest_of_a_market_order_expires() -> None:
    v = venue(participation=Decimal("0.1"))
    v.place_order("BTC/USDT", "buy", "market", Decimal(250), None, "C1", T0)
    events = v.advance(T0 + timedelta(hours=3))
    assert [e["kind"] for e in events] == ["fill", "expired"]
    assert events[0]["trade"]["amount"] == Decimal(100)  # 10% of 1000
    assert v.fetch_order("C1")["filled"] == Decimal(100) and v.fetch_order("C1")["status"] == "expired"


def test_limit_order_rests_until_a_bar_trades_through_and_fills_at_its_price_as_maker() -> None:
    v = venue()
    v.place_order("BTC/USDT", "buy", "limit", Decimal(1), Decimal("99"), "L1", T0 + timedelta(minutes=30),
                  expiry=T0 + timedelta(hours=5))
    # bar 01:00 has low 96 <= 99: it trades through
    events = v.advance(T0 + timedelta(hours=3))
    assert len(events) == 1 and events[0]["trade"]["price"] == Decimal(99)
    assert events[0]["trade"]["takerOrMaker"] == "maker"


def test_limit_order_that_never_trades_through_expires_at_its_expiry() -> None:
    v = venue()
    v.place_order("BTC/USDT", "buy", "limit", Decimal(1), Decimal("50"), "L1", T0, expiry=T0 + timedelta(hours=2))
    events = v.advance(T0 + timedelta(hours=5))
    assert [e["kind"] for e in events] == ["expired"] and events[0]["ts"] == T0 + timedelta(hours=2)


def test_orders_the_account_cannot_pay_are_rejected_like_a_real_exchange() -> None:
    v = venue()
    assert v.place_order("BTC/USDT", "buy", "market", Decimal(5000), None, "BIG", T0)["status"] == "rejected"
    assert v.place_order("BTC/USDT", "sell", "market", Decimal(1), None, "SHORT", T0)["status"] == "rejected"
    assert v.fetch_order("BIG")["info"]["reason"] == "insufficient_balance"


def test_placement_is_idempotent_on_the_client_order_id() -> None:
    v = venue()
    first = v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "C1", T0)
    again = v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "C1", T0)
    assert first == again and len(v.orders) == 1


def test_latency_and_rejects_are_seeded_per_client_order_id() -> None:
    a = venue(reject_rate=0.5, latency_jitter_ms=80, seed=3)
    b = venue(reject_rate=0.5, latency_jitter_ms=80, seed=3)
    ids = [f"C{i}" for i in range(40)]
    ra = [a.place_order("BTC/USDT", "buy", "market", Decimal(1), None, i, T0) for i in ids]
    # a different placement order must not change what each order draws
    rb = {i: b.place_order("BTC/USDT", "buy", "market", Decimal(1), None, i, T0) for i in reversed(ids)}
    assert [o["status"] for o in ra] == [rb[i]["status"] for i in ids]
    assert [o["timestamp"] for o in ra] == [rb[i]["timestamp"] for i in ids]
    assert 5 < sum(o["status"] == "rejected" for o in ra) < 35


def test_default_fee_tiers_per_venue() -> None:
    assert PaperConfig(venue="binance").fees() == (Decimal(10), Decimal(10))
    assert PaperConfig(venue="kraken").fees() == (Decimal(16), Decimal(26))
    assert PaperConfig(venue="kraken", taker_fee_bps=Decimal(20)).fees() == (Decimal(16), Decimal(20))


def test_a_restored_order_does_not_match_bars_again_and_continues_trade_ids() -> None:
    v = venue(participation=Decimal("0.5"))
    v.place_order("BTC/USDT", "buy", "limit", Decimal(800), Decimal("100"), "L1", T0, expiry=T0 + timedelta(hours=5))
    first = v.advance(T0 + timedelta(hours=2))  # bar 01:00 fills 500
    assert [e["trade"]["id"] for e in first] == [f"{v.orders['L1'].venue_order_id}-1"]
    # a new process: the venue is rebuilt from what the database recorded at the checkpoint 02:00
    w = venue(participation=Decimal("0.5"))
    w.balances = dict(v.balances)
    w.restore_order("L1", "BTC/USDT", "buy", "limit", Decimal(800), Decimal("100"), T0, T0 + timedelta(hours=5),
              Decimal(500), v.orders["L1"].venue_order_id, matched_until=T0 + timedelta(hours=2), fills=1)
    rest = w.advance(T0 + timedelta(hours=3))
    assert [(e["trade"]["id"].rsplit("-", 1)[1], e["trade"]["amount"]) for e in rest] == [("2", Decimal(300))]


def test_a_restored_market_order_keeps_the_reference_price_it_was_placed_with() -> None:
    # A restarted venue holds only the bars it was built with until the next hour refreshes them: pricing the
    # restored order's reference again from those (here the bars end at 04:00, the order was placed at 09:00
    # with a decision price of 250) gave a ghost fill a stale price (chaos campaign 1, seed 1057683339).
    placed = T0 + timedelta(hours=9)
    stale = venue()
    stale.restore_order("M1", "BTC/USDT", "sell", "market", Decimal(1), None, placed, None, Decimal(0), None)
    kept = venue()
    kept.restore_order("M1", "BTC/USDT", "sell", "market", Decimal(1), None, placed, None, Decimal(0), None,
                       reference_price=Decimal(250))
    assert stale.orders["M1"].ref_price == Decimal(104)  # the open of the last bar it holds
    assert kept.orders["M1"].ref_price == Decimal(250)
    placed_fresh = venue()
    placed_fresh.place_order("BTC/USDT", "sell", "market", Decimal(1), None, "M1", placed, reference_price=Decimal(250))
    assert placed_fresh.orders["M1"].ref_price == kept.orders["M1"].ref_price


def test_open_orders_are_read_without_the_closed_ones_and_in_placement_order() -> None:
    # Issue 18: every hour reads the open orders; the venue keeps them apart from the closed ones, so a long run's
    # thousands of closed orders are not scanned again. The open orders are those of a scan of every order, in the
    # same order, whatever closed them (fill, cancel, reject, expiry), and the closed ones are no longer held apart.
    v = venue()
    at = T0 + timedelta(minutes=30)
    v.place_order("BTC/USDT", "buy", "market", Decimal(1), None, "M1", at)                      # fills at 01:00
    v.place_order("BTC/USDT", "buy", "limit", Decimal(1), Decimal("50"), "L1", at)              # rests
    v.place_order("BTC/USDT", "buy", "limit", Decimal(1), Decimal("50"), "L2", at)              # canceled
    v.place_order("BTC/USDT", "buy", "market", Decimal(10**6), None, "R1", at)                  # rejected: no cash
    v.place_order("BTC/USDT", "buy", "limit", Decimal(1), Decimal("50"), "E1", at, expiry=T0 + timedelta(hours=2))
    v.place_order("BTC/USDT", "buy", "limit", Decimal(1), Decimal("51"), "L3", at)              # rests
    v.cancel_order("L2", at)
    v.advance(T0 + timedelta(hours=4))
    every = [o.client_order_id for o in v.orders.values() if o.status == "open"]
    assert every == ["L1", "L3"]
    assert [o["clientOrderId"] for o in v.fetch_open_orders()] == every
    assert set(v._maybe_open) == set(every)
    assert [v.fetch_order(c)["status"] for c in ("M1", "L2", "R1", "E1")] == ["closed", "canceled", "rejected",
                                                                              "expired"]
