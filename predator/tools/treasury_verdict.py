"""The self-financing verdict of issue 15 item 7 (docs/treasury.md "Verdict"): the share of rolling 30-day
windows with net operating surplus ≥ 0 and with principal protected, in sample (2019–2022) and out of sample
(2023–2024), for the built-in strategies on the real Binance hourly candles with realistic costs.

Method, fixed before any run (the constants below; ``bench/treasury_verdict.py`` runs it, ``make
treasury-verdict``):

* every run is a paper run of :class:`~predator.runner.hour.HourRunner` (the runner of ``predator paper``) over
  stored history, in its own copy of a database holding the candles, from a fresh book of :data:`PRINCIPAL`
  USDT deposited at the period's start, on the default risk profile (the shipped caps and loss tiers);
* costs and settings through the governed api doors before the first hour closes: ``api.set_limit`` of
  ``treasury_reserve_pct`` (:data:`RESERVE_PCT`) and ``treasury_window_days`` (:data:`WINDOW_DAYS`) on the
  default profile, ``api.declare_operating_cost`` of :data:`COST_PER_MONTH` USDT a calendar month
  (``infrastructure``) effective at the period's first hour; Binance fees of :data:`FEE_BPS` bps maker and taker,
  named in the run (equal to the database's Binance tier and the paper venue's default);
* the figures are read from ``api.treasury_status`` (complete windows only, every window inside the period) by
  :func:`predator.db.verdict_reads.window_shares`: SQL counts and sums;
* selection (:func:`select`): per strategy, each parameter set of :data:`GRID` runs over the in-sample period;
  the one with the highest share of complete windows with surplus ≥ 0 is chosen, ties broken by the higher
  in-sample surplus (sum of the daily surpluses), then by grid order. :func:`select` refuses any score that is
  not in sample, and the out-of-sample run of a strategy starts only after its choice;
* the chosen set runs once over the out-of-sample period (a fresh book again) and is reported as it comes out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import psycopg

from predator import config as cfg
from predator import seams
from predator.db import api, migrate, verdict_reads
from predator.db.connection import Target
from predator.db.verdict_reads import WindowShares
from predator.runner.account import ensure_account
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig


def _d(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


#: The book's starting principal (USDT).
PRINCIPAL = Decimal(10000)
#: Infrastructure, declared as an operating cost of the book (USDT per calendar month).
COST_PER_MONTH = Decimal(20)
COST_NAME = "infrastructure"
#: Binance spot fees, maker and taker (basis points).
FEE_BPS = Decimal(10)
#: Share of each realized gain accrued to the reserve (``treasury_reserve_pct``, percent).
RESERVE_PCT = Decimal(25)
#: The rolling window (``treasury_window_days``, days).
WINDOW_DAYS = 30
#: The symbols traded (both with hourly candles from 2018 on, so warm-up before 2019 is available).
SYMBOLS: tuple[str, ...] = ("BTC/USDT", "ETH/USDT")
#: Seed of the paper venue's latency draws (the same for every run).
SEED = 7


@dataclass(frozen=True)
class Period:
    """A measured period: every hour closing in (``start``, ``end``], every window inside [``start``, ``end``)."""

    name: str  # in_sample | out_of_sample (or a test's own)
    start: datetime
    end: datetime
    in_sample: bool


IN_SAMPLE = Period("in_sample", _d("2019-01-01"), _d("2023-01-01"), True)
OUT_OF_SAMPLE = Period("out_of_sample", _d("2023-01-01"), _d("2025-01-01"), False)


@dataclass(frozen=True)
class Candidate:
    """One parameter set of a strategy's grid; ``params`` are the ones it sets (the rest are the defaults)."""

    strategy: str
    label: str
    params: tuple[tuple[str, Any], ...] = ()

    def param_dict(self) -> dict[str, Any]:
        return dict(self.params)

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.params) or "defaults"


#: The declared grid, at most three sets per strategy, fixed before any run: the shipped defaults, then a
#: faster and a slower variant of the same rule. ``sma_cross`` is run with ``max_positions`` 4 (each symbol
#: at most a quarter of equity) because its default sizing (the whole cash in one order) is refused by the
#: default profile's ``max_order_notional`` of 25 %.
GRID: Mapping[str, tuple[Candidate, ...]] = {
    "trend": (
        Candidate("trend", "A", (("fast", 48), ("slow", 240))),
        Candidate("trend", "B", (("fast", 24), ("slow", 120))),
        Candidate("trend", "C", (("fast", 96), ("slow", 480))),
    ),
    "meanrev": (
        Candidate("meanrev", "A", (("window", 48), ("k", 2.5))),
        Candidate("meanrev", "B", (("window", 24), ("k", 2.0))),
        Candidate("meanrev", "C", (("window", 96), ("k", 3.0))),
    ),
    "sma_cross": (
        Candidate("sma_cross", "A", (("fast", 10), ("slow", 50), ("max_positions", 4))),
        Candidate("sma_cross", "B", (("fast", 24), ("slow", 120), ("max_positions", 4))),
        Candidate("sma_cross", "C", (("fast", 50), ("slow", 200), ("max_positions", 4))),
    ),
}


