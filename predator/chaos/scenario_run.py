"""Running a scenario (docs/chaos.md): a fresh account trades the scenario's window of real candles with its
strategies, under its faults, through the ordinary hour runner (:class:`predator.runner.hour.HourRunner`: no
trading logic here); then every validation gate runs on the account, its chains are verified, the run is
replayed to parity (when the scenario allows it), and each expectation is evaluated as the auditor.

Faults are injected by :class:`ScenarioVenue`, the paper venue whose fault flags
(:class:`predator.venues.paper.Faults`) follow the scenario's schedule in business time. The seed (``--seed``)
is the paper venue's seed (its latency and reject draws) and the process's session seed
(:func:`predator.seams.set_session_seed`): the same scenario, seed and commit give the same rows and hashes.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from predator import config as predator_config
from predator import errors, gates, seams
from predator.chaos import feed as chaos_feed
from predator.chaos.memleak import WorkerHealth
from predator.chaos.scenario import VENUE_FAULTS, WORKER_FAULTS, Expectation, FaultDecl, Scenario, Window
from predator.chaos.schedule import Fault
from predator.chaos.supervisor import Supervisor, worker_env
from predator.db import api, audit, chaos_db, reads, scenario_reads
from predator.db.connection import Target
from predator.gates import GateResult, Verification
from predator.marketdata.loader import Feed, load_lines
from predator.runner import replay as replay_mod
from predator.runner.account import summarize, what_happened
from predator.runner.config import RunConfig, RunSummary, StrategySpec
from predator.runner.hour import HourRunner
from predator.runner.market import MarketData
from predator.strategies.base import effective_params, load_strategy
from predator.venues.base import Order, VenueEvent
from predator.venues.paper import EXACT, Bars, PaperConfig, PaperVenue

HOUR = timedelta(hours=1)
#: Hours of bars loaded before a window beyond the strategies' warm-up: the volatility estimate of admission
#: and of the horizon review reads up to 30 days back (docs/risk.md), and a day of margin.
LOOKBACK_HOURS = 31 * 24


class ScenarioVenue(PaperVenue):
    """The paper venue with the scenario's faults switched on and off by business time: at each hour the
    runner advances it (``advance_to``) and at each order it places, the flags of the faults whose window
    covers that time are set; ``timeout_after_accept``, ``ghost_fill`` and ``partial_fill`` take every order
    placed in their window.

    ``event_lag`` (seed 001 C3) puts a lagging event bus between the venue and the worker: each event (a fill,
    a cancel, an expiry) that happens in the window reaches the worker a seeded 5-10 s of business time after
    it happened, so an event of the last seconds before a collection waits for the next one; what the venue
    reports of its state (balances, open orders) comes over the same bus, as of the events delivered (a fill
    still in transit is not yet in the reported balances, its order still open); and each placement's
    acknowledgement arrives after the call gave up waiting (the order exists at the venue; the relay finds it
    by client order id)."""

    def __init__(self, bars: dict[str, Bars], config: PaperConfig, schedule: Sequence[FaultDecl]) -> None:
        super().__init__(bars, config)
        self.schedule = tuple(f for f in schedule if f.kind in VENUE_FAULTS)
        #: (kind, business time) of every fault applied, for the report.
        self.applied: list[tuple[str, datetime]] = []
        #: Events in transit on the lagging bus: (delivery time, event).
        self.in_transit: list[tuple[datetime, VenueEvent]] = []

    def _active(self, kind: str, t: datetime) -> bool:
        return any(f.kind == kind and f.covers(t) for f in self.schedule)

    def _at(self, t: datetime) -> None:
        for kind in ("network_down", "duplicate_fills"):
            on = self._active(kind, t)
            if on != getattr(self.faults, kind):
                setattr(self.faults, kind, on)
                self.applied.append((f"{kind}={'on' if on else 'off'}", t))

    def _lag(self, e: VenueEvent) -> timedelta:
        """The seeded delay of one event on the lagging bus: 5 000-10 000 ms."""
        key = f"event_lag|{e.client_order_id}|{e.kind}|{e.trade.trade_id if e.trade is not None else ''}"
        return timedelta(milliseconds=seams.rng(key, self.config.seed).randint(5000, 10000))

    def advance_to(self, until: datetime) -> tuple[VenueEvent, ...]:
        self._at(until)
        events = super().advance_to(until)
        for e in events:
            hour = e.ts.replace(minute=0, second=0, microsecond=0)
            if self._active("event_lag", hour):
                self.in_transit.append((e.ts + self._lag(e), e))
                self.applied.append((f"event_lag {e.kind} {e.client_order_id}", e.ts))
        lagged = {id(e) for _, e in self.in_transit}
        due = [e for at, e in self.in_transit if at <= until]
        self.in_transit = [(at, e) for at, e in self.in_transit if at > until]
        return tuple(sorted([e for e in events if id(e) not in lagged] + due, key=lambda e: e.ts))

    def fetch_balance(self) -> dict[str, Decimal]:
        balances = dict(super().fetch_balance())
        for _, e in self.in_transit:  # fills still in transit: not yet in what the bus reports
            tr = e.trade
            if e.kind != "fill" or tr is None or tr.symbol is None:
                continue
            base, quote = tr.symbol.split("/")
            with localcontext(EXACT):  # exactly what the fill moved (the venue's own arithmetic)
                cost, sign = tr.amount * tr.price, (1 if tr.side == "buy" else -1)
                balances[base] = balances.get(base, Decimal(0)) - sign * tr.amount
                balances[quote] = balances.get(quote, Decimal(0)) + sign * cost + tr.fee
        return {k: v for k, v in balances.items() if v != 0}

    def fetch_open_orders(self, symbol: str | None = None) -> list[Order]:
        found = super().fetch_open_orders(symbol)
        listed = {o["clientOrderId"] for o in found}
        closing = sorted({e.client_order_id for _, e in self.in_transit} - listed)
        return found + [self._unified(self.orders[c]) for c in closing
                        if c in self.orders and (symbol is None or self.orders[c].symbol == symbol)]

    def place_order(self, symbol: str, side: str, order_type: str, amount: Decimal, price: Decimal | None,
                    client_order_id: str, at: datetime, expiry: datetime | None = None,
                    reference_price: Decimal | None = None) -> Order:
        self._at(at)
        new = client_order_id not in self.orders
        if new and (self._active("timeout_after_accept", at) or self._active("event_lag", at)):
            self.faults.timeout_after_accept.add(client_order_id)
            self.applied.append((f"timeout_after_accept {client_order_id}", at))
        if self._active("ghost_fill", at) and new:
            self.faults.ghost_fill_for.add(client_order_id)
            self.applied.append((f"ghost_fill {client_order_id}", at))
        if self._active("partial_fill", at) and new:
            share = Decimal(seams.rng(f"partial_fill|{client_order_id}", self.config.seed).randint(300, 400)) / 1000
            self.faults.partial_fill[client_order_id] = share
            self.applied.append((f"partial_fill {share} {client_order_id}", at))
        return super().place_order(symbol, side, order_type, amount, price, client_order_id, at, expiry,
                                   reference_price)


@dataclass(frozen=True)
class ExpectationResult:
    expectation: Expectation
    passed: bool
    #: What was found: the number of a scalar, or the rows of a zero-row expectation (at most 20).
    value: Decimal | None = None
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    error: str | None = None

    def line(self) -> str:
        e = self.expectation
        verdict = "PASS" if self.passed else "FAIL"
        if self.error:
            return f"{verdict} {e.name}: the query failed: {self.error}"
        if e.op is None:
            return f"{verdict} {e.name}: {len(self.rows)} row(s), expected none"
        return f"{verdict} {e.name}: {self.value} {e.op} {e.value}"


@dataclass
class ScenarioResult:
    scenario: Scenario
    account: str
    seed: int
    config: RunConfig
    summary: RunSummary
    gates: list[GateResult] = field(default_factory=list)
    verification: Verification | None = None
    replay: replay_mod.ReplayResult | None = None
    replay_skipped: str | None = None
    expectations: list[ExpectationResult] = field(default_factory=list)
    faults_applied: list[tuple[str, datetime]] = field(default_factory=list)

    @property
    def gates_passed(self) -> bool:
        return all(g.passed for g in self.gates)

    @property
    def chains_ok(self) -> bool:
        return self.verification is not None and self.verification.ok

    @property
    def replay_ok(self) -> bool:
        return self.replay is None or (self.replay.parity and not self.replay.unreplayable)

    @property
    def passed(self) -> bool:
        return self.gates_passed and self.chains_ok and self.replay_ok and all(e.passed for e in self.expectations)


def default_account(scenario: Scenario, seed: int) -> str:
    return f"scn_{scenario.name}_s{seed}"


def fresh_account(target: Target, base: str) -> str:
    """``base``, or ``base_2``, ``base_3`` … : the first name no account of the database has."""
    with target.connect("auditor") as conn:
        name, n = base, 1
        while reads.account(conn, name) is not None:
            n += 1
            name = f"{base}_{n}"
    return name


def run_config(scenario: Scenario, seed: int, account: str) -> RunConfig:
    """The run of ``scenario`` for ``seed`` in ``account`` (its parameters made explicit, as runs record them)."""
    main = scenario.strategy
    extras = tuple(StrategySpec(s.name or s.strategy, s.strategy,
                                effective_params(load_strategy(s.strategy, dict(s.params)), dict(s.params)),
                                s.pool, s.priority)
                   for s in scenario.extra_strategies)
    venue = PaperConfig(venue=scenario.window.venue, seed=seed, **dict(scenario.venue))
    return RunConfig(account=account, symbols=scenario.window.symbols, strategy=main.strategy,
                     params=effective_params(load_strategy(main.strategy, dict(main.params)), dict(main.params)),
                     start=scenario.window.start, end=scenario.window.end, principal=scenario.principal,
                     risk_profile=scenario.risk_profile, venue=venue, extra_strategies=extras,
                     feed="sync" if scenario.feed_faults else "stored")


def _warmup_hours(config: RunConfig) -> int:
    names = [(config.strategy, config.params), *((s.strategy, s.params) for s in config.extra_strategies)]
    warm = max(int(getattr(load_strategy(n, p), "warmup_bars", 500)) for n, p in names)
    return max(warm, LOOKBACK_HOURS) + 48


def load_window(target: Target, window: Window, before_hours: int, upto: datetime | None = None) -> dict[str, int]:
    """Load the window's candles (and ``before_hours`` of history before it; ``extra_intervals`` over the
    window itself) from the shared data directory into the database, through the gated loader. Rows already
    stored are filed as duplicates, so loading again is harmless. Returns the rows read per file. ``upto``: load
    the 1h bars opening before it only (a sync-fed run: the feeder delivers the rest hour by hour)."""
    out: dict[str, int] = {}
    jobs = [(s, "1h", window.start - before_hours * HOUR, upto or window.end + 2 * HOUR) for s in window.symbols]
    jobs += [(s, i, window.start, window.end + HOUR) for s in window.symbols for i in window.extra_intervals]
    with target.connect("worker") as conn:
        for symbol, interval, lo, hi in jobs:
            feed = Feed(window.venue, symbol, interval)
            path = predator_config.data_dir() / "candles" / f"{feed.slug}.csv.gz"
            if not path.exists():
                raise errors.NotFoundError(f"no candle file {path} for {symbol} {interval} on {window.venue}: the "
                                           f"scenario's window needs it (PREDATOR_DATA names the data directory)")
            lo_s, hi_s = lo.strftime("%Y-%m-%dT%H:%M:%S"), hi.strftime("%Y-%m-%dT%H:%M:%S")
            with gzip.open(path, "rt", encoding="utf-8") as f:
                next(f)
                lines = [line for line in f if lo_s <= line[:19] < hi_s]
            if not lines:
                raise errors.NotFoundError(f"{path.name} has no candle between {lo.isoformat()} and {hi.isoformat()}")
            load_lines(conn, feed, lines, f"file:{path.name}")
            conn.commit()
            out[path.name] = len(lines)
    return out


def apply_limits(target: Target, scenario: Scenario) -> None:
    """The scenario's limit settings, on its risk profile (operator; recorded with the scenario as reason)."""
    if not scenario.limits:
        return
    with target.connect("operator") as op:
        for lim in scenario.limits:
            api.set_limit(op, scenario.risk_profile, lim.limit, lim.mode, lim.value, f"scenario {scenario.name}",
                          lim.scope)
        op.commit()


