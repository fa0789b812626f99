"""A worker restarted within the hour of a venue error that halts holds the hour's other orders back, as the
uninterrupted worker does.

Campaign 4 seed 449230079 (docs/chaos.md): at 2023-02-06 16:00 the venue answered an LTC sell with HTTP 418 (a
ban: rejected, a global halt) and the relay held the AVAX sell of the same hour back until the next decision time
(``VenueRelay.begin_hour``); the worker was then SIGKILLed, and the restarted worker's fresh relay sent the AVAX sell
at start-up, before the 17:00 close, where the uninterrupted replay sent it in the 17:00 step, after the close: the
same rows in another hour's digest, replay parity false. A relay started after a ``venue_fatal_error`` trip
recorded since the last close now starts held. Here the kill is the exception raised at the kill point."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from predator.db.connection import Target
from predator.runner import replay as replay_mod
from predator.runner.hour import HourRunner, RunConfig
from tests.helpers import run_until_killed

START = datetime(2023, 3, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)



def _config(account: str) -> RunConfig:
    at = (START + 2 * HOUR).isoformat()
    plan = [[at, "BTC/USDT", "buy", "0.01"], [at, "ETH/USDT", "buy", "0.1"]]
    ban = [[at, at, "ip_ban_418"]]
    return RunConfig(account=account, symbols=("BTC/USDT", "ETH/USDT"),
                     strategy="predator.strategies.scripted:Scripted",
                     params={"plan": plan}, start=START, end=START + 5 * HOUR, chaos={"venue": ban})


def test_a_worker_restarted_after_a_ban_holds_the_hours_orders_and_replays_to_parity(
    market_db: Target, monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = _config("ban_hold")
    run_until_killed(market_db, cfg, monkeypatch, "after_ack", START + 2 * HOUR)
    with market_db.connect("auditor") as conn:
        before = conn.execute("SELECT status FROM api.orders WHERE account = %s ORDER BY seq", ("ban_hold",)).fetchall()
    assert sorted(s for (s,) in before) == ["new", "rejected"], "one refused by the ban, the other held back"
    second = HourRunner(market_db, cfg)  # the restart within the banned hour
    try:
        second.prepare()
        second.send_unacknowledged()
        with market_db.connect("auditor") as conn:
            held = conn.execute("SELECT status FROM api.orders WHERE account = %s ORDER BY seq",
                                ("ban_hold",)).fetchall()
        assert held == before, "the restarted relay sends nothing before the next hour"
        second.run()
    finally:
        second.close()
    result = replay_mod.replay(market_db, "ban_hold")
    assert result.mismatches == [] and result.unreplayable == []
    assert result.parity and result.hours_compared == 6
