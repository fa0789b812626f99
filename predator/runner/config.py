"""What makes a run reproducible (:class:`RunConfig`, whose canonical form is the run id), and what a run
did (:class:`RunSummary`). See docs/architecture.md §4."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from predator import seams
from predator.venues.paper import PaperConfig

if TYPE_CHECKING:
    from predator.db.reads import AccountEvent, Blocker

HOUR = timedelta(hours=1)
#: The feeds a run can have (:attr:`RunConfig.feed`).
FEEDS = ("stored", "sync")


@dataclass(frozen=True)
class StrategySpec:
    """One more strategy of a run's book (issue 13: several strategies per book). ``name`` is its name in the
    book (``api.register_strategy``; letters, digits and ``_.:-``), ``strategy`` what :func:`load_strategy`
    loads (entry-point name or ``module:Class``), ``pool`` its capital pool (``CORE``, ``AGGRESSIVE``,
    ``TAIL_RISK``) and ``priority`` its arbitration priority (higher wins under the ``priority`` rule)."""

    name: str
    strategy: str
    params: dict[str, Any] = field(default_factory=dict)
    pool: str = "CORE"
    priority: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "strategy": self.strategy, "params": self.params, "pool": self.pool,
                "priority": self.priority}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StrategySpec:
        return cls(d["name"], d["strategy"], d.get("params", {}), d.get("pool", "CORE"), int(d.get("priority", 0)))


@dataclass(frozen=True)
class RunConfig:
    """Everything that makes a run reproducible. ``start``/``end`` bound the decision times (UTC hours)."""

    account: str
    symbols: tuple[str, ...]
    strategy: str
    params: dict[str, Any]
    start: datetime
    end: datetime
    principal: Decimal = Decimal(10000)
    base_currency: str = "USDT"
    risk_profile: str = "default"
    venue: PaperConfig = field(default_factory=PaperConfig)
    mode: str = "paper"
    #: Where the run's bars come from: ``stored`` (history already in the database, read once) or ``sync``
    #: (bars that arrive while the run runs, through the live sync: each hour decides on what it knew,
    #: recorded by ``api.record_hour_knowledge``; a missing bar makes the hour decide nothing new for its
    #: symbol). See docs/architecture.md §4.
    feed: str = "stored"
    #: More strategies trading the same book beside ``strategy`` (which is in the CORE pool), each with its own
    #: pool, allocation and loss limits in the database (docs/risk.md). Empty: one strategy, as before.
    extra_strategies: tuple[StrategySpec, ...] = ()
    #: A chaos campaign's faults that the run's venue applies (predator.chaos.venue; ``{"venue": [[first hour,
    #: last hour, kind], ...], "campaign": n, "seed": s}``): part of the run's inputs, so a replay applies them
    #: too. Empty: no fault.
    chaos: dict[str, Any] = field(default_factory=dict)
    #: A multi-currency book (issue 13 item 6, docs/risk.md "Multi-currency runs"): the extra quote currencies
    #: the book trades against their own cash, each enabled with ``api.enable_book_currency`` when the account is
    #: created; the reporting currency is :attr:`base_currency`. Empty: a book in one currency, as before.
    currencies: tuple[str, ...] = ()
    #: Cash deposited at :attr:`start` in currencies other than the reporting one (whose deposit is
    #: :attr:`principal`), as (currency, amount) pairs.
    deposits: tuple[tuple[str, Decimal], ...] = ()
    #: Conversion pairs read as market data but not traded (e.g. BTC/USDT for a BTC cash in a USDT book): their
    #: bars are the run's inputs (dataset hash, hour inputs, replay) so the valuation finds its rates.
    rate_symbols: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.feed not in FEEDS:
            raise ValueError(f"unknown feed {self.feed!r}: use one of {', '.join(FEEDS)}")
        names = [self.strategy, *(s.name for s in self.extra_strategies)]
        if len(set(names)) != len(names):
            raise ValueError(f"the strategies of a run need distinct names: {names}")
        if self.base_currency in self.currencies:
            raise ValueError(f"{self.base_currency} is the book's reporting currency, not an extra one")
        unknown = sorted({c for c, _ in self.deposits} - set(self.currencies))
        if unknown:
            raise ValueError(f"deposits in {', '.join(unknown)}: enable them as currencies of the book too")

    @property
    def feeds(self) -> tuple[str, ...]:
        """Every symbol whose bars the run reads: the traded :attr:`symbols`, then the :attr:`rate_symbols`."""
        return self.symbols + tuple(s for s in self.rate_symbols if s not in self.symbols)

    def as_dict(self) -> dict[str, Any]:
        # ``feed`` appears only when it is not the default, so that the runs registered before it existed
        # keep their run ids.
        extra: dict[str, Any] = {} if self.feed == "stored" else {"feed": self.feed}
        # Likewise ``extra_strategies``: a run of one strategy keeps its run id.
        if self.extra_strategies:
            extra["extra_strategies"] = [s.as_dict() for s in self.extra_strategies]
        if self.chaos:
            extra["chaos"] = self.chaos
        # A multi-currency book; a book in one currency keeps its run id.
        if self.currencies:
            extra["currencies"] = list(self.currencies)
        if self.deposits:
            extra["deposits"] = [[c, str(a)] for c, a in self.deposits]
        if self.rate_symbols:
            extra["rate_symbols"] = list(self.rate_symbols)
        return extra | {
            "account": self.account,
            "symbols": list(self.symbols),
            "strategy": self.strategy,
            "params": self.params,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "principal": str(self.principal),
            "base_currency": self.base_currency,
            "risk_profile": self.risk_profile,
            "venue": self.venue.as_dict(),
            "mode": self.mode,
        }

    @property
    def run_id(self) -> str:
        canonical = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return "run-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunConfig:
        v = d["venue"]
        venue = PaperConfig(
            venue=v["venue"],
            maker_fee_bps=Decimal(v["maker_fee_bps"]),
            taker_fee_bps=Decimal(v["taker_fee_bps"]),
            slippage_bps=Decimal(v["slippage_bps"]),
            impact_bps=Decimal(v["impact_bps"]),
            participation=Decimal(v["participation"]),
            latency_ms=int(v["latency_ms"]),
            latency_jitter_ms=int(v["latency_jitter_ms"]),
            reject_rate=float(v["reject_rate"]),
            seed=int(v["seed"]),
        )
        return cls(
            account=d["account"],
            symbols=tuple(d["symbols"]),
            strategy=d["strategy"],
            params=d["params"],
            start=datetime.fromisoformat(d["start"]),
            end=datetime.fromisoformat(d["end"]),
            principal=Decimal(d["principal"]),
            base_currency=d["base_currency"],
            risk_profile=d["risk_profile"],
            venue=venue,
            mode=d["mode"],
            feed=d.get("feed", "stored"),
            extra_strategies=tuple(StrategySpec.from_dict(s) for s in d.get("extra_strategies", ())),
            chaos=d.get("chaos", {}),
            currencies=tuple(d.get("currencies", ())),
            deposits=tuple((c, Decimal(a)) for c, a in d.get("deposits", ())),
            rate_symbols=tuple(d.get("rate_symbols", ())),
        )


@dataclass
class RunSummary:
    """What a run did (counts over the whole account, as recorded in the database)."""

    run_id: str
    account: str
    hours: int = 0
    hours_this_session: int = 0
    signals: int = 0
    orders: int = 0
    fills: int = 0
    round_trips: int = 0
    refusals: dict[str, int] = field(default_factory=dict)
    fees: Decimal = Decimal(0)
    final_equity: Decimal = Decimal(0)
    max_drawdown: Decimal = Decimal(0)
    seconds: float = 0.0
    #: Every halt, resume, pause and flatten that affected the account, in the order they took effect.
    events: list[AccountEvent] = field(default_factory=list)
    #: Set when the run stopped before its end because the account is halted with no path to resume.
    stopped: HaltStop | None = None


@dataclass(frozen=True)
class HaltStop:
    """Why an accelerated run stopped before its end: the halts and pauses in force that only an operator
    lifts (``blockers``, widest scope first), with no order of the account left to settle; ``last_hour``: the
    last hour closed (None: none), ``end``: the run's last hour, ``hours_left``: the hours not closed."""

    blockers: tuple[Blocker, ...]
    last_hour: datetime | None
    end: datetime
    hours_left: int


def fast_commit_refusal(config: RunConfig, now: datetime | None = None, until: datetime | None = None) -> str | None:
    """Why ``--backtest-fast-commit`` may not apply to this run (None: it may). Fast commits are only for a
    backtest over stored history: a paper run whose every hour (up to ``until``, by default the run's end)
    has closed on the wall clock. Never for paper on live data, shadow or live, whose hours others may see
    as they close."""
    now = now or seams.wall_now()
    last = until or config.end
    if config.mode != "paper":
        return f"fast commits are for backtests over history only, not for {config.mode} mode"
    if last + HOUR > now:
        return (
            f"fast commits are for backtests over history only: the run ends at {last.isoformat()}, "
            "after the last closed hour; run it durable (the default)"
        )
    return None
