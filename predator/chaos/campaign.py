"""A chaos campaign (issue 14, docs/chaos.md "Campaigns"): a fresh paper account with several strategies in
several pools runs ``days`` simulated days while the schedule's faults hit it, segment by segment (a day, or
less in the liveness phase). After every segment: every gate passes over the new hours (incremental), every
chain verifies, and the scripted operator follows the runbook for a halt in force (latest reconciliation
clean, the halt's incident reviewed and resolved, ``api.resume`` with a recorded reason; for a terminal venue
fault, a ghost fill or a withdrawal, first the book's correction: docs/chaos.md). After the faults
stop, the liveness phase must reach "reconciled, within caps, every halt explained by an incident" within
:func:`predator.chaos.schedule.liveness_hours`. At the end, replay parity over the whole campaign.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from predator import errors, gates, seams
from predator.chaos import schedule
from predator.chaos.schedule import Fault
from predator.chaos.supervisor import Injected, SegmentRun, Supervisor, worker_env
from predator.db import api, audit, chaos_db
from predator.db.connection import Target
from predator.runner.config import HOUR, RunConfig, StrategySpec

#: The ``worker_rss_mb`` ceiling the campaign sets on its book: this many MB above what the worker service holds
#: once it loaded the data (each worker is forked from it, and holds less once it runs: copy-on-write pages it
#: never touches). A ``memory_leak`` window (4-8 hours of 24-40 MB, 96 MB at the least)
#: passes it; a worker that does not leak stays well below (docs/chaos.md, "Memory").
LEAK_MARGIN_MB = 48
#: How the halt of the scripted operator's kill switch reads (``api.kill_switch`` prefixes its reason).
KILL_SWITCH_REASON = "kill switch: chaos operator"

#: The book of a campaign: the CORE strategy, a second CORE strategy, and an AGGRESSIVE one whose decisions
#: the decision faults corrupt (seed 001's "AI" strategy).
CORE = ("trend", {"fast": 12, "slow": 48, "vol_window": 48})
DEFAULT_SYMBOLS = ("BTC/USDT", "ETH/USDT", "SOL/USDT")
DEFAULT_START = datetime(2023, 3, 1, tzinfo=UTC)


@dataclass
class SegmentCheck:
    """The checks after one segment: gates (passed, failures), chains, halts and the operator's actions."""

    until: datetime
    gates_passed: bool
    gate_failures: list[str]
    chains_ok: bool
    halts: list[str]
    resumed: list[str]
    blocked: list[str]
    reconciled: bool | None
    wall_s: float
    #: Why the account's trading ended (a terminal venue fault no runbook step corrects), or None.
    ended: str | None = None
    #: The corrections the operator made to the book after this segment (api.post_venue_transfer, api.void_fill).
    corrected: list[str] = field(default_factory=list)


@dataclass
class CampaignResult:
    campaign: int
    seed: int
    days: int
    account: str
    schedule_digest: str
    faults: list[Fault]
    injected: list[Injected] = field(default_factory=list)
    checks: list[SegmentCheck] = field(default_factory=list)
    worker_starts: int = 0
    worker_kills: int = 0
    db_stops: int = 0
    operator_resumes: int = 0
    liveness_hour: datetime | None = None
    liveness_bound: datetime | None = None
    replay_parity: bool | None = None
    replay_detail: str = ""
    wall_s: float = 0.0
    campaign_id: int | None = None
    #: The worker's resident memory (kB) at each hour it closed, and the pid of the worker process measured
    #: (one process runs on across segments until a fault ends it; each is forked from the same loaded service).
    rss_kb: list[tuple[datetime, int]] = field(default_factory=list)
    rss_pid: list[int] = field(default_factory=list)
    #: Seconds the worker service took to load the market data (once per campaign).
    worker_load_s: float = 0.0
    #: Every chain of the book verified from genesis at the end (None: not run).
    final_chains_ok: bool | None = None
    #: The database the campaign ran in (a sync-fed campaign has one of its own).
    database: str = ""
    #: The kill switch (operator layer): None when none was thrown, else what was missing when the campaign
    #: ended ("" when its effects held: no order admitted after it, nothing open, the book flat, reconciled).
    kill_switch_missing: str | None = None

    @property
    def failures(self) -> list[str]:
        out = [f"gates failed after {c.until:%Y-%m-%d %H:00}: {', '.join(c.gate_failures)}" for c in self.checks
               if not c.gates_passed]
        out += [f"a chain is broken after {c.until:%Y-%m-%d %H:00}" for c in self.checks if not c.chains_ok]
        if self.final_chains_ok is False:
            out.append("a chain is broken (verified from genesis at the end)")
        if self.liveness_hour is None:
            out.append(f"liveness: not reconciled, within caps and explained by {self.liveness_bound}")
        if self.replay_parity is False:
            out.append(f"replay parity false: {self.replay_detail}")
        if self.kill_switch_missing:
            out.append(f"the kill switch's effects did not hold: {self.kill_switch_missing}")
        return out

    @property
    def passed(self) -> bool:
        return not self.failures