def apply_breakers(target: Target, scenario: Scenario, account: str) -> None:
    """The scenario's circuit-breaker thresholds, for its account only (operator; the scenario as reason)."""
    if not scenario.breakers:
        return
    with target.connect("operator") as op:
        for b in scenario.breakers:
            api.set_breaker(op, b.lane, b.breaker, b.threshold, f"scenario {scenario.name}", account)
        op.commit()


def variables(scenario: Scenario, account: str, seed: int) -> dict[str, str]:
    """The psql variables of the expectations: ``account``, ``from``, ``to`` (the window, ISO-8601) and ``seed``."""
    return {"account": account, "from": scenario.window.start.isoformat(), "to": scenario.window.end.isoformat(),
            "seed": str(seed)}


def evaluate(target: Target, scenario: Scenario, account: str, seed: int) -> list[ExpectationResult]:
    """Every expectation of ``scenario``, as the auditor, in one read-only snapshot."""
    with target.connect("auditor") as conn:
        found = scenario_reads.run_expectations(conn, [e.query for e in scenario.expectations],
                                                variables(scenario, account, seed))
    return [_judge(e, r) for e, r in zip(scenario.expectations, found, strict=True)]


def _judge(e: Expectation, r: audit.QueryResult) -> ExpectationResult:
    if r.error is not None:
        return ExpectationResult(e, False, error=r.error)
    if e.op is None:
        return ExpectationResult(e, not r.rows, columns=r.columns, rows=r.rows[:20])
    if len(r.rows) != 1 or len(r.rows[0]) != 1:
        return ExpectationResult(e, False, columns=r.columns, rows=r.rows[:20],
                                 error=f"a scalar expectation needs one row of one column, got {len(r.rows)} row(s)")
    raw = r.rows[0][0]
    try:
        value = Decimal(0) if raw is None else Decimal(str(int(raw) if isinstance(raw, bool) else raw))
    except InvalidOperation:
        return ExpectationResult(e, False, error=f"not a number: {raw!r}")
    if raw is None:
        return ExpectationResult(e, False, error="the query returned NULL")
    return ExpectationResult(e, e.holds(value), value=value)