@dataclass(frozen=True)
class Settings:
    """What every run of a study shares."""

    symbols: tuple[str, ...] = SYMBOLS
    principal: Decimal = PRINCIPAL
    cost_per_month: Decimal = COST_PER_MONTH
    fee_bps: Decimal = FEE_BPS
    reserve_pct: Decimal = RESERVE_PCT
    window_days: int = WINDOW_DAYS
    seed: int = SEED


@dataclass(frozen=True)
class Score:
    """One run's outcome: the candidate, the period and the figures SQL returned, with the run's counts."""

    candidate: Candidate
    period: Period
    shares: WindowShares
    fills: int
    round_trips: int
    final_equity: Decimal | None
    wall_seconds: float
    index: int = 0  # the candidate's place in its grid (the last tie-break)
    #: What stopped or limited the book's trading during the run (halts, resumes, flattens: ``kind scope at
    #: business time: reason``), as the runner's summary read them.
    events: tuple[str, ...] = ()


def account_name(candidate: Candidate, period: Period) -> str:
    return f"verdict_{candidate.strategy}_{candidate.label}_{period.name}".lower()


def run_config(candidate: Candidate, period: Period, settings: Settings) -> RunConfig:
    """The paper run of ``candidate`` over ``period``: the strategy's effective parameters (defaults included,
    as ``predator paper`` records them), the declared fees, from a fresh book of the principal."""
    given = candidate.param_dict()
    return RunConfig(
        account=account_name(candidate, period),
        symbols=settings.symbols,
        strategy=candidate.strategy,
        params=effective_params(load_strategy(candidate.strategy, given), given),
        start=period.start,
        end=period.end,
        principal=settings.principal,
        venue=PaperConfig(maker_fee_bps=settings.fee_bps, taker_fee_bps=settings.fee_bps, seed=settings.seed),
    )


def prepare_book(db: Target, config: RunConfig, settings: Settings) -> None:
    """Through the governed doors, before the first hour closes: the reserve and window limits of the run's
    risk profile, the account (as the runner creates it) and its infrastructure cost from the first hour."""
    why = "treasury verdict (issue 15 item 7)"
    with db.connect("operator") as op, op.transaction():
        api.set_limit(op, config.risk_profile, "treasury_reserve_pct", "pct", settings.reserve_pct, why)
        api.set_limit(op, config.risk_profile, "treasury_window_days", "count", Decimal(settings.window_days), why)
    ensure_account(db, config)
    with db.connect("operator") as op, op.transaction():
        api.declare_operating_cost(op, config.account, COST_NAME, settings.cost_per_month, config.base_currency,
                                   "month", config.start, f"{why}: {settings.cost_per_month} a month")


def read_shares(db: Target, account: str, period: Period, window_days: int) -> WindowShares:
    with db.connect("auditor") as conn:
        return verdict_reads.window_shares(conn, account=account, window_days=window_days,
                                           period_from=period.start, period_to=period.end)


def run_one(db: Target, candidate: Candidate, period: Period, settings: Settings, index: int = 0) -> Score:
    """Run ``candidate`` over ``period`` in ``db`` (a database holding the candles, the book not yet there) and
    read its figures."""
    config = run_config(candidate, period, settings)
    t0 = seams.monotonic()
    prepare_book(db, config, settings)
    runner = HourRunner(db, config, backtest_fast_commit=True)
    try:
        summary = runner.run()
    finally:
        runner.close()
    wall = seams.monotonic() - t0
    shares = read_shares(db, config.account, period, settings.window_days)
    events = tuple(f"{e.kind} {e.scope} at {(e.ts or e.after_hour or period.start):%Y-%m-%d %H:%M}: {e.reason}"
                   for e in summary.events)
    return Score(candidate, period, shares, summary.fills, summary.round_trips, summary.final_equity, wall, index,
                 events)


def _key(score: Score) -> tuple[Decimal, Decimal, int]:
    s = score.shares
    return (s.share_surplus_ok if s.share_surplus_ok is not None else Decimal(-1),
            s.day_surplus if s.day_surplus is not None else Decimal("-Infinity"), -score.index)


def select(scores: Sequence[Score]) -> Score:
    """The declared selection rule, on in-sample scores only (ValueError for any other, or for none): the
    highest share of complete windows with surplus ≥ 0, then the higher in-sample surplus, then grid order."""
    if not scores:
        raise ValueError("nothing to select from")
    outside = [s for s in scores if not s.period.in_sample]
    if outside:
        raise ValueError(f"selection uses in-sample scores only, got {outside[0].period.name} "
                         f"({outside[0].candidate.strategy} {outside[0].candidate.label})")
    if len({s.candidate.strategy for s in scores}) != 1:
        raise ValueError("selection is per strategy")
    return max(scores, key=_key)