def fresh_account(target: Target, campaign: int, seed: int) -> str:
    """An account name no book has yet: ``chaos-c<campaign>-s<seed>`` (``-2``, ``-3``... when taken)."""
    base = f"chaos-c{campaign}-s{seed}"
    with target.connect("auditor") as conn:
        n = 1
        while audit.book_id(conn, base if n == 1 else f"{base}-{n}") is not None:
            n += 1
    return base if n == 1 else f"{base}-{n}"


def run_config(account: str, faults: list[Fault], start: datetime, days: int, symbols: tuple[str, ...],
               campaign: int, seed: int) -> RunConfig:
    """The campaign's run: its venue faults in ``chaos``, its decision faults in the AGGRESSIVE strategy's
    wrapper (both part of the stored configuration, so a replay applies them again); sync-fed (``feed =
    "sync"``) when the schedule has feed faults: the worker's chaos feeder delivers the bars hour by hour, each
    hour records what it knew, and a replay reloads the same loads."""
    hours = [start + i * HOUR for i in range(days * 24)]

    def window(f: Fault) -> tuple[str, str]:
        last = min(f.hour + f.hours - 1, len(hours) - 1)
        return hours[f.hour].isoformat(), hours[last].isoformat()

    venue = [[*window(f), f.kind, *([str(f.param("amount"))] if f.param("amount") is not None else [])]
             for f in schedule.of_layer(faults, "venue")]
    decision = [[*window(f), f.kind, str(f.param("symbol", "*"))] for f in schedule.of_layer(faults, "decision")]
    agent = StrategySpec("agent", "predator.chaos.decisions:FaultyStrategy",
                         {"inner": "sma_cross", "inner_params": {}, "windows": decision}, "AGGRESSIVE", 0)
    second = StrategySpec("meanrev", "meanrev", {}, "CORE", 1)
    return RunConfig(account=account, symbols=symbols, strategy=CORE[0], params=dict(CORE[1]), start=start,
                     end=hours[-1], principal=Decimal(10000), extra_strategies=(second, agent),
                     chaos={"campaign": campaign, "seed": seed, "venue": venue},
                     feed="sync" if schedule.of_layer(faults, "feed") else "stored")


def feed_plan(faults: list[Fault], start: datetime, days: int, symbols: tuple[str, ...], seed: int,
              venue: str) -> dict[str, Any] | None:
    """The chaos feeder's plan (:meth:`predator.chaos.feed.ChaosFeed.as_plan`) of the schedule's feed layer, None
    when it has none: each fault from its hour for its ``hours`` (a ``late_revision`` from the bar's close to its
    revision)."""
    hours = [start + i * HOUR for i in range(days * 24)]
    feed = schedule.of_layer(faults, "feed")
    if not feed:
        return None
    return {"venue": venue, "symbols": list(symbols), "start": hours[0].isoformat(), "end": hours[-1].isoformat(),
            "seed": seed, "faults": [[f.kind, hours[f.hour].isoformat(),
                                      hours[min(f.hour + f.hours - 1, len(hours) - 1)].isoformat()] for f in feed]}


def leak_windows(faults: list[Fault], start: datetime) -> list[list[str]]:
    """The ``memory_leak`` windows (first and last hour, ISO) of the schedule."""
    return [[(start + f.hour * HOUR).isoformat(), (start + (f.hour + f.hours - 1) * HOUR).isoformat()]
            for f in schedule.of_layer(faults, "memory")]


def own_database_of(server: Target, campaign: int, seed: int) -> Target:
    """A database of the campaign's own on ``server`` (``predator_chaos_c<campaign>_s<seed>``, ``_2`` … when
    taken), created and migrated: a sync-fed campaign needs a database that does not hold its window's bars yet
    (the chaos feeder delivers them hour by hour), and the kill switch, which is global, then touches no other
    book. Kept after the campaign (its book, metrics and report)."""
    from predator.db import migrate

    with server.connect("admin", autocommit=True) as conn:
        name = chaos_db.create_database(conn, f"predator_chaos_c{campaign}_s{seed}")
    target = server.with_dbname(name)
    migrate.upgrade(target)
    return target


