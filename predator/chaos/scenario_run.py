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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from predator import config as predator_config
from predator import errors, gates, seams
from predator.chaos.memleak import WorkerHealth
from predator.chaos.scenario import WORKER_FAULTS, Expectation, FaultDecl, Scenario, Window
from predator.db import api, audit, reads, scenario_reads
from predator.db.connection import Target
from predator.gates import GateResult, Verification
from predator.marketdata.loader import Feed, load_lines
from predator.runner import replay as replay_mod
from predator.runner.config import RunConfig, RunSummary, StrategySpec
from predator.runner.hour import HourRunner
from predator.runner.market import MarketData
from predator.strategies.base import effective_params, load_strategy
from predator.venues.base import Order, VenueEvent
from predator.venues.paper import Bars, PaperConfig, PaperVenue

HOUR = timedelta(hours=1)
#: Hours of bars loaded before a window beyond the strategies' warm-up: the volatility estimate of admission
#: and of the horizon review reads up to 30 days back (docs/risk.md), and a day of margin.
LOOKBACK_HOURS = 31 * 24


class ScenarioVenue(PaperVenue):
    """The paper venue with the scenario's faults switched on and off by business time: at each hour the
    runner advances it (``advance_to``) and at each order it places, the flags of the faults whose window
    covers that time are set; ``timeout_after_accept`` and ``ghost_fill`` take every order placed in their
    window."""

    def __init__(self, bars: dict[str, Bars], config: PaperConfig, schedule: Sequence[FaultDecl]) -> None:
        super().__init__(bars, config)
        self.schedule = tuple(schedule)
        #: (kind, business time) of every fault applied, for the report.
        self.applied: list[tuple[str, datetime]] = []

    def _active(self, kind: str, t: datetime) -> bool:
        return any(f.kind == kind and f.covers(t) for f in self.schedule)

    def _at(self, t: datetime) -> None:
        for kind in ("network_down", "duplicate_fills"):
            on = self._active(kind, t)
            if on != getattr(self.faults, kind):
                setattr(self.faults, kind, on)
                self.applied.append((f"{kind}={'on' if on else 'off'}", t))

    def advance_to(self, until: datetime) -> tuple[VenueEvent, ...]:
        self._at(until)
        return super().advance_to(until)

    def place_order(self, symbol: str, side: str, order_type: str, amount: Decimal, price: Decimal | None,
                    client_order_id: str, at: datetime, expiry: datetime | None = None,
                    reference_price: Decimal | None = None) -> Order:
        self._at(at)
        if self._active("timeout_after_accept", at) and client_order_id not in self.orders:
            self.faults.timeout_after_accept.add(client_order_id)
            self.applied.append((f"timeout_after_accept {client_order_id}", at))
        if self._active("ghost_fill", at) and client_order_id not in self.orders:
            self.faults.ghost_fill_for.add(client_order_id)
            self.applied.append((f"ghost_fill {client_order_id}", at))
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
                                effective_params(load_strategy(s.strategy, dict(s.params))), s.pool, s.priority)
                   for s in scenario.extra_strategies)
    venue = PaperConfig(venue=scenario.window.venue, seed=seed, **dict(scenario.venue))
    return RunConfig(account=account, symbols=scenario.window.symbols, strategy=main.strategy,
                     params=effective_params(load_strategy(main.strategy, dict(main.params))),
                     start=scenario.window.start, end=scenario.window.end, principal=scenario.principal,
                     risk_profile=scenario.risk_profile, venue=venue, extra_strategies=extras)


def _warmup_hours(config: RunConfig) -> int:
    names = [(config.strategy, config.params), *((s.strategy, s.params) for s in config.extra_strategies)]
    warm = max(int(getattr(load_strategy(n, p), "warmup_bars", 500)) for n, p in names)
    return max(warm, LOOKBACK_HOURS) + 48


def load_window(target: Target, window: Window, before_hours: int) -> dict[str, int]:
    """Load the window's candles (and ``before_hours`` of history before it; ``extra_intervals`` over the
    window itself) from the shared data directory into the database, through the gated loader. Rows already
    stored are filed as duplicates, so loading again is harmless. Returns the rows read per file."""
    out: dict[str, int] = {}
    jobs = [(s, "1h", window.start - before_hours * HOUR, window.end + 2 * HOUR) for s in window.symbols]
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
    load_window(target, scenario.window, _warmup_hours(config))
    apply_limits(target, scenario)
    apply_breakers(target, scenario, account)

    venues: list[ScenarioVenue] = []

    def factory(cfg: RunConfig, market: MarketData) -> ScenarioVenue:
        v = ScenarioVenue(market.venue_bars(), cfg.venue, scenario.faults)
        venues.append(v)
        return v

    runner = HourRunner(target, config, venue=factory, progress=progress)
    leaks = [(f.start, f.end) for f in scenario.faults if f.kind in WORKER_FAULTS]
    reports = leaks or any(b.breaker == "worker_rss_mb" for b in scenario.breakers)
    health = WorkerHealth(leaks, seed) if reports else None
    # The worker's own memory is reported at each hour's close (api.record_worker_health) when the scenario
    # leaks or sets the memory breaker.
    runner.worker_health = health
    try:
        summary = runner.run()
    finally:
        runner.close()
    result = ScenarioResult(scenario, account, seed, config, summary,
                            faults_applied=(venues[0].applied if venues else [])
                            + [(f"memory_leak {mb:+d} MB", t) for t, mb in (health.applied if health else [])])

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
    elif scenario.faults:
        result.replay_skipped = "venue faults are not part of a run's configuration: a replay meets a healthy venue"
    else:
        result.replay = replay_mod.replay(target, account)
    result.expectations = evaluate(target, scenario, account, seed)
    return result


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



