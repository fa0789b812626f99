"""A seeded sweep of runs that each must replay to parity: strategies × symbol sets × periods, including
runs that halt on the daily loss, trip circuit breakers, flatten on a drawdown tier or through the kill
switch, and one started by the scheduler (``predator run``, end in 2099).

Each case runs in its own copy of a database holding the candles (so that a global halt of one case does
not reach another), through the same :class:`~predator.runner.hour.HourRunner` as ``predator paper``,
then :func:`predator.runner.replay.replay` re-executes it in a scratch database and compares every hour.

``tests/integration/test_replay_parity.py`` runs :data:`SUITE` (small, BTC/ETH/SOL); ``make replay-sweep``
runs :data:`LARGE` (``python -m predator.tools.replay_sweep``), which includes the 26-symbol
mean-reversion year of issue 9, and prints one line per case and the verdict.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg

from predator import config as cfg
from predator import seams
from predator.db import api, migrate, ops_reads
from predator.db.connection import Target, default_target
from predator.runner.hour import HourRunner, RunConfig
from predator.runner.replay import ReplayResult, replay
from predator.runner.scheduler import BusinessClock, ScheduledRun
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig

SYMBOLS_26 = [
    "AAVE/USDT", "ADA/USDT", "ALGO/USDT", "APT/USDT", "AVAX/USDT", "BCH/USDT", "BNB/USDT", "BTC/USDT",
    "DOT/USDT", "ETC/USDT", "ETH/USDT", "FIL/USDT", "HBAR/USDT", "ICP/USDT", "LINK/USDT", "LTC/USDT",
    "MATIC/USDT", "NEAR/USDT", "SHIB/USDT", "SOL/USDT", "SUI/USDT", "TRX/USDT", "UNI/USDT", "XLM/USDT",
    "XMR/USDT", "XRP/USDT",
]


def _d(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    """One run of the sweep. ``limits``: (limit, mode, value) set on the default profile before the run;
    ``breakers``: (breaker, threshold) set for the paper lane; ``kill_after``: hours after which the
    operator pulls the kill switch with flatten; ``scheduled``: started by the scheduler with the default
    end of ``predator run`` and stopped after ``hours`` hours; ``expect``: what the run must show (``halt``,
    ``breaker``, ``flatten``, ``kill``, ``reducing``), so that a sweep cannot pass on runs where nothing happened."""

    name: str
    strategy: str
    symbols: tuple[str, ...]
    start: datetime
    end: datetime
    seed: int = 7
    limits: tuple[tuple[str, str, Decimal], ...] = ()
    breakers: tuple[tuple[str, Decimal], ...] = ()
    kill_after: int | None = None
    scheduled: bool = False
    expect: tuple[str, ...] = ()

    def config(self) -> RunConfig:
        return RunConfig(
            account=self.name,
            symbols=self.symbols,
            strategy=self.strategy,
            params=effective_params(load_strategy(self.strategy)),
            start=self.start,
            end=_d("2099-01-01") if self.scheduled else self.end,
            venue=PaperConfig(seed=self.seed),
        )


BTC, ETH, SOL = "BTC/USDT", "ETH/USDT", "SOL/USDT"
P = Decimal

#: The in-suite sweep: BTC, ETH and SOL only (the test database's candles), a few weeks each.
SUITE: tuple[Case, ...] = (
    Case("plain_trend", "trend", (BTC, ETH), _d("2023-02-01"), _d("2023-02-15"), seed=11),
    Case("daily_loss", "meanrev", (BTC, ETH, SOL), _d("2023-06-01"), _d("2023-06-20"),
         limits=(("daily_loss_halt", "pct", P("0.5")),), expect=("reducing",)),
    Case("breaker_slippage", "meanrev", (ETH, SOL), _d("2023-03-01"), _d("2023-03-15"), seed=3,
         breakers=(("slippage_bps", P(1)),), expect=("breaker", "reducing")),
    Case("drawdown_flatten", "meanrev", (BTC, ETH, SOL), _d("2023-06-01"), _d("2023-06-12"), seed=5,
         limits=(("drawdown_flatten_tier", "pct", P(1)),), expect=("flatten", "halt")),
    Case("kill_flatten", "trend", (BTC, ETH), _d("2023-02-01"), _d("2023-02-10"), kill_after=60,
         expect=("kill",)),
    Case("scheduled", "meanrev", (BTC, SOL), _d("2023-04-01"), _d("2023-04-03"), scheduled=True),
)

#: ``make replay-sweep``: the suite's cases over longer periods and more symbols, and the 26-symbol
#: mean-reversion year of issue 9.
LARGE: tuple[Case, ...] = (
    *SUITE,
    Case("trend_q2", "trend", (BTC, ETH, SOL), _d("2023-04-01"), _d("2023-07-01"), seed=5),
    Case("meanrev_10_h1", "meanrev", tuple(SYMBOLS_26[:10]), _d("2023-01-01"), _d("2023-07-01"),
         limits=(("daily_loss_halt", "pct", P(2)),)),
    Case("sma_cross_6", "sma_cross", tuple(SYMBOLS_26[10:16]), _d("2023-03-01"), _d("2023-06-01"),
         breakers=(("slippage_bps", P(20)),)),
    Case("kill_meanrev_26", "meanrev", tuple(SYMBOLS_26), _d("2023-05-01"), _d("2023-06-01"), kill_after=300),
    Case("mr26", "meanrev", tuple(SYMBOLS_26), _d("2023-01-01"), _d("2024-01-01"), expect=("reducing",)),
)


def prepare(op: psycopg.Connection, case: Case) -> None:
    """The case's limits and breakers, set by the operator before the run."""
    with op.transaction():
        for name, mode, value in case.limits:
            api.set_limit(op, "default", name, mode, value, f"replay sweep {case.name}")
        for breaker, threshold in case.breakers:
            api.set_breaker(op, "paper", breaker, threshold, f"replay sweep {case.name}")