def segments(days: int, faults: list[Fault], check_hours: int = 24) -> list[int]:
    """The last hour index of each segment: every ``check_hours`` hours (default: each day's last hour) during
    the faults, every 6 hours in the liveness phase (so that the hour liveness is reached is known to 6
    hours); and the hour of a kill switch (the operator throws it at the worker's barrier) and two hours later
    (the operator checks its effects and resumes). The checks after each segment cover every hour closed since
    the previous one."""
    total = days * 24
    live = schedule.faulted_hours(days)
    step = max(1, check_hours)
    switches = {h for f in schedule.of_layer(faults, "operator") for h in (f.hour, f.hour + 2)}
    ends = sorted({min(h, total - 1) for h in range(step - 1, live, step)} | {live - 1}
                  | set(range(live + 5, total, 6)) | {total - 1} | switches)
    return [e for e in ends if 0 <= e < total]


class Campaign:
    """One campaign over ``target`` (see the module docstring); ``say`` reports progress lines."""

    def __init__(self, target: Target, campaign: int, seed: int, days: int | None = None,
                 symbols: tuple[str, ...] = DEFAULT_SYMBOLS, start: datetime = DEFAULT_START,
                 workdir: Path | None = None, say: Callable[[str], None] = print, replay: bool = True,
                 check_hours: int = 24, process_faults: bool = True, overlap_checks: bool = True,
                 own_database: bool = True) -> None:
        self.target = target
        self.campaign, self.seed = campaign, seed
        self.days = days if days is not None else schedule.INTENSITY[campaign][1]
        self.symbols = symbols
        self.start = start
        self.say = say
        self.do_replay = replay
        self.check_hours = check_hours
        #: False (the bench's --no-kills): the worker SIGKILLs and database stops of the schedule are not
        #: carried out, so that one worker process lives the whole campaign (a memory measurement).
        self.process_faults = process_faults
        #: Check a segment's hours while the worker runs the next one when no halt is in force (2 cores).
        self.overlap_checks = overlap_checks
        self.faults = schedule.build(campaign, seed, self.days, symbols)
        #: The server the campaign was given; a sync-fed campaign (feed faults) runs in a database of its own.
        self.server = target
        self.sync = bool(schedule.of_layer(self.faults, "feed"))
        if self.sync and own_database:
            # ``own_database`` False: stay in ``target`` (tests of the scripted operator, which run no hour).
            self.target = target = own_database_of(target, campaign, seed)
        self.account = fresh_account(target, campaign, seed)
        self.config = run_config(self.account, self.faults, start, self.days, symbols, campaign, seed)
        self.hours = [start + i * HOUR for i in range(self.days * 24)]
        self.workdir = workdir or Path.cwd()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.plan = self.workdir / f"{self.account}.plan.json"
        #: Every correction the scripted operator made to the book (the runbook for a terminal venue fault).
        self.corrections: list[str] = []
        #: A correction the database refused (the book stays as it is: the account's trading ends).
        self.refused: str | None = None
        #: The operator layer's kill switch (one at most), the hour it was thrown after, and whether its effects
        #: were seen to hold (None: not yet judged); what was missing at the last check.
        self.kill_switch = next(iter(schedule.of_layer(self.faults, "operator")), None)
        self.kill_switch_at: datetime | None = None
        self.kill_switch_held: bool | None = None
        self.kill_switch_missing: str | None = None

    def run(self) -> CampaignResult:
        t0 = seams.monotonic()
        res = CampaignResult(self.campaign, self.seed, self.days, self.account, schedule.digest(self.faults),
                             self.faults)
        if self.sync:
            from predator.chaos.scenario import Window
            from predator.chaos.scenario_run import _warmup_hours, load_window

            # The history before the first hour; the chaos feeder delivers the rest hour by hour.
            load_window(self.target, Window(self.config.venue.venue, self.symbols, self.start, self.hours[-1]),
                        _warmup_hours(self.config), upto=self.start - HOUR)
        self.plan.write_text(json.dumps({
            "config": self.config.as_dict(), "faults": [f.as_dict() for f in self.faults], "seed": self.seed,
            "feed": feed_plan(self.faults, self.start, self.days, self.symbols, self.seed, self.config.venue.venue),
            "leaks": leak_windows(self.faults, self.start)}, indent=1))
        name = schedule.INTENSITY[self.campaign][0]
        self.say(f"campaign {self.campaign} ({name}), seed {self.seed}: {self.days} days from "
                 f"{self.start:%Y-%m-%d}, account {self.account}"
                 + (f" in database {self.target.dbname} (sync-fed)" if self.sync else "")
                 + f", {len(self.faults)} faults scheduled "
                 f"(schedule {res.schedule_digest[:12]}); reproduce with: predator chaos run --campaign "
                 f"{self.campaign} --seed {self.seed} --days {self.days}")
        sup = Supervisor(self.plan, self.hours, worker_env(self.target.dsn if self.sync else None),
                         self.target.embedded, self.faults if self.process_faults else [],
                         terminate=self.terminate_worker_sessions)
        res.database = self.target.dbname
        self.memory_breaker(sup.load())
        live_from = schedule.faulted_hours(self.days)
        res.liveness_bound = self.hours[-1]
        ends = segments(self.days, self.faults, self.check_hours)
        wanted = set(ends)
        running: _CheckThread | None = None

        def record(check: SegmentCheck, run: SegmentRun) -> None:
            res.checks.append(check)
            res.operator_resumes += len(check.resumed)
            self.say(self.line(check, run.kills, run.db_stops, run.wall_s))
            if check.until >= self.hours[live_from - 1] and res.liveness_hour is None and self.live(check):
                res.liveness_hour = check.until

        def settle() -> None:
            """Wait for the check running beside the worker, and record it."""
            nonlocal running
            if running is not None:
                done, running = running, None
                record(done.result(), done.run)

        def prune(end: int) -> None:
            """Once liveness is reached, the rest of the liveness phase needs no 6-hour granularity: its
            segments go back to every --check-hours hours (every hour is still checked)."""
            nonlocal wanted
            if res.liveness_hour is None:
                return
            kept, last = {e for e in wanted if e <= end}, end
            for e in sorted(e for e in wanted if e > end):
                if e - last >= self.check_hours or e == ends[-1]:
                    kept.add(e)
                    last = e
            wanted = kept

        sup.before_db_stop = settle  # a check never meets a database stop
        first = 0
        try:
            sup.begin(self.hours[ends[0]])
            for k, end in enumerate(ends):
                if end not in wanted:
                    continue
                run = sup.finish()
                res.worker_starts += run.starts
                res.worker_kills += run.kills
                res.db_stops += run.db_stops
                res.rss_kb += run.rss_kb
                res.rss_pid += run.rss_pid
                res.injected += run.injected
                res.injected += [Injected(f, self.hours[f.hour], self.outcome(f)) for f in self.faults
                                 if first <= f.hour <= end and f.layer in ("venue", "decision", "feed", "memory")]
                first = end + 1
                settle()
                prune(end)
                if self.kill_switch is not None and end == self.kill_switch.hour:
                    res.injected.append(self.throw_kill_switch(sup, res))
                nxt = next((e for e in ends[k + 1:] if e in wanted), None)
                # The worker waits at its barrier. With no halt in force (nothing for the operator to do) and
                # outside the liveness phase's search (before it, or once liveness is reached), it goes on with
                # the next segment while this one's hours are checked beside it; otherwise the checks and the
                # operator's runbook run at the barrier, so that the operator acts after the same hour on
                # every run of the seed.
                searching = end >= live_from - 1 and res.liveness_hour is None
                if self.overlap_checks and nxt is not None and not searching and not self.halted():
                    sup.begin(self.hours[nxt])
                    running = _CheckThread(self, self.hours[end], self.past(end), run)
                else:
                    check = self.check(self.hours[end], self.past(end))
                    record(check, run)
                    if check.corrected:
                        # The book was corrected under the waiting worker: a fresh worker restores the venue
                        # from the corrected book and reconciles at start-up (the next reconciliation the
                        # operator's resume waits for).
                        sup.restart()
                    prune(end)
                    nxt = next((e for e in ends[k + 1:] if e in wanted), None)
                    if nxt is not None:
                        sup.begin(self.hours[nxt])
            settle()
        finally:
            sup.close()
        res.worker_load_s = sup.load_s
        res.injected += sup.missed()
        if self.kill_switch_at is not None:
            res.kill_switch_missing = self.kill_switch_missing or ""
        elif self.kill_switch is not None and self.kill_switch.hour < len(self.hours):
            res.kill_switch_missing = "never thrown"
        # Each segment verified the chains from the previous checkpoint's heads (gate 10); once at the end,
        # every chain of the book from genesis.
        t_verify = seams.monotonic()
        with self.target.connect("auditor") as conn:
            book = audit.book_id(conn, self.account)
            res.final_chains_ok = gates.verify(conn, book).ok
            conn.commit()
        self.say(f"chains from genesis: {'verify' if res.final_chains_ok else 'BROKEN'} "
                 f"[{seams.monotonic() - t_verify:.1f} s]")
        if self.do_replay:
            from predator.runner.replay import record as record_replay
            from predator.runner.replay import replay

            r = replay(self.target, self.account)
            recorded = record_replay(self.target, r)  # api.replay_runs: on the console's /checks page
            res.replay_parity = r.parity
            res.replay_detail = (f"{r.hours_compared} hours compared, {len(r.mismatches)} mismatches"
                                 + (f", first {r.mismatches[0].hour}: {r.mismatches[0].problems}"
                                    if r.mismatches else "") + f", recorded as replay {recorded.seq}")
            self.say(f"replay: {res.replay_detail}; REPLAY PARITY: {'TRUE' if r.parity else 'FALSE'}")
        res.wall_s = seams.monotonic() - t0
        return res

    @staticmethod
    def live(check: SegmentCheck) -> bool:
        """Reconciled, within caps (every gate passed), every halt explained by an incident; or the account's
        trading ended honestly by a terminal venue fault (halted, the halt explained by its severity-1
        incident, the difference left for a correction no runbook step provides)."""
        return (bool(check.reconciled) or check.ended is not None) and check.gates_passed and check.chains_ok \
            and not check.blocked

    def memory_breaker(self, service_kb: int) -> None:
        """With ``memory_leak`` windows scheduled: the book's ``worker_rss_mb`` ceiling at :data:`LEAK_MARGIN_MB`
        above what the worker service holds (set before the first hour; a replay copies it, and re-records the
        worker's reports)."""
        if not schedule.of_layer(self.faults, "memory") or service_kb <= 0:
            return
        ceiling = Decimal(service_kb // 1024 + LEAK_MARGIN_MB)
        with self.target.connect("operator") as op:
            api.set_breaker(op, "paper", "worker_rss_mb", ceiling,
                            f"chaos campaign {self.campaign} seed {self.seed}: memory_leak windows scheduled "
                            f"(service {service_kb // 1024} MB + {LEAK_MARGIN_MB} MB)", self.account)
            op.commit()

    def throw_kill_switch(self, sup: Supervisor, res: CampaignResult) -> Injected:
        """The operator layer's kill switch, after the worker closed its hour and waits at its barrier:
        ``api.kill_switch`` with ``flatten`` (the scripted operator's drill), then the worker carries it out
        (:meth:`Supervisor.kill_switch`; with ``mid_kill_switch`` armed it SIGKILLs itself midway and a fresh
        worker finishes it). Its effects are judged at the following checks (:meth:`judge_kill_switch`)."""
        f = self.kill_switch
        assert f is not None
        at = self.hours[f.hour]
        with self.target.connect("operator", autocommit=True) as op:
            ks = api.kill_switch(op, f"chaos operator: campaign {self.campaign} seed {self.seed}: the scheduled "
                                     f"kill switch after {at:%Y-%m-%d %H:00}", flatten=bool(f.param("flatten", 1)))
        seg = sup.kill_switch()
        killed = [i for i in seg.injected if i.fault == f]
        seg.injected = [i for i in seg.injected if i.fault != f]
        if f in sup.pending:
            sup.pending.remove(f)
        res.worker_starts += seg.starts
        res.worker_kills += seg.kills
        res.injected += seg.injected
        self.kill_switch_at = at
        outcome = (f"kill switch after {at:%Y-%m-%d %H:00}: {ks.orders_marked} order(s) marked for cancellation, "
                   f"{ks.flatten_orders} flatten exit(s); "
                   + ("worker SIGKILLed at mid_kill_switch, a fresh worker finished it" if killed
                      else "carried out by the worker"))
        self.say(f"  {outcome}")
        return Injected(f, at, outcome, seg.wall_s)

    def judge_kill_switch(self) -> None:
        """After the kill switch, at each check until they hold: no order admitted from a signal after it, no order
        left open (each canceled at the venue: a clean reconciliation after it compares the venue's open orders
        with the book's), the book flat (every position sold by the kill switch's exits, each filled)."""
        if self.kill_switch_at is None or self.kill_switch_held:
            return
        with self.target.connect("auditor") as conn:
            st = chaos_db.kill_switch_state(conn, self.account, self.kill_switch_at)
            conn.commit()
        missing = [f"{st.admitted_after} order(s) admitted from a signal after it"] if st.admitted_after else []
        missing += [f"{st.open_orders} order(s) still open"] if st.open_orders else []
        missing += [f"{st.positions} position(s) left"] if st.positions else []
        missing += [f"{st.exits_unfilled} flatten exit(s) not filled"] if st.exits_unfilled else []
        missing += [] if st.reconciled_after else ["no clean reconciliation after it"]
        self.kill_switch_missing = "; ".join(missing)
        self.kill_switch_held = not missing

    def terminate_worker_sessions(self) -> int:
        """The ``terminate_backends`` fault: the server drops the worker's sessions."""
        with self.target.connect("admin", autocommit=True) as conn:
            return chaos_db.terminate_worker_sessions(conn)

    def outcome(self, f: Fault) -> str:
        """What a venue or decision fault did, as the book shows it (the worker applied it)."""
        if f.layer == "feed":
            return "delivered by the worker's chaos feeder"
        if f.layer == "memory":
            return "leaked by the worker (its resident memory reported every hour)"
        if f.layer != "venue":
            return "applied by the worker"
        first, last = self.hours[f.hour], self.hours[min(f.hour + f.hours - 1, len(self.hours) - 1)]
        with self.target.connect("auditor") as conn:
            if f.kind == "withdrawal":
                n = chaos_db.withdrawals_seen(conn, self.account)
                return (f"{f.param('amount')} {self.config.base_currency} withdrawn at the venue; the book saw "
                        f"{n} withdrawal(s)")
            seen = chaos_db.window_orders(conn, self.account, first, last)
        placed = sum(v for k, v in seen.items() if k not in ("partly", "ghost"))
        detail = ", ".join(f"{k} {v}" for k, v in sorted(seen.items()) if v)
        if f.kind == "ghost_fill":
            return (f"ghost fill reported for {seen['ghost']} order(s): {detail}" if seen["ghost"]
                    else f"not reached: no order was placed in the window ({placed} placed)")
        return f"{placed} order(s) placed in the window" + (f": {detail}" if detail else "")

    def line(self, c: SegmentCheck, kills: int, stops: int, run_s: float = 0.0) -> str:
        return (f"  {c.until:%Y-%m-%d %H:00}  gates {'pass' if c.gates_passed else 'FAIL ' + ','.join(c.gate_failures)}"
                f"  chains {'ok' if c.chains_ok else 'BROKEN'}  reconciled {c.reconciled}"
                f"  kills {kills}  db stops {stops}  halts {len(c.halts)}  resumed {len(c.resumed)}"
                + (f"  unexplained {c.blocked}" if c.blocked else "") + (f"  ENDED: {c.ended}" if c.ended else "")
                + (f"  CORRECTED: {'; '.join(c.corrected)}" if c.corrected else "")
                + f"  [run {run_s:.1f} s, checks {c.wall_s:.1f} s]")

    def past(self, end: int) -> list[Fault]:
        """The faults scheduled up to hour index ``end``."""
        return [f for f in self.faults if f.hour <= end]

    def halted(self) -> bool:
        """Whether a halt covering the book is in force (the operator's runbook has something to do)."""
        with self.target.connect("auditor") as conn:
            found = bool(chaos_db.halts_in_force(conn, self.account))
            conn.commit()
        return found

    def check(self, until: datetime, past: list[Fault] | None = None, operator: bool = True) -> SegmentCheck:
        """The checks after a segment (``past``: the faults scheduled up to ``until``), and (``operator``) the
        scripted operator's runbook for the halts in force, with the book's correction after a terminal venue
        fault."""
        t0 = seams.monotonic()
        with self.target.connect("auditor") as conn:
            try:
                _, results, _ = gates.run_and_record(conn, gates.gate_files(), gates.Scope(self.account, None, None),
                                                     incremental=True)
                failed = [r.name for r in results if r.violations or r.error]
            except gates.NothingToValidate:
                failed = []
            conn.commit()
            # Gate 10 verified every chain of the book from the heads the previous checkpoint recorded.
            chains = not any(name.startswith("10_") for name in failed)
            halts = chaos_db.halts_in_force(conn, self.account)
            reconciled = chaos_db.reconciliation_clean(conn, self.account)
            conn.commit()
        if operator:
            self.judge_kill_switch()
        resumed, blocked = self.operator(halts, reconciled) if halts and operator else ([], [])
        corrected = self.correct(halts, reconciled, past or []) if operator else []
        ended = self.ended(halts, reconciled, past or [])
        return SegmentCheck(until, not failed, failed, chains, [f"{h.scope_kind}:{h.scope_key}" for h in halts],
                            resumed, blocked, reconciled, seams.monotonic() - t0, ended, corrected)

    def ended(self, halts: list[chaos_db.HaltInForce], reconciled: bool | None, past: list[Fault]) -> str | None:
        """A terminal venue fault the runbook could not correct (docs/chaos.md "Faults that end an account's
        trading"): the venue account differs from the book (a fill the venue never made, a withdrawal) in a way
        :meth:`correct` does not explain (a ghost sell, a difference the relayed transfers and ghost fills do not
        account for), the reconciliation stays dirty and ``api.resume`` refuses. The operator leaves the global
        halt in force and the account's trading ends: the reason, or None when no such fault explains a dirty
        reconciliation under a halt explained by an incident, or when the book was corrected."""
        terminal = [f for f in past if f.layer == "venue" and f.kind in schedule.TERMINAL_KINDS]
        explained = [h for h in halts if h.incident is not None and h.scope_kind == "global"]
        if reconciled is not False or not terminal or not explained or (self.corrections and not self.refused):
            return None
        f = terminal[0]
        return (f"{f.kind} at {self.hours[f.hour]:%Y-%m-%d %H:00}: reconciliation dirty, global halt "
                f"{explained[0].incident} left in force (the differences are not a withdrawal or a ghost buy the "
                "runbook corrects)")

    def correct(self, halts: list[chaos_db.HaltInForce], reconciled: bool | None, past: list[Fault]) -> list[str]:
        """The runbook for a terminal venue fault (docs/chaos.md, docs/live.md "Corrections"): read the latest
        reconciliation's differences; when the withdrawals the worker relayed and no one posted, and the fills the
        venue's trade list does not hold (the chaos venue names them ``…-ghost``; buys or sells), account for
        every difference exactly, post each withdrawal (``api.post_venue_transfer``) and void each ghost fill
        (``api.void_fill``, newest first: a ghost sell must be its symbol's newest fill), citing the halt's
        incident, at half an hour after the last closed hour. The next reconciliation (the worker's start-up
        comparison) is then clean, and :meth:`operator` reviews and resolves the incidents and resumes with a
        recorded reason. Anything else is left alone (the account's trading ends, :meth:`ended`). Returns what
        was corrected."""
        terminal = [f for f in past if f.layer == "venue" and f.kind in schedule.TERMINAL_KINDS]
        explained = [h for h in halts if h.incident is not None and h.scope_kind == "global"]
        if reconciled is not False or not terminal or not explained or self.refused:
            return []
        with self.target.connect("auditor") as aud:
            rec = chaos_db.latest_reconciliation(aud, self.account)
            last = chaos_db.last_hour_index(aud, self.account)
            withdrawals = [t for t in chaos_db.unposted_transfers(aud, self.account) if t.kind == "withdrawal"]
            ghosts = chaos_db.unvoided_fills_like(aud, self.account, "-ghost")
            mine = [i for i, sev, _, _ in chaos_db.open_incidents(aud, self.account)
                    if sev == 1 and i.startswith("INC-") and not i.startswith("INC-0-")]
        if rec is None or last is None or rec.clean or not mine or (not withdrawals and not ghosts):
            return []
        if any(d.get("kind") != "balance" for d in rec.diffs):
            return []  # an order missing on one side: not what the runbook corrects
        expected: dict[str, Decimal] = {}  # venue - book, per currency, that the corrections explain
        for t in withdrawals:
            expected[t.currency] = expected.get(t.currency, Decimal(0)) - t.amount
        for g in ghosts:
            # The book recorded a trade the venue never made. A ghost buy put the base into the book and took the
            # quote out: the venue holds less base and more quote than the book. A ghost sell the opposite: the
            # venue still holds the base the book sold and never paid the quote the book received. Either way
            # the venue charged no fee: it holds more of the fee currency (a base fee of a sell: more base too).
            base, quote = g.symbol.split("/")
            sign = Decimal(1) if g.side == "sell" else Decimal(-1)
            expected[base] = expected.get(base, Decimal(0)) + sign * g.quantity
            expected[quote] = expected.get(quote, Decimal(0)) - sign * g.quantity * g.price
            expected[g.fee_currency] = expected.get(g.fee_currency, Decimal(0)) + g.fee
        seen = {str(d["key"]): Decimal(str(d["difference"])) for d in rec.diffs}
        if any(abs(seen.get(c, Decimal(0)) - v) > Decimal("1e-8") for c, v in expected.items() if v != 0) \
                or any(c not in expected for c in seen):
            return []  # the differences are not (only) these
        incident = next((h.incident for h in explained if h.incident in mine), mine[0])
        ts = last + HOUR / 2
        done: list[str] = []
        why = (f"chaos operator: campaign {self.campaign} seed {self.seed}: reconciliation at {rec.ts:%Y-%m-%d %H:%M}"
               f" ({rec.kind}) differs by {', '.join(f'{c} {v}' for c, v in sorted(seen.items()))}")
        try:
            with self.target.connect("operator", autocommit=True) as op:
                for t in withdrawals:
                    api.post_venue_transfer(op, self.account, "withdrawal", t.currency, t.amount, ts,
                                            f"{why}; the venue's statement shows withdrawal {t.venue_ref}",
                                            incident, t.venue_ref)
                    done.append(f"withdrawal {t.amount} {t.currency} {t.venue_ref} posted")
                for g in ghosts:
                    api.void_fill(op, self.account, g.symbol, g.venue_trade_id, ts,
                                  f"{why}; the venue's trade list has no trade {g.venue_trade_id}", incident)
                    done.append(f"fill {g.symbol} {g.venue_trade_id} voided")
        except errors.DatabaseRefusal as e:
            self.refused = str(e)
            done.append(f"correction refused: {e}")
        self.corrections += done
        return done

    def operator(self, halts: list[chaos_db.HaltInForce], reconciled: bool | None) -> tuple[list[str], list[str]]:
        """The runbook for a halt (docs/operations.md): reconciliation clean, the halt's incident reviewed
        (acknowledged, then resolved with what the campaign knows), resume with a recorded reason. A halt
        without an incident is left in force and reported (``blocked``): nothing explains it."""
        resumed: list[str] = []
        blocked: list[str] = []
        with self.target.connect("operator", autocommit=True) as op, self.target.connect("auditor") as aud, \
                self.target.connect("approver", autocommit=True) as approver:
            for h in halts:
                scope = f"{h.scope_kind}:{h.scope_key}"
                if h.scope_kind == "global" and self.kill_switch_at is not None and not self.kill_switch_held:
                    continue  # the kill switch's effects first (a global halt in force is the kill switch's too)
                if h.scope_kind == "global" and h.reason.startswith(KILL_SWITCH_REASON):
                    # The operator's own kill switch: explained by the drill; resumed once its effects hold and
                    # the reconciliation is clean.
                    if reconciled:
                        why = (f"chaos operator: the kill switch's effects hold (nothing admitted after it, "
                               f"every order canceled, the book flat, reconciliation clean) ({h.reason})")
                        # A global resume: the two-person rule (the second operator login approves).
                        api.request_and_approve(op, approver, "resume", "global", why)
                        api.resume(op, why, "global", None)
                        resumed.append(scope)
                    continue
                if h.incident is None:
                    blocked.append(scope)
                    continue
                if h.scope_kind == "strategy":
                    continue  # a strategy's halt is the risk engine's local kill: it stays
                if not reconciled:
                    continue  # the runbook's first check: resume only after a clean reconciliation
                for incident, _sev, category, title in chaos_db.open_incidents(aud, self.account):
                    aud.commit()
                    api.update_incident(op, incident, "acknowledged",
                                        f"chaos operator: reviewed ({category}: {title})")
                    api.update_incident(op, incident, "resolved",
                                        f"chaos operator: campaign {self.campaign} seed {self.seed} injected faults; "
                                        + (f"book corrected ({'; '.join(self.corrections)}); " if self.corrections
                                           else "")
                                        + "reconciliation clean, gates pass, chains verify")
                aud.commit()
                target = None if h.scope_kind == "global" else h.scope_key
                why = f"chaos operator: runbook checks passed for {h.incident} ({h.reason})"
                if h.scope_kind == "global":  # the two-person rule: the second operator login approves
                    api.request_and_approve(op, approver, "resume", "global", why)
                api.resume(op, why, h.scope_kind, target)
                resumed.append(scope)
        return resumed, blocked


class _CheckThread:
    """A segment's checks (no operator) in a thread, while the worker runs the next segment."""

    def __init__(self, campaign: Campaign, until: datetime, past: list[Fault], run: SegmentRun) -> None:
        self.run = run
        self._check: SegmentCheck | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, args=(campaign, until, past), name="chaos-check",
                                        daemon=True)
        self._thread.start()

    def _main(self, campaign: Campaign, until: datetime, past: list[Fault]) -> None:
        try:
            self._check = campaign.check(until, past, operator=False)
        except BaseException as e:  # noqa: BLE001 - raised again in the campaign's thread
            self._error = e

    def result(self) -> SegmentCheck:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._check is not None
        return self._check


