"""A worker killed after sending an order whose answer was lost loses no fill when it restarts.

Campaign 4 seed 289362849 (docs/chaos.md): at 2023-02-09 06:00 the chaos venue took a sell and dropped the
connection before answering (outcome unknown), and the worker was SIGKILLed right after sending. The restarted
worker's venue, rebuilt from the book, did not hold the order (the book had it ``new``): the relay sent it again,
the venue took it and the answer was lost again (the fault covers the order's hour), and at the next hour the
venue reported its fill. The order state machine refused a fill of an order still ``new`` (PD005, order-state
confusion, a halt), the book never recorded the fill, the next reconciliation halted on the difference, and the
replay, which never restarted, diverged. A simulated venue's fill now acknowledges such an order first, as a
real venue's trade already did (``VenueRelay._poll``). Here the kill is the exception raised at the kill point."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from predator.db.connection import Target
from predator.runner import replay as replay_mod
from predator.runner.hour import HourRunner, RunConfig
from tests.helpers import run_until_killed

START = datetime(2023, 3, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
BTC = "BTC/USDT"



def _config(account: str) -> RunConfig:
    plan = [[(START + 2 * HOUR).isoformat(), BTC, "buy", "0.02"], [(START + 5 * HOUR).isoformat(), BTC, "exit"]]
    dropped = [[(START + 2 * HOUR).isoformat(), (START + 2 * HOUR).isoformat(), "dropped_connection"]]
    return RunConfig(account=account, symbols=(BTC,), strategy="predator.strategies.scripted:Scripted",
                     params={"plan": plan}, start=START, end=START + 8 * HOUR, chaos={"venue": dropped})


def test_a_worker_killed_after_a_lost_answer_records_the_fill_and_replays_to_parity(
    market_db: Target, monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = _config("lost_answer")
    run_until_killed(market_db, cfg, monkeypatch, "after_ack", START + 2 * HOUR)
    second = HourRunner(market_db, cfg)  # the restart: the venue rebuilt from the book (predator.runner.restore)
    try:
        second.run()
    finally:
        second.close()
    with market_db.connect("auditor") as conn:
        orders = conn.execute(
            "SELECT o.side, o.status, (SELECT count(*) FROM api.fills f WHERE f.account = o.account"
            " AND f.client_order_id = o.client_order_id) FROM api.orders o WHERE o.account = %s ORDER BY o.ts",
            ("lost_answer",)).fetchall()
        confused = conn.execute("SELECT count(*) FROM api.incidents WHERE title LIKE 'order-state confusion%%'"
                                ).fetchone()
        dirty = conn.execute("SELECT count(*) FROM api.reconciliations WHERE account = %s AND NOT clean",
                             ("lost_answer",)).fetchone()
        halts = conn.execute("SELECT count(*) FROM api.halt_events").fetchone()
    assert orders == [("buy", "filled", 1), ("sell", "filled", 1)]
    assert confused == (0,) and dirty == (0,) and halts == (0,)
    result = replay_mod.replay(market_db, "lost_answer")
    assert result.mismatches == [] and result.unreplayable == []
    assert result.parity and result.hours_compared == 9