def run_scenario(target: Target, scenario: Scenario, seed: int = 7, account: str | None = None, *,
                 replay: bool = True, progress: bool = False) -> ScenarioResult:
    """Run ``scenario`` on ``target`` in a fresh account (``account``, or ``scn_<name>_s<seed>``; a suffix is
    added when that name exists) and judge it. ``replay`` false skips the replay parity check."""
    seams.set_session_seed(seed)
    account = fresh_account(target, account or default_account(scenario, seed))
    config = run_config(scenario, seed, account)
    # A sync-fed run (feed faults): the history up to the bar that closes at the first decision hour, which the
    # chaos feeder delivers with the rest, hour by hour.
    load_window(target, scenario.window, _warmup_hours(config),
                upto=scenario.window.start - HOUR if scenario.feed_faults else None)
    apply_limits(target, scenario)
    apply_breakers(target, scenario, account)

    venues: list[ScenarioVenue] = []

    def factory(cfg: RunConfig, market: MarketData) -> ScenarioVenue:
        v = ScenarioVenue(market.venue_bars(), cfg.venue, scenario.faults)
        venues.append(v)
        return v

    applied: list[tuple[str, datetime]] = []
    if scenario.kills:
        summary = _run_supervised(target, scenario, config, seed, applied)
    elif scenario.outages:
        summary = _run_with_outages(target, scenario, config, factory, applied)
    elif scenario.feed_faults:
        feeder = chaos_feed.ChaosFeed(scenario.window.venue, scenario.window.symbols, scenario.window.start,
                                      scenario.window.end, [chaos_feed.FeedFault(f.kind, f.start, f.end)
                                                            for f in scenario.feed_faults], seed)
        summary = chaos_feed.run_sync_fed(target, config, feeder, factory, applied)
        applied.extend(feeder.applied)
    else:
        runner = HourRunner(target, config, venue=factory, progress=progress)
        # The worker's own memory is reported at each hour's close (api.record_worker_health) when the
        # scenario leaks or sets the memory breaker.
        leaks = [(f.start, f.end) for f in scenario.faults if f.kind in WORKER_FAULTS]
        reports = leaks or any(b.breaker == "worker_rss_mb" for b in scenario.breakers)
        health = WorkerHealth(leaks, seed) if reports else None
        runner.worker_health = health
        try:
            summary = runner.run()
        finally:
            runner.close()
        applied.extend((f"memory_leak {mb:+d} MB", t) for t, mb in (health.applied if health else []))
    for v in venues:
        applied.extend(v.applied)
    result = ScenarioResult(scenario, account, seed, config, summary,
                            faults_applied=sorted(applied, key=lambda a: a[1]))

    with target.connect("auditor") as conn:
        result.gates = gates.run_gates(conn, scope=gates.Scope(account=account))
        conn.commit()
        book = audit.book_id(conn, account)
        conn.commit()
        result.verification = gates.verify(conn, book)
    if not replay:
        result.replay_skipped = "--no-replay"
    elif not scenario.replay:
        result.replay_skipped = "the scenario turns it off"
    elif scenario.venue_faults or scenario.outages:
        result.replay_skipped = ("venue and database faults are not part of a run's configuration: a replay meets a "
                                 "healthy venue and database")
    else:
        result.replay = replay_mod.replay(target, account)
    result.expectations = evaluate(target, scenario, account, seed)
    return result


