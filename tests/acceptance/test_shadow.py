"""Shadow mode beside paper (DESIGN.md §5, seed 000 "shadow mode first"): over a warped week of Binance BTC/USDT
from the venue emulator, a shadow account and a paper account running the same strategy on the same data are
compared hour by hour in the database and never diverge; a shadow paired with a paper account whose decisions
differ (other parameters) trips the shadow_divergence breaker: an incident and a halt of the shadow account."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from predator.db import api
from predator.db.connection import Target
from predator.emulator import Clock, EmulatorServer, FaultPlan, Settings
from predator.marketdata.sync import SyncJob, start_feed
from predator.runner.config import RunConfig
from predator.runner.replay import replay
from predator.runner.scheduler import ScheduledRun
from predator.venues.paper import PaperConfig

START = datetime(2024, 5, 1, tzinfo=UTC)
FIRST = START + timedelta(hours=1)
LAST = START + timedelta(days=7)
WARP = 9000  # an hour in 0.4 s
SAME = {"fast": 2, "slow": 6, "max_positions": 5}
OTHER = {"fast": 3, "slow": 9, "max_positions": 5}


def _config(account: str, mode: str, params: dict[str, int]) -> RunConfig:
    return RunConfig(account=account, symbols=("BTC/USDT",), strategy="sma_cross", params=params, start=FIRST,
                     end=LAST, venue=PaperConfig(venue="binance", latency_jitter_ms=0), mode=mode, feed="sync")


@pytest.mark.xdist_group("emulator")
def test_shadow_beside_paper_never_diverges_and_a_divergent_pair_halts(db: Target) -> None:
    srv = EmulatorServer(Settings(venue="binance", clock=Clock(START, WARP), faults=FaultPlan())).start()
    runs: list[ScheduledRun] = []
    threads: list[threading.Thread] = []
    try:
        configs = [_config("ref", "paper", SAME), _config("shd", "shadow", SAME),
                   _config("ref_other", "paper", OTHER), _config("shd_other", "shadow", SAME)]
        first = SyncJob(db, "binance", symbols=("BTC/USDT",), url=srv.url)
        start_feed(first, warmup_bars=60)
        for c in configs:
            job = SyncJob(db, "binance", symbols=c.symbols, url=srv.url)
            run = ScheduledRun(db, c, sync=job, bar_wait_seconds=2.0, poll_seconds=0.05, delay_seconds=0,
                               kill_listener=False)
            runs.append(run)
            threads.append(threading.Thread(target=run.start, daemon=True))
        for t in threads:
            t.start()
        # An operator pairs each shadow with its reference once the accounts exist (the comparison catches up).
        paired: set[str] = set()
        deadline = time.monotonic() + 60
        while len(paired) < 2 and time.monotonic() < deadline:
            with db.connect("auditor") as conn:
                names = {r[0] for r in conn.execute("SELECT name FROM api.accounts").fetchall()}
            for shadow, reference in (("shd", "ref"), ("shd_other", "ref_other")):
                if shadow not in paired and {shadow, reference} <= names:
                    with db.connect("operator") as op, op.transaction():
                        api.pair_shadow(op, shadow=shadow, reference=reference, reason="test: shadow beside paper")
                    paired.add(shadow)
            time.sleep(0.05)
        assert paired == {"shd", "shd_other"}
        for t in threads:
            t.join(240)
        assert not any(t.is_alive() for t in threads), "the runs did not finish"
        for run in runs:
            assert run.error is None and run.failure is None, (run.config.account, run.error, run.failure)
        # Each shadow worker compared every hour its reference had closed by then; the hours the reference closed
        # after the shadow's last tick are compared by the next call, as a restarted worker would.
        with db.connect("worker") as w, w.transaction():
            for shadow in ("shd", "shd_other"):
                api.compare_shadow(w, shadow=shadow, until=LAST)

        with db.connect("auditor") as conn:
            hours = conn.execute("SELECT account, count(*) FROM api.hourly_states GROUP BY 1 ORDER BY 1").fetchall()
            assert dict(hours) == {a: 24 * 7 for a in ("ref", "ref_other", "shd", "shd_other")}
            same = conn.execute("SELECT count(*), sum(divergence), bool_or(tripped),"
                                " sum(jsonb_array_length(shadow_decisions)) FROM api.shadow_comparisons"
                                " WHERE shadow = 'shd'").fetchone()
            # Every hour compared, the same decisions every hour, and there were decisions to compare.
            assert same is not None and same[0] == 24 * 7 and same[1] == 0, same
            assert same[2] is False and same[3] > 4, same
            assert conn.execute("SELECT count(*) FROM api.halts WHERE scope_key = 'shd' AND active").fetchone() == (0,)
            other = conn.execute("SELECT hour, divergence, tripped FROM api.shadow_comparisons"
                                 " WHERE shadow = 'shd_other' AND divergence > 0 ORDER BY hour").fetchall()
            assert other and other[0][2] is True, other  # the first divergent hour trips the breaker (threshold 0)
            trip = conn.execute("SELECT breaker, value, threshold FROM api.breaker_trips WHERE account = 'shd_other'"
                                ).fetchall()
            assert [(t[0], t[2]) for t in trip] == [("shadow_divergence", 0)] and trip[0][1] == other[0][1]
            halted = conn.execute("SELECT active FROM api.halts WHERE scope_kind = 'account'"
                                  " AND scope_key = 'shd_other'").fetchone()
            assert halted == (True,)
            incident = conn.execute("SELECT count(*) FROM api.incidents WHERE account = 'shd_other'"
                                    " AND title LIKE %s", ("%shadow_divergence%",)).fetchone()
            assert incident is not None and incident[0] >= 1
            # The halted shadow decides nothing new after the trip: its entries are refused.
            after = conn.execute("SELECT count(*) FROM api.decisions WHERE account = 'shd_other' AND ts > %s"
                                 " AND outcome = 'admitted' AND direction = 'buy'", (other[0][0],)).fetchone()
            assert after == (0,)
        # The shadow that never diverged replays to parity, like any run on live data.
        result = replay(db, "shd")
        assert result.parity and result.hours_compared == 24 * 7, (result.mismatches[:3], result.unreplayable)
    finally:
        for run in runs:
            run.stop()
        for t in threads:
            t.join(30)
        srv.stop()
