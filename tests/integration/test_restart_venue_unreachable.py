"""A worker restarted while the venue was unreachable gets back the fills the venue made meanwhile, as the
uninterrupted worker does.

Campaign 3 seed 529029589 (docs/chaos.md): a market sell placed at 2023-05-24 11:00, the venue unreachable at the
12:00 and 13:00 closes (``network_down``), the worker's sessions dropped after 12:00. The restarted worker rebuilt
its simulated venue from the book with every bar before the last closed hour counted as matched, so the sell was
never matched in its own bar and expired; the uninterrupted replay matched it once the venue was reached again and
filled it in the 11:00 bar: 2,290 hours differed. Each hour's venue-health report now says when its events could
not be collected, and the restored venue matches from the last hour that collected them
(``reads.last_collected_hour``). Here the kill is the exception raised at the kill point."""

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
    placed = (START + 2 * HOUR).isoformat()
    down = [[(START + 3 * HOUR).isoformat(), (START + 4 * HOUR).isoformat(), "network_down"]]
    return RunConfig(account=account, symbols=("BTC/USDT",), strategy="predator.strategies.scripted:Scripted",
                     params={"plan": [[placed, "BTC/USDT", "buy", "0.01"]]}, start=START, end=START + 6 * HOUR,
                     chaos={"venue": down})


def test_a_worker_restarted_while_the_venue_was_unreachable_fills_what_the_venue_filled(
    market_db: Target, monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = _config("unreach")
    run_until_killed(market_db, cfg, monkeypatch, "mid_close", START + 4 * HOUR)  # the 04:00 close never commits
    with market_db.connect("auditor") as conn:
        before = conn.execute("SELECT status FROM api.orders WHERE account = %s", ("unreach",)).fetchall()
        collected = conn.execute("SELECT ts, detail ? 'collect_failed' FROM api.venue_health WHERE account = %s"
                                 " ORDER BY ts", ("unreach",)).fetchall()
    assert before == [("open",)], "the buy reached the venue; no close since collected its fill"
    assert [(ts - START) // HOUR for ts, failed in collected if failed] == [3], "the 03:00 close could not collect"
    second = HourRunner(market_db, cfg)  # the restart, the venue still unreachable at 04:00
    try:
        second.run()
    finally:
        second.close()
    with market_db.connect("auditor") as conn:
        fills = conn.execute("SELECT f.ts FROM api.fills f WHERE f.account = %s", ("unreach",)).fetchall()
        after = conn.execute("SELECT status FROM api.orders WHERE account = %s", ("unreach",)).fetchall()
    assert after == [("filled",)] and len(fills) == 1
    assert START + 2 * HOUR <= fills[0][0] < START + 3 * HOUR, "filled in the bar it arrived in, as at the venue"
    result = replay_mod.replay(market_db, "unreach")
    assert result.mismatches == [] and result.unreplayable == []
    assert result.parity and result.hours_compared == 7