def _run_supervised(target: Target, scenario: Scenario, config: RunConfig, seed: int,
                    applied: list[tuple[str, datetime]]) -> RunSummary:
    """Seed 001 C1: the run's worker as its own process under the campaign's supervisor
    (:class:`predator.chaos.supervisor.Supervisor`), killed with SIGKILL at each ``worker_kill`` (phase
    ``hour``: by the supervisor once the hour closed, after a seeded 0-30 ms; the other phases: by the worker
    itself at that point of the hour, :mod:`predator.chaos.killpoints`) and restarted until the window's last
    hour is closed. The worker resumes after the last closed hour like any restarted worker."""
    hours = [scenario.window.start + i * HOUR for i in range(scenario.window.hours)]
    rng = seams.rng("scenario.worker_kill", seed)
    faults = [Fault(hours.index(k.start), "worker", "sigkill",
                    (("delay_ms", rng.randint(0, 30)), ("phase", k.phase or "hour")))
              for k in scenario.kills]
    with tempfile.TemporaryDirectory(prefix="predator_scenario_") as work:
        plan = Path(work) / f"{config.account}.plan.json"
        plan.write_text(json.dumps({"config": config.as_dict(), "faults": [f.as_dict() for f in faults]}))
        sup = Supervisor(plan, hours, worker_env(target.dsn), embedded=False, faults=faults,
                         log_path=Path(work) / "worker.log")
        started = seams.monotonic()
        try:
            seg = sup.run_segment(hours[-1])
        finally:
            sup.close()
        seg.injected += sup.missed()
    applied.extend((f"worker_kill {i.outcome}", i.at) for i in seg.injected)
    applied.append((f"worker starts {seg.starts}, SIGKILLs {seg.kills}", hours[-1]))
    with target.connect("worker") as conn:
        summary = summarize(conn, config)
    summary.events = what_happened(target, config)
    summary.seconds = seams.monotonic() - started
    return summary