def run_case(db: Target, case: Case) -> None:
    """Run one case in ``db`` (a fresh copy of a database holding the candles)."""
    config = case.config()
    with db.connect("operator") as op:
        prepare(op, case)
    if case.scheduled:
        hours = int((case.end - case.start) / timedelta(hours=1))
        sched = ScheduledRun(db, config, BusinessClock(origin=case.start, speed=3600.0 * 100), max_seconds=60.0)
        _run_scheduled(sched, case.start + timedelta(hours=hours))
        return
    # Backtests over stored history: fast commits are allowed (the scheduled case stays durable).
    runner = HourRunner(db, config, stop_after=case.kill_after, backtest_fast_commit=True)
    try:
        runner.run()
    finally:
        runner.close()
    if case.kill_after is not None:
        with db.connect("operator") as op, op.transaction():
            api.kill_switch(op, f"replay sweep {case.name}", flatten=True)
        # A restarted worker carries out the cancels and exits first.
        runner = HourRunner(db, config, backtest_fast_commit=True)
        try:
            runner.run()
        finally:
            runner.close()


def _run_scheduled(sched: ScheduledRun, until: datetime) -> None:
    """Run the scheduler's hour job over the time warp until ``until`` closed, then stop it."""
    sched.runner.prepare()
    sched.runner.send_unacknowledged()
    while True:
        sched.hour_job()
        last = sched.runner.last_closed_hour()
        if last is not None and last >= until:
            break
    sched.runner.close()


def observed(db: Target, account: str) -> set[str]:
    """What the run showed: halt (a system halt of the account), breaker, flatten, kill, reducing (the book
    entered the risk state reducing: a paper daily-loss stop or breaker pause, docs/risk.md)."""
    with db.connect("auditor") as conn:
        events = ops_reads.run_events(conn, account=account)
    seen = set()
    if events.breaker_trips:
        seen.add("breaker")
    if "risk_flatten" in events.order_origins:
        seen.add("flatten")
    if "kill_switch" in events.order_origins:
        seen.add("kill")
    if events.system_incidents:
        seen.add("halt")
    if "reducing" in events.risk_states:
        seen.add("reducing")
    return seen


@dataclass(frozen=True)
class Outcome:
    case: Case
    result: ReplayResult
    seen: frozenset[str]
    run_seconds: float
    replay_seconds: float

    @property
    def ok(self) -> bool:
        return self.result.parity and set(self.case.expect) <= self.seen


def sweep(server: Target, template: str, cases: tuple[Case, ...]) -> Iterator[Outcome]:
    """Run and replay every case, each in its own copy of ``template``."""
    for case in cases:
        with migrate.database_copy(server, template, "predator_sweep") as db:
            t0 = seams.monotonic()
            run_case(db, case)
            t1 = seams.monotonic()
            result = replay(db, case.name)
            t2 = seams.monotonic()
            yield Outcome(case, result, frozenset(observed(db, case.name)), t1 - t0, t2 - t1)


def main() -> int:
    from predator.logs import configure_logging
    from predator.marketdata.loader import load_many

    configure_logging()
    t0 = seams.monotonic()
    server = default_target()
    symbols = sorted({s for c in LARGE for s in c.symbols})
    paths = [cfg.data_dir() / "candles" / f"binance_{s.replace('/', '-')}_1h.csv.gz" for s in symbols]
    with migrate.scratch_database(server, "predator_sweep_tmpl") as template:
        for outcome in load_many(lambda: template.connect("worker"), paths, jobs=2):
            if not hasattr(outcome, "result"):
                print(f"cannot load {outcome}", file=sys.stderr)
                return 2
        print(f"template: {len(paths)} symbols loaded in {seams.monotonic() - t0:.0f} s", flush=True)
        failed = 0
        for o in sweep(server, template.dbname, LARGE):
            failed += not o.ok
            r = o.result
            missing = "" if set(o.case.expect) <= o.seen else f" (expected {','.join(o.case.expect)})"
            seen = ",".join(sorted(o.seen)) or "-"
            print(
                f"{o.case.name:18s} {o.case.strategy:9s} {len(o.case.symbols):2d} symbols "
                f"{o.case.start:%Y-%m-%d}..{r.last_hour:%Y-%m-%d %H}h  hours {r.hours_compared:5d}  "
                f"seen {seen:22s} run {o.run_seconds:6.1f} s  replay {o.replay_seconds:6.1f} s"
                f"  {'PARITY' if r.parity else 'MISMATCH'}{missing}",
                flush=True,
            )
            for m in r.mismatches[:3]:
                print(f"    MISMATCH {m.hour.isoformat()}: {'; '.join(m.problems)}", flush=True)
            for u in r.unreplayable:
                print(f"    NOT REPLAYED: {u}", flush=True)
    print(f"REPLAY SWEEP: {'PASS' if not failed else 'FAIL'} ({len(LARGE) - failed}/{len(LARGE)} cases,"
          f" {seams.monotonic() - t0:.0f} s)")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
