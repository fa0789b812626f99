"""The kill switch is carried out at once by a running worker: LISTEN predator_kill, cancel at the venue,
record each cancel — on the paper venue and on the venue emulator through the real ccxt client."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from predator.db.connection import Target
from predator.runner.killdrill import drill
from predator.venues.ccxt_venue import CcxtVenue
from tests.emulator_support import client, start


def test_a_kill_switch_cancels_every_resting_order_at_the_venue_and_in_the_book(market_db: Target) -> None:
    result = drill(market_db, "drill-1", "BTC/USDT", datetime(2023, 3, 2, tzinfo=UTC), orders=5,
                   limit_price=Decimal("15000"))
    assert (result.canceled_at_venue, result.canceled_in_book) == (5, 5)
    assert result.latency_s != float("inf")
    with market_db.connect("auditor") as conn:
        assert conn.execute("SELECT count(*) FROM api.order_events WHERE kind = 'cancel_requested'").fetchone()[0] == 5
        assert conn.execute("SELECT active FROM api.halts WHERE scope_kind = 'global'").fetchone()[0] is True
        assert conn.execute("SELECT count(*) FROM api.audit_log WHERE action = 'kill_switch'").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM api.incidents WHERE category = 'risk'").fetchone()[0] == 1


@pytest.mark.xdist_group("emulator")
def test_the_drill_on_the_venue_emulator_cancels_every_order_there_and_in_the_book(market_db: Target) -> None:
    at = datetime(2023, 3, 2, tzinfo=UTC)
    srv = start("binance", at=at, balances={"USDT": Decimal(10000)})  # what the drill's book deposits
    try:
        venue = CcxtVenue(client(srv), symbols=("BTC/USDT",))
        result = drill(market_db, "drill-emu", "BTC/USDT", at, orders=3, limit_price=Decimal("15000"), venue=venue)
        assert (result.canceled_at_venue, result.canceled_in_book) == (3, 3)
        assert result.latency_s != float("inf")
        at_emulator = srv.core.orders()
        assert len(at_emulator) == 3 and {o.status for o in at_emulator} == {"canceled"}
        assert client(srv).fetch_open_orders("BTC/USDT") == []
    finally:
        srv.stop()
