"""Scenario files: a window of real candles, the strategies and pools that trade it, the faults injected, and
the outcomes expected, as SQL (issue 14 item 3; docs/chaos.md "The file format").

A scenario is a TOML file (read with :mod:`tomllib`). Every table and key is checked: an unknown key, a
missing one or a value of the wrong kind is refused with :class:`ScenarioError` naming the file, the place
and what is accepted, so that a typo can never silently disable a fault or an expectation. The shipped
scenarios are the ``*.toml`` files of ``predator/chaos/scenarios/`` (:func:`library`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from predator import errors
from predator.chaos.feed import FEED_FAULTS

#: Where the shipped scenario files are (package data).
LIBRARY_DIR = Path(__file__).parent / "scenarios"
HOUR = timedelta(hours=1)

#: The paper venue's fault flags (:class:`predator.venues.paper.Faults`) a scenario may switch on for a window
#: of business time: ``network_down`` (every venue call fails), ``duplicate_fills`` (every fill reported twice),
#: ``timeout_after_accept`` and ``ghost_fill`` (each order placed in the window: accepted but its response times
#: out; a fill reported that the venue never made).
#: ``partial_fill`` (each order placed in the window: the venue fills a seeded 30-40 % of it and cancels the
#: rest, seed 001 D3) and ``event_lag`` (every venue event and the venue's reported state delivered a seeded
#: 5-10 s of business time late, and every placement's acknowledgement too late for the call: seed 001 C3).
VENUE_FAULTS = ("network_down", "duplicate_fills", "timeout_after_accept", "ghost_fill", "partial_fill", "event_lag")
#: Faults of the worker process and of its database: ``worker_kill`` (the worker, run as its own supervised
#: process, is killed with SIGKILL at the hour ``from`` at ``phase`` and restarted: seed 001 C1) and
#: ``db_unreachable`` (the risk authority, the database, cannot be reached by the worker from ``from`` to
#: ``to``: seed 001 F2).
PROCESS_FAULTS = ("worker_kill", "db_unreachable")
#: Where a ``worker_kill`` lands (:mod:`predator.chaos.killpoints`; ``hour``: SIGKILL from the supervisor once
#: the hour closed).
KILL_PHASES = ("hour", "after_admission", "after_ack", "mid_close")
#: Feed faults (issue 14 item 2, :mod:`predator.chaos.feed`): the run is sync-fed, its bars delivered hour by hour
#: through the governed ingest by a chaos feeder that stalls (``feed_stall``), freezes (``flat_candles``),
#: revises a bar late (``late_revision``), prints one outlier wick (``single_venue_print``) or is SIGKILLed in the
#: middle of loading a batch and restarted (``ingest_kill``: kill point ``mid_ingest``).
#: Faults of the worker's own process (:mod:`predator.chaos.memleak`): ``memory_leak`` makes the worker allocate
#: and keep a seeded 24-40 MB every hour of the window (seed 001 C2), released after it.
WORKER_FAULTS = ("memory_leak",)
FAULTS = VENUE_FAULTS + PROCESS_FAULTS + WORKER_FAULTS + FEED_FAULTS
#: The comparisons a scalar expectation may use.
OPERATORS = ("<", "<=", "=", "==", "!=", "<>", ">=", ">")
#: The paper venue's parameters a scenario may set (:class:`predator.venues.paper.PaperConfig`).
VENUE_KEYS = {"slippage_bps": Decimal, "impact_bps": Decimal, "participation": Decimal, "latency_ms": int,
              "latency_jitter_ms": int, "reject_rate": float, "maker_fee_bps": Decimal, "taker_fee_bps": Decimal}
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ScenarioError(errors.ConfigurationError):
    """A scenario file that cannot be used as written: the message names the file, the place and the fix."""


@dataclass(frozen=True)
class Window:
    venue: str
    symbols: tuple[str, ...]
    start: datetime  # first decision hour (UTC)
    end: datetime  # last decision hour (UTC)
    #: Further intervals of the same symbols loaded into the database for the expectations (``1m``), not traded.
    extra_intervals: tuple[str, ...] = ()

    @property
    def hours(self) -> int:
        return int((self.end - self.start) / HOUR) + 1


@dataclass(frozen=True)
class StrategyDecl:
    """A strategy of the book: ``name`` None for the run's own strategy (named by ``strategy`` in the book)."""

    strategy: str
    params: Mapping[str, Any]
    name: str | None = None
    pool: str = "CORE"
    priority: int = 0


@dataclass(frozen=True)
class LimitDecl:
    limit: str
    mode: str
    value: Decimal | None
    scope: str = "*"


@dataclass(frozen=True)
class BreakerDecl:
    """A circuit-breaker threshold for the scenario's account (``api.set_breaker``, lane ``lane``)."""

    breaker: str
    threshold: Decimal | None
    lane: str = "paper"