#: Where the worker looks for the risk authority while it is unreachable: a closed local port.
UNREACHABLE_PORT = 1


def _run_with_outages(target: Target, scenario: Scenario, config: RunConfig,
                      factory: Any, applied: list[tuple[str, datetime]]) -> RunSummary:
    """Seed 001 F2: the risk authority (the database) cannot be reached by the worker over each
    ``db_unreachable`` window. At the window's first hour the worker's session is cut (``pg_terminate_backend``)
    and its hour fails; for every hour of the window it tries to connect again, to the authority's address with
    its port closed, and fails: nothing can be admitted, so nothing is sent. After the window a fresh worker
    (a new process would do the same: a new session, the venue restored from the book) closes the missed hours
    without deciding (``decide=False``: no order for a decision on old bars) and trades on."""
    started = seams.monotonic()
    outages = scenario.outages
    unreachable = Target(make_conninfo(target.dsn, host="127.0.0.1", port=str(UNREACHABLE_PORT),
                                       connect_timeout="2"), target.embedded)

    def start() -> HourRunner:
        r = HourRunner(target, config, venue=factory)
        r.prepare()
        r.send_unacknowledged()
        return r

    runner = start()
    try:
        t = config.start
        while t <= config.end:
            outage = next((f for f in outages if f.covers(t)), None)
            if outage is None:
                runner.step(t)
                t += HOUR
                continue
            assert runner.conn is not None
            with target.connect("worker", autocommit=True) as killer:
                chaos_db.terminate_session(killer, runner.conn.info.backend_pid)
            try:
                runner.step(t)
                applied.append(("db_unreachable: the hour closed although the session was cut", t))
            except psycopg.OperationalError as e:
                applied.append((f"db_unreachable: session cut, the hour failed ({type(e).__name__})", t))
            cut_off = runner.venue
            runner.close()
            while t <= outage.end and t <= config.end:
                try:
                    unreachable.connect("worker").close()
                    applied.append(("db_unreachable: connected although unreachable", t))
                except psycopg.OperationalError:
                    applied.append(("db_unreachable: worker frozen, no connection", t))
                t += HOUR
            if isinstance(cut_off, PaperVenue):  # what the venue received while the authority was away
                sent = [o for o in cut_off.orders.values() if outage.start <= o.placed_at < t]
                applied.append((f"db_unreachable: the venue received {len(sent)} order(s) during the outage", t))
            runner = start()
            last = runner.last_closed_hour()
            catch_up = config.start if last is None else last + HOUR
            while catch_up < t:
                runner.step(catch_up, decide=False)
                catch_up += HOUR
            applied.append((f"db_unreachable: reconnected, {len(range(0, int((t - outage.start) / HOUR)))} "
                            "hour(s) closed without decisions", t))
        assert runner.conn is not None
        summary = summarize(runner.conn, config)
        runner.conn.commit()
    finally:
        runner.close()
    summary.events = what_happened(target, config)
    summary.seconds = seams.monotonic() - started
    return summary