def summary_lines(res: CampaignResult) -> list[str]:
    venue = sum(1 for i in res.injected if i.fault.layer == "venue")
    decision = sum(1 for i in res.injected if i.fault.layer == "decision")
    feed = sum(1 for i in res.injected if i.fault.layer == "feed")
    leaks = sum(1 for i in res.injected if i.fault.layer == "memory")
    switches = sum(1 for i in res.injected if i.fault.layer == "operator")
    lines = [
        f"campaign {res.campaign} seed {res.seed}: {res.days} days, account {res.account}, {res.wall_s:.0f} s wall",
        f"  faults: {len(res.faults)} scheduled; worker SIGKILLs {res.worker_kills}, database immediate stops "
        f"{res.db_stops}, venue faults {venue}, decision faults {decision}, feed faults {feed}, memory leaks "
        f"{leaks}, kill switches {switches}; worker starts {res.worker_starts}",
        f"  operator resumes {res.operator_resumes}; book corrections "
        f"{sum(len(c.corrected) for c in res.checks)}; liveness reached at {res.liveness_hour} "
        f"(bound {res.liveness_bound})",
        f"  replay parity: {res.replay_parity}",
    ]
    if res.kill_switch_missing is not None:
        lines.append("  kill switch: " + ("effects held (nothing admitted after it, every order canceled, the book "
                                          "flat, reconciled), resumed by the operator" if not res.kill_switch_missing
                                          else f"effects did NOT hold: {res.kill_switch_missing}"))
    if res.campaign_id is not None:
        where = f" --database {res.database}" if res.database.startswith("predator_chaos_") else ""
        lines.append(f"  campaign id {res.campaign_id}: predator chaos report --campaign-id {res.campaign_id}"
                     f"{where} --out FILE")
    lines += [f"  FAIL: {f}" for f in res.failures]
    lines.append("CHAOS CAMPAIGN: " + ("PASSED" if res.passed else "FAILED") + f" (seed {res.seed})")
    return lines