@dataclass(frozen=True)
class FaultDecl:
    kind: str
    start: datetime
    end: datetime  # inclusive: faults apply to business times start <= t <= end
    #: ``worker_kill`` only: where in the hour the worker dies (:data:`KILL_PHASES`).
    phase: str | None = None

    def covers(self, t: datetime) -> bool:
        return self.start <= t <= self.end


@dataclass(frozen=True)
class Expectation:
    """``query`` must return zero rows (``op`` None), or return one number that satisfies ``op value``."""

    name: str
    query: str
    op: str | None = None
    value: Decimal | None = None

    def holds(self, got: Decimal) -> bool:
        assert self.op is not None and self.value is not None
        return {"<": got < self.value, "<=": got <= self.value, "=": got == self.value, "==": got == self.value,
                "!=": got != self.value, "<>": got != self.value, ">=": got >= self.value,
                ">": got > self.value}[self.op]

    def describe(self) -> str:
        return "returns no row" if self.op is None else f"{self.op} {self.value}"


@dataclass(frozen=True)
class Scenario:
    name: str
    seed_id: str  # seed 001's id (A1 … F2), or G1 … G9 for the data-feed faults (issue 14 item 2)
    title: str
    description: str
    window: Window
    strategy: StrategyDecl
    extra_strategies: tuple[StrategyDecl, ...] = ()
    principal: Decimal = Decimal(10000)
    risk_profile: str = "default"
    venue: Mapping[str, Any] = field(default_factory=dict)
    limits: tuple[LimitDecl, ...] = ()
    faults: tuple[FaultDecl, ...] = ()
    breakers: tuple[BreakerDecl, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    #: Replay the run and require parity (skipped for a run with venue or database faults: they are not in the
    #: run's configuration, so a replay meets a fault-free venue and differs by design; a worker_kill is kept:
    #: a crashed and restarted run must replay like an uninterrupted one).
    replay: bool = True
    #: Part of the long (``--long``) set only: the whole 2022 bear year, say.
    long: bool = False
    path: Path | None = None

    @property
    def venue_faults(self) -> tuple[FaultDecl, ...]:
        return tuple(f for f in self.faults if f.kind in VENUE_FAULTS)

    @property
    def kills(self) -> tuple[FaultDecl, ...]:
        """The ``worker_kill`` faults: the run goes through a supervised worker process."""
        return tuple(f for f in self.faults if f.kind == "worker_kill")

    @property
    def feed_faults(self) -> tuple[FaultDecl, ...]:
        """The feed faults: the run is sync-fed through :class:`predator.chaos.feed.ChaosFeed`."""
        return tuple(f for f in self.faults if f.kind in FEED_FAULTS)

    @property
    def outages(self) -> tuple[FaultDecl, ...]:
        """The ``db_unreachable`` windows."""
        return tuple(f for f in self.faults if f.kind == "db_unreachable")


# --- reading -----------------------------------------------------------------------------------------------
class _Table:
    """One TOML table being read: every key taken is checked; :meth:`done` refuses what was not taken."""

    def __init__(self, data: Any, where: str, source: str) -> None:
        if not isinstance(data, dict):
            raise ScenarioError(f"{source}: {where} must be a table, not {type(data).__name__}")
        self.data, self.where, self.source, self.taken = data, where, source, set[str]()

    def fail(self, key: str, message: str) -> ScenarioError:
        return ScenarioError(f"{self.source}: {self.where}.{key}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., ) -> Any:
        self.taken.add(key)
        if key not in self.data:
            if default is ...:
                raise ScenarioError(f"{self.source}: {self.where}: missing key {key!r}")
            return default
        value = self.data[key]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(key, f"expected {_kinds(kind)}, got a boolean")
        if not isinstance(value, kind):
            raise self.fail(key, f"expected {_kinds(kind)}, got {type(value).__name__} {value!r}")
        return value

    def done(self, accepted: str | None = None) -> None:
        unknown = sorted(set(self.data) - self.taken)
        if unknown:
            allowed = accepted or ", ".join(sorted(self.taken))
            raise ScenarioError(f"{self.source}: {self.where}: unknown key(s) {', '.join(map(repr, unknown))} "
                                f"(accepted: {allowed}); a typo must not disable a fault or an expectation")


def _kinds(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "an array",
             dict: "a table", datetime: "a date-time", date: "a date", Decimal: "a number"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _utc(t: _Table, key: str) -> datetime:
    value = t.get(key, (datetime, date, str))
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise t.fail(key, f"not an ISO-8601 date or time: {value!r}") from None
    if not isinstance(value, datetime):  # a TOML local date
        value = datetime.combine(value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    if value != value.replace(minute=0, second=0, microsecond=0):
        raise t.fail(key, f"{value.isoformat()} is not a whole UTC hour (runs decide on the hour)")
    return value


def _decimal(t: _Table, key: str, default: Any = ...) -> Decimal | None:
    value = t.get(key, (int, float, str), default)
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise t.fail(key, f"not a number: {value!r}") from None


def _strategy(data: Any, where: str, source: str, extra: bool) -> StrategyDecl:
    t = _Table(data, where, source)
    name = t.get("name", str) if extra else None
    if name is not None and not re.fullmatch(r"[A-Za-z0-9_.:-]+", name):
        raise t.fail("name", f"{name!r}: letters, digits and _.:- only")
    decl = StrategyDecl(strategy=t.get("strategy", str), params=t.get("params", dict, {}), name=name,
                        pool=t.get("pool", str, "CORE") if extra else "CORE",
                        priority=t.get("priority", int, 0) if extra else 0)
    t.done()
    return decl


def parse(text: str, source: str = "<scenario>") -> Scenario:
    """The scenario of TOML ``text`` (``source`` names it in errors)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{source}: not valid TOML: {e}") from None
    top = _Table(doc, "(top level)", source)

    head = _Table(top.get("scenario", dict), "[scenario]", source)
    name = head.get("name", str)
    if not NAME.match(name):
        raise head.fail("name", f"{name!r}: lower-case letters, digits and _ (it names the file and the account)")
    seed_id = head.get("seed_id", str)
    if not re.fullmatch(r"[A-F][1-3]|G[1-9]", seed_id):
        raise head.fail("seed_id", f"{seed_id!r}: seed 001's scenario id, A1 … F2 (G1 … G9: a data-feed fault)")
    title = head.get("title", str)
    description = head.get("description", str, "")
    replay = head.get("replay", bool, True)
    long = head.get("long", bool, False)
    head.done()

    w = _Table(top.get("window", dict), "[window]", source)
    symbols = w.get("symbols", list)
    if not symbols or not all(isinstance(s, str) and re.fullmatch(r"[A-Z0-9]+/[A-Z0-9]+", s) for s in symbols):
        raise w.fail("symbols", f"a non-empty array of ccxt symbols such as \"BTC/USDT\", got {symbols!r}")
    extra_intervals = w.get("extra_intervals", list, [])
    if not all(isinstance(i, str) and re.fullmatch(r"[0-9]+[mhdw]", i) for i in extra_intervals):
        raise w.fail("extra_intervals", f"intervals such as \"1m\", got {extra_intervals!r}")
    window = Window(venue=w.get("venue", str, "binance"), symbols=tuple(symbols), start=_utc(w, "from"),
                    end=_utc(w, "to"), extra_intervals=tuple(extra_intervals))
    w.done()
    if window.end < window.start:
        raise ScenarioError(f"{source}: [window]: 'to' ({window.end.isoformat()}) is before 'from'")

    book = _Table(top.get("book", dict, {}), "[book]", source)
    principal = _decimal(book, "principal", 10000)
    risk_profile = book.get("risk_profile", str, "default")
    book.done()

    venue_t = _Table(top.get("venue", dict, {}), "[venue]", source)
    venue: dict[str, Any] = {}
    for key, kind in VENUE_KEYS.items():
        if key in venue_t.data:
            venue[key] = _decimal(venue_t, key) if kind is Decimal else kind(venue_t.get(key, (int, float)))
        else:
            venue_t.taken.add(key)
    venue_t.done(", ".join(VENUE_KEYS))

    strategy = _strategy(top.get("strategy", dict), "[strategy]", source, extra=False)
    extras = tuple(_strategy(d, f"[[extra_strategies]] #{i + 1}", source, extra=True)
                   for i, d in enumerate(top.get("extra_strategies", list, [])))

    limits = []
    for i, d in enumerate(top.get("limits", list, [])):
        t = _Table(d, f"[[limits]] #{i + 1}", source)
        mode = t.get("mode", str)
        if mode not in ("pct", "abs", "count"):
            raise t.fail("mode", f"{mode!r}: one of pct, abs, count")
        limits.append(LimitDecl(t.get("limit", str), mode, _decimal(t, "value"), t.get("scope", str, "*")))
        t.done()

    faults = []
    for i, d in enumerate(top.get("faults", list, [])):
        t = _Table(d, f"[[faults]] #{i + 1}", source)
        kind = t.get("kind", str)
        if kind not in FAULTS:
            raise t.fail("kind", f"unknown fault {kind!r}; one of {', '.join(FAULTS)}")
        phase = t.get("phase", str, "hour") if kind == "worker_kill" else None
        if phase is not None and phase not in KILL_PHASES:
            raise t.fail("phase", f"{phase!r}: one of {', '.join(KILL_PHASES)}")
        fault = FaultDecl(kind, _utc(t, "from"), _utc(t, "to"), phase)
        t.done("kind, from, to" + (", phase" if kind == "worker_kill" else ""))
        if fault.end < fault.start:
            raise t.fail("to", "before 'from'")
        if kind in ("worker_kill", "ingest_kill") and fault.end != fault.start:
            raise t.fail("to", f"a {kind} is one kill at one hour: 'to' equals 'from' (one [[faults]] per kill)")
        if kind in ("late_revision",) and fault.end == fault.start:
            raise t.fail("to", "a late_revision's final bar comes at 'to', after the bar's hour 'from': "
                               "'to' after 'from'")
        faults.append(fault)

    breakers = []
    for i, d in enumerate(top.get("breakers", list, [])):
        t = _Table(d, f"[[breakers]] #{i + 1}", source)
        lane = t.get("lane", str, "paper")
        if lane not in ("paper", "live_canary", "live_promoted"):
            raise t.fail("lane", f"{lane!r}: one of paper, live_canary, live_promoted")
        breakers.append(BreakerDecl(t.get("breaker", str), _decimal(t, "threshold"), lane))
        t.done("breaker, threshold, lane")

    kinds = {f.kind for f in faults}
    if "worker_kill" in kinds and kinds - {"worker_kill"}:
        others = sorted(kinds - {"worker_kill"})
        raise ScenarioError(f"{source}: [[faults]]: worker_kill runs the worker as its own process, without the "
                            f"scenario's venue or database faults: it cannot be combined with {others}")
    if kinds & set(FEED_FAULTS) and kinds & set(PROCESS_FAULTS):
        raise ScenarioError(f"{source}: [[faults]]: feed faults run the window sync-fed through a chaos feeder; they "
                            f"cannot be combined with {sorted(kinds & set(PROCESS_FAULTS))}")
    if kinds & set(WORKER_FAULTS) and kinds & set(PROCESS_FAULTS + FEED_FAULTS):
        raise ScenarioError(f"{source}: [[faults]]: memory_leak is the in-process worker's; it cannot be combined with "
                            f"{sorted(kinds & set(PROCESS_FAULTS + FEED_FAULTS))}")
    expectations = []
    for i, d in enumerate(top.get("expect", list)):
        t = _Table(d, f"[[expect]] #{i + 1}", source)
        ename = t.get("name", str)
        query = t.get("query", str)
        op = t.get("op", str, None)
        value = _decimal(t, "value", None)
        t.done("name, query, op, value")
        if op is not None and op not in OPERATORS:
            raise t.fail("op", f"unknown operator {op!r}; one of {' '.join(OPERATORS)}")
        if (op is None) != (value is None):
            raise t.fail("op" if op is None else "value",
                         "a scalar expectation needs both op and value; a zero-row expectation neither")
        if not query.strip():
            raise t.fail("query", "empty")
        expectations.append(Expectation(ename, query, op, value))
    if not expectations:
        raise ScenarioError(f"{source}: a scenario needs at least one [[expect]]")
    names = [e.name for e in expectations]
    if len(set(names)) != len(names):
        raise ScenarioError(f"{source}: two expectations share a name: {names}")
    top.done("scenario, window, book, venue, strategy, extra_strategies, limits, breakers, faults, expect")

    return Scenario(name=name, seed_id=seed_id, title=title, description=description, window=window,
                    strategy=strategy, extra_strategies=extras, principal=principal or Decimal(10000),
                    risk_profile=risk_profile, venue=venue, limits=tuple(limits), faults=tuple(faults),
                    breakers=tuple(breakers), expectations=tuple(expectations), replay=replay, long=long)


def load(path: Path) -> Scenario:
    """The scenario of the file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ScenarioError(f"cannot read scenario file {path}: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise ScenarioError(f"scenario file {path} is not a text file (UTF-8: {e.reason} at byte {e.start}); give "
                            "a TOML scenario") from None
    return replace(parse(text, str(path)), path=path)


def library(directory: Path = LIBRARY_DIR) -> list[Scenario]:
    """Every shipped scenario, in name order."""
    return sorted((load(p) for p in directory.glob("*.toml")), key=lambda s: s.name)


def find(name_or_file: str, directory: Path = LIBRARY_DIR) -> Scenario:
    """A shipped scenario by name, or the scenario file at that path."""
    path = Path(name_or_file)
    if path.suffix == ".toml" or path.exists():
        return load(path)
    candidate = directory / f"{name_or_file}.toml"
    if candidate.exists():
        return load(candidate)
    known = ", ".join(s.name for s in library(directory))
    raise errors.NotFoundError(f"no scenario named {name_or_file!r}: the library has {known}; or give a .toml file")