def report_lines(result: ScenarioResult, show_rows: int = 5) -> list[str]:
    """What ``predator scenario run`` prints: the run, the checks, then one line per expectation (PASS/FAIL)
    with the failing rows, and the verdict last."""
    s, r = result.scenario, result.summary
    lines = [f"scenario {s.name} ({s.seed_id}: {s.title}) seed {result.seed} account {result.account} "
             f"run {result.config.run_id}",
             f"  window {s.window.start:%Y-%m-%d %H:%M} .. {s.window.end:%Y-%m-%d %H:%M} UTC, {r.hours} hours; "
             f"{r.signals} signals, {r.orders} orders, {r.fills} fills; equity {r.final_equity:.2f}, "
             f"max drawdown {r.max_drawdown:.2%}; {r.seconds:.1f} s"]
    if result.faults_applied:
        shown = ", ".join(f"{k} at {t:%Y-%m-%d %H:%M}" for k, t in result.faults_applied[:6])
        more = f" (+{len(result.faults_applied) - 6})" if len(result.faults_applied) > 6 else ""
        lines.append(f"  faults: {shown}{more}")
    failed = [g for g in result.gates if not g.passed]
    lines.append(f"{'PASS' if not failed else 'FAIL'} gates: {len(result.gates) - len(failed)} of "
                 f"{len(result.gates)} pass" + (f" (failed: {', '.join(g.name for g in failed)})" if failed else ""))
    for g in failed:
        lines.append(f"    {g.name}: {g.error or ''}")
        lines += [f"    {_row(row)}" for row in g.rows[:show_rows]]
    v = result.verification
    if v is not None:
        lines.append(f"{'PASS' if v.ok else 'FAIL'} chains: {v.chains - len(v.breaks)} of {v.chains} verify")
        lines += [f"    BROKEN {b.chain} table={b.tbl} seq={b.seq}: {b.problem}" for b in v.breaks[:show_rows]]
    if result.replay is not None:
        rp = result.replay
        lines.append(f"{'PASS' if result.replay_ok else 'FAIL'} replay parity: {rp.hours_compared} hours, "
                     f"{len(rp.mismatches)} mismatch(es)")
        lines += [f"    MISMATCH {m.hour.isoformat()}: {'; '.join(m.problems)}" for m in rp.mismatches[:show_rows]]
    else:
        lines.append(f"SKIP replay parity: {result.replay_skipped}")
    for e in result.expectations:
        lines.append(e.line())
        if not e.passed and e.rows:
            lines.append("    " + " | ".join(e.columns))
            lines += [f"    {_row(row)}" for row in e.rows[:show_rows]]
    n_failed = sum(not e.passed for e in result.expectations)
    lines.append(f"SCENARIO {s.name}: {'PASS' if result.passed else 'FAIL'} ({len(result.expectations) - n_failed} "
                 f"of {len(result.expectations)} expectations; seed {result.seed})")
    return lines


def _row(row: Sequence[Any]) -> str:
    return " | ".join("" if v is None else str(v) for v in row)


def describe(scenario: Scenario) -> Mapping[str, Any]:
    """One scenario's line of ``predator scenario list``."""
    return {"name": scenario.name, "id": scenario.seed_id, "title": scenario.title,
            "window": f"{scenario.window.start:%Y-%m-%d}..{scenario.window.end:%Y-%m-%d}",
            "hours": scenario.window.hours, "faults": len(scenario.faults),
            "expectations": len(scenario.expectations), "long": scenario.long}