@dataclass(frozen=True)
class StrategyVerdict:
    strategy: str
    in_sample: tuple[Score, ...]
    chosen: Score
    out_of_sample: Score


@dataclass(frozen=True)
class Study:
    settings: Settings
    in_sample: Period
    out_of_sample: Period
    verdicts: tuple[StrategyVerdict, ...] = field(default_factory=tuple)


RunFn = Callable[[Candidate, Period, int], Score]


def run_study(run: RunFn, grid: Mapping[str, Sequence[Candidate]], in_sample: Period,
              out_of_sample: Period) -> Iterator[Score | StrategyVerdict]:
    """Per strategy: every grid set in sample, :func:`select`, then the chosen set once out of sample. Yields
    each score as it comes, then the strategy's verdict. ``run`` runs one candidate over one period."""
    if not in_sample.in_sample or out_of_sample.in_sample or out_of_sample.start < in_sample.end:
        raise ValueError("the out-of-sample period comes after the in-sample one and is not in sample")
    for strategy, candidates in grid.items():
        scores = []
        for i, c in enumerate(candidates):
            score = run(c, in_sample, i)
            scores.append(score)
            yield score
        chosen = select(scores)
        oos = run(chosen.candidate, out_of_sample, chosen.index)
        yield oos
        yield StrategyVerdict(strategy, tuple(scores), chosen, oos)


def copy_runner(server: Target, template: str, settings: Settings) -> RunFn:
    """A :data:`RunFn` that runs each candidate in its own copy of ``template`` (a global halt of one run
    cannot reach another)."""

    def run(candidate: Candidate, period: Period, index: int) -> Score:
        for attempt in range(5):
            try:
                copy = migrate.database_copy(server, template, "predator_verdict")
                db = copy.__enter__()
            except psycopg.errors.ObjectInUse:  # another worker is copying the template at this moment
                if attempt == 4:
                    raise
                seams.sleep(2.0 * (attempt + 1))
                continue
            try:
                return run_one(db, candidate, period, settings, index)
            finally:
                copy.__exit__(None, None, None)
        raise AssertionError("unreachable")

    return run


def strategy_study(server: Target, template: str, settings: Settings, strategy: str,
                   candidates: Sequence[Candidate], in_sample: Period,
                   out_of_sample: Period) -> tuple[list[Score], StrategyVerdict]:
    """One strategy's part of :func:`run_study` (picklable: a worker process of the bench runs it)."""
    run = copy_runner(server, template, settings)
    scores: list[Score] = []
    verdict: StrategyVerdict | None = None
    for item in run_study(run, {strategy: candidates}, in_sample, out_of_sample):
        if isinstance(item, Score):
            scores.append(item)
            print(" | ".join(row(item)), flush=True)
        else:
            verdict = item
    assert verdict is not None
    return scores, verdict


def candle_paths(symbols: Sequence[str]) -> list[Any]:
    return [cfg.data_dir() / "candles" / f"binance_{s.replace('/', '-')}_1h.csv.gz" for s in symbols]


# --- presentation ---------------------------------------------------------------------------------------------

def _pct(v: Decimal | None) -> str:
    return "-" if v is None else f"{v:.1f} %"


def _amt(v: Decimal | None) -> str:
    return "-" if v is None else f"{v:,.2f}"


HEADER = ("strategy", "set", "params", "period", "windows", "surplus ≥ 0", "principal protected", "both",
          "median window surplus", "period surplus", "realized PnL", "fees", "op. costs", "reserve",
          "equity at end", "fills", "halts etc.", "wall s")


def row(score: Score, chosen: bool = False) -> tuple[str, ...]:
    s = score.shares
    return (score.candidate.strategy, score.candidate.label + (" (chosen)" if chosen else ""),
            score.candidate.describe(), score.period.name, str(s.windows),
            f"{s.surplus_ok} ({_pct(s.share_surplus_ok)})", f"{s.protected} ({_pct(s.share_protected)})",
            f"{s.both} ({_pct(s.share_both)})", _amt(s.surplus_median), _amt(s.day_surplus),
            _amt(s.day_realized_pnl), _amt(s.day_trading_fees), _amt(s.day_operating_costs),
            _amt(s.day_reserve_accrual), _amt(s.equity_end), str(score.fills), str(len(score.events)),
            f"{score.wall_seconds:.0f}")


def markdown_table(rows: Sequence[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def verdict_rows(verdicts: Sequence[StrategyVerdict]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for v in verdicts:
        out += [row(s, s.candidate == v.chosen.candidate) for s in v.in_sample]
        out.append(row(v.out_of_sample, True))
    return out
