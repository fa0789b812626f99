"""Trading commands: ``paper``, ``run``, ``replay``, ``report``, ``check-strategy``, ``account``, ``demo``."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click

from predator import seams
from predator.cli import main
from predator.cli.params import NON_NEGATIVE, POSITIVE, FiniteNumber, finite_float, writable_dir
from predator.config import DEMO_SYMBOLS
from predator.db.connection import default_target
from predator.errors import ConfigurationError, NotFoundError, VenueError
from predator.logs import configure_logging
from predator.venues.paper import PaperConfig

if TYPE_CHECKING:
    from predator.runner.hour import RunConfig
    from predator.runner.venues import VenueFactory
    from predator.venues.deadman import DeadManSwitch

HOUR_DELTA = __import__("datetime").timedelta(hours=1)
#: The demo book's declared infrastructure cost, per month in its quote currency (issue 15's realistic default).
DEMO_MONTHLY_COST = Decimal(20)


def _utc(value: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO-8601 date or date-time (UTC), e.g. 2024-01-01 or "
                                 f"2024-01-01T00:00Z") from None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _params_json(text: str) -> dict[str, Any]:
    """``--params``: a JSON object, else a usage error (exit 2) saying so."""
    def no_constant(name: str) -> Any:
        raise click.BadParameter(f"{text!r} holds {name}, which is not a number in JSON (nor a value the database "
                                 "stores); give finite numbers", param_hint="'--params'")

    try:
        value = json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as e:
        raise click.BadParameter(f"{text!r} is not JSON ({e.msg} at character {e.pos}); give an object, e.g. "
                                 """'{"fast": 2, "slow": 6}'""", param_hint="'--params'") from None
    if not isinstance(value, dict):
        raise click.BadParameter(f"{text!r} is not a JSON object; give one, e.g. '{{\"fast\": 2}}'",
                                 param_hint="'--params'")
    return value


def _symbols(value: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in value.split(",") if s.strip())


def some_symbols(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Callback of a ``--symbols`` option: at least one comma-separated symbol, else a usage error (exit 2)
    before anything is read or written (an empty list would run, or check, nothing)."""
    if value is not None and not _symbols(value):
        raise click.BadParameter(f"{value!r} names no symbol; give ccxt BASE/QUOTE symbols, e.g. BTC/USDT,ETH/USDT")
    return value


def _venue_options(f: Callable[..., Any]) -> Callable[..., Any]:
    # The fill model's settings, refused by click (exit 2) before anything is created when they cannot be meant:
    # a fee, slippage or impact below 0 (the database refuses a negative fee on a fill, market.venue's fees are
    # >= 0: a rebate is not modelled), a participation outside (0, 1], a reject rate outside [0, 1], a latency
    # below 0, NaN or Infinity anywhere.
    options = [
        click.option("--venue", default="binance", show_default=True, help="Venue whose fees and candles are used."),
        click.option("--maker-fee-bps", type=NON_NEGATIVE, default=None,
                     help="Maker fee, >= 0 (default: the venue's tier)."),
        click.option(
            "--fee-bps", "taker_fee_bps", type=NON_NEGATIVE, default=None,
            help="Taker fee, >= 0 (default: the venue's tier)."
        ),
        click.option("--slippage-bps", type=NON_NEGATIVE, default=Decimal(2), show_default=True,
                     help="Fixed slippage, >= 0."),
        click.option(
            "--impact-bps",
            type=NON_NEGATIVE,
            default=Decimal(50),
            show_default=True,
            help="Slippage per 100% of bar volume taken, >= 0.",
        ),
        click.option(
            "--participation",
            type=FiniteNumber(0, 1, low_open=True),
            default=Decimal("0.1"),
            show_default=True,
            help="Largest share of a bar's volume one order may take, in (0, 1] (1 = no limit).",
        ),
        click.option("--latency-ms", type=click.IntRange(0), default=250, show_default=True),
        click.option("--latency-jitter-ms", type=click.IntRange(0), default=250, show_default=True),
        click.option("--reject-rate", type=finite_float(0, 1), default=0.0, show_default=True,
                     help="Share of orders the paper venue rejects, in [0, 1]."),
        click.option("--seed", type=int, default=7, show_default=True),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _paper_config(kw: dict) -> PaperConfig:  # type: ignore[type-arg]
    return PaperConfig(
        venue=kw["venue"],
        maker_fee_bps=kw["maker_fee_bps"],
        taker_fee_bps=kw["taker_fee_bps"],
        slippage_bps=kw["slippage_bps"],
        impact_bps=kw["impact_bps"],
        participation=kw["participation"],
        latency_ms=kw["latency_ms"],
        latency_jitter_ms=kw["latency_jitter_ms"],
        reject_rate=kw["reject_rate"],
        seed=kw["seed"],
    )


def _currency_options(f: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--deposit", "deposits", multiple=True, metavar="CCY=AMOUNT",
                     help="Cash deposited at --from, repeatable: in the book's quote currency it is the principal "
                     "(replaces --principal); in another currency it makes the book multi-currency: the "
                     "currency is enabled (api.enable_book_currency), its instruments trade against its own cash "
                     "and everything is valued in the book's quote currency (docs/risk.md). CCY=0 enables "
                     "without cash."),
        click.option("--rate-symbols", default=None, help="Conversion pairs of a multi-currency book, read as "
                     "market data and not traded (default: for each extra currency C, C/QUOTE if the venue lists "
                     "it, else QUOTE/C)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _with_currencies(config: RunConfig, deposits: tuple[str, ...], rate_symbols: str | None) -> RunConfig:
    """``config`` with the ``--deposit`` cash and the book's extra currencies and conversion pairs (a
    multi-currency book, docs/risk.md); unchanged without them (a book in one currency keeps its run id)."""
    from dataclasses import replace

    from predator.runner.preflight import rate_pairs

    if not deposits:
        if rate_symbols:
            raise click.BadParameter("conversion pairs are for a multi-currency book: add --deposit CCY=AMOUNT",
                                     param_hint="'--rate-symbols'")
        return config
    quote = config.base_currency
    principal = config.principal
    extra: dict[str, Decimal] = {}
    for given in deposits:
        currency, sep, amount = given.partition("=")
        try:
            value = Decimal(amount)
        except ArithmeticError:
            value = Decimal("NaN")
        if not sep or not currency.strip() or not value.is_finite() or value < 0:
            raise click.BadParameter(f"{given!r} is not CCY=AMOUNT with a finite amount >= 0, e.g. BTC=0.1",
                                     param_hint="'--deposit'")
        currency = currency.strip().upper()
        if currency in extra or (currency == quote and principal != config.principal):
            raise click.BadParameter(f"{currency} is deposited twice", param_hint="'--deposit'")
        if currency == quote:
            if value == 0:  # advice: the database repeats it (trading.account's CHECK principal_is_positive)
                raise click.BadParameter(f"{given!r}: a deposit in the book's quote currency {quote} is its "
                                         "principal, which must be above 0; give an amount > 0",
                                         param_hint="'--deposit'")
            principal = value
        else:
            extra[currency] = value
    currencies = tuple(sorted(extra))
    pairs = (_symbols(rate_symbols) if rate_symbols is not None
             else rate_pairs(default_target(), config.venue.venue, quote, currencies))
    return replace(config, principal=principal, currencies=currencies,
                   deposits=tuple((c, a) for c, a in sorted(extra.items()) if a > 0), rate_symbols=pairs)


def _preflight_options(f: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--quote", default=None, help="The book's quote currency, e.g. USD, USDT, USDC, EUR (default: "
                     "the quote the symbols share, else the venue's: binance USDT, kraken USD). Stored with the "
                     "account and checked on every rerun."),
        click.option("--dry-run", is_flag=True, help="Check everything and print what would be created (account, "
                     "deposit, strategy registration, symbols, hours); write nothing."),
        click.option("--allow-partial-data", is_flag=True, help="Run even when a symbol's stored candles start "
                     "after --from or end before --to (it trades only where it has bars)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _preflight(config: RunConfig, probe: object, *, dry_run: bool, allow_partial: bool,
               require_end: bool = True, check_data: bool | None = None) -> None:
    """Check the run before anything is written (predator.runner.preflight; PreflightError: one line, exit
    2); with ``dry_run`` print what would be created and exit 0; else print the warnings on stderr."""
    from predator.runner.preflight import check_run

    plan = check_run(default_target(), config, warmup_bars=int(getattr(probe, "warmup_bars", 500)),
                     require_end=require_end, allow_partial=allow_partial, check_data=check_data)
    if dry_run:
        click.echo("dry run: nothing written")
        for line in plan.lines():
            click.echo(line)
        sys.exit(0)
    for warning in plan.warnings:
        click.echo(f"warning: {warning}", err=True)


#: Exit code of a worker whose database connection was lost.
EXIT_DATABASE_LOST = 3


@contextmanager
def database_lost_exits(command: str) -> Iterator[None]:
    """A lost database connection (server stopped, connection cut) ends the command with one line on stderr
    that says what happened and what to do, and exit code EXIT_DATABASE_LOST, without a traceback. Every
    closed hour is committed; a restart resumes after the last one."""
    import psycopg

    try:
        yield
    except psycopg.OperationalError as e:
        first = (str(e).strip().splitlines() or ["connection lost"])[0]
        click.echo(
            f"predator {command}: lost the database connection ({first}); every hour closed before is kept. "
            f"Check that the database is up (predator db status / predator db up), then run the same command "
            f"again: it resumes after the last closed hour.",
            err=True,
        )
        sys.exit(EXIT_DATABASE_LOST)


def _hour(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _business_time(ts: datetime | None, after_hour: datetime | None) -> str:
    """An event's business time: recorded (system events), else the hour the account stood at (operator)."""
    if ts is not None:
        return _hour(ts)
    if after_hour is not None:
        return f"after {_hour(after_hour)}"
    return "before the first hour"


def event_line(e: Any) -> str:
    """One halt, resume, pause or flatten (:class:`predator.db.reads.AccountEvent`) as the summary shows it."""
    when = _business_time(e.ts, e.after_hour)
    incident = f"  [{e.incident}]" if e.incident else ""
    if e.kind == "flatten":
        return (f"{when}  flatten ({e.source}): {e.orders} exit order(s) on {', '.join(e.symbols)}: "
                f"{e.reason}{incident}")
    who = "system" if e.source == "system" else f"operator {e.actor}"
    label = {"resume_strategy": "strategy resumed", "pause": "strategy paused"}.get(e.kind, e.kind)
    return f"{when}  {label} {e.scope} by {who}: {e.reason}{incident}"


def _lift_hint(scope: str, kind: str) -> str:
    if kind == "pause":
        return f"api.resume_strategy of {scope} (operator role)"
    scope_kind, _, key = scope.partition(":")
    target = "" if scope_kind == "global" else f" --target {key}"
    return f"predator resume --scope {scope_kind}{target} --reason '...'"


def halt_stop_lines(stop: Any, events: list[Any]) -> list[str]:
    """What ``predator paper`` / ``run --speed`` print when they stop early on a halt
    (:class:`predator.runner.config.HaltStop`): when, why, which incident, and what to do."""
    closed = f"after hour {_hour(stop.last_hour)}" if stop.last_hour else "before closing any hour"
    paused_only = all(b.kind == "pause" for b in stop.blockers)
    what = "its strategy is paused and only an operator resumes it" if paused_only else \
        "its account is halted and only an operator lifts it"
    lines = [f"HALTED: the run stopped {closed}, {stop.hours_left} hour(s) before its end {_hour(stop.end)}: {what}."]
    for b in stop.blockers:
        halt = next((e for e in reversed(events) if e.kind in ("halt", "pause") and e.scope == b.scope), None)
        when = _business_time(halt.ts, halt.after_hour) if halt else _business_time(b.ts, None)
        what = "paused" if b.kind == "pause" else "halted"
        incident = f", incident {b.incident}" if b.incident else ""
        lines.append(f"  {b.scope} {what} since {when} by {b.source}: {b.reason}{incident}; lift: "
                     f"{_lift_hint(b.scope, b.kind)}")
    lines.append("  Run the same command again once it is lifted to continue; --keep-running-when-halted "
                 "closes the idle hours instead of stopping.")
    return lines


def print_summary(summary, err: bool = False) -> None:  # type: ignore[no-untyped-def]
    """The run summary (on stderr with ``err``): figures, every halt, pause and flatten that affected the
    account, and the HALTED lines of a run that stopped early."""
    lines = [
        f"run {summary.run_id} on account {summary.account}: {summary.hours} hours closed "
        f"({summary.hours_this_session} in this session, {summary.seconds:.1f} s)",
        f"  orders {summary.orders}  fills {summary.fills}  trades {summary.round_trips}  signals {summary.signals}",
        "  refusals by reason: " + (", ".join(f"{k} {v}" for k, v in summary.refusals.items()) or "none"),
        f"  fees {summary.fees:.2f}  final equity {summary.final_equity:.2f}  "
        f"max drawdown {summary.max_drawdown * 100:.2f}%",
    ]
    if summary.signals and not summary.orders and summary.refusals:
        # Every signal refused: say which rule stopped them and where to read each decision.
        top = max(summary.refusals.items(), key=lambda kv: kv[1])[0]
        lines.append(f"  no order went out: every signal was refused (most often {top}); each decision and its "
                     f"caps: SELECT * FROM api.decisions WHERE account = '{summary.account}' (docs/errors.md)")
    events = getattr(summary, "events", [])
    lines.append(f"  halts, pauses and flattens: {len(events) or 'none'}")
    lines.extend(f"    {event_line(e)}" for e in events)
    if getattr(summary, "stopped", None) is not None:
        lines.extend(halt_stop_lines(summary.stopped, events))
    for line in lines:
        click.echo(line, err=err)


_KEEP_RUNNING = click.option(
    "--keep-running-when-halted",
    is_flag=True,
    help="Accelerated runs only: keep closing the hours of an account halted with no path to resume (only an "
    "operator lifts a halt) instead of stopping early with a line that says when, why and which incident.",
)


@main.command()
@click.option("--account", required=True, help="Paper account name (created on first use).")
@click.option("--symbols", required=True, callback=some_symbols,
              help="Comma-separated ccxt symbols, e.g. BTC/USDT,ETH/USDT.")
@click.option("--strategy", required=True, help="Entry-point name (trend, meanrev, sma_cross) or module:Class.")
@click.option("--params", default="{}", help="Strategy parameters as JSON.")
@click.option("--from", "start", required=True, help="First decision time (UTC), e.g. 2023-01-01.")
@click.option(
    "--to",
    "end",
    required=True,
    help="Last hour to close (UTC), e.g. 2024-01-01; the last decision is the hour before.",
)
@click.option("--principal", type=POSITIVE, default=Decimal(10000), show_default=True,
              help="Initial principal (quote), > 0.")
@click.option("--risk-profile", default="default", show_default=True)
@_venue_options
@_preflight_options
@_currency_options
@click.option("--progress/--no-progress", default=True, show_default=True,
              help="Progress on stderr: a bar on a terminal, a line every 10% elsewhere.")
@click.option("--stop-after", type=int, default=None, help="Stop after this many hours (a later run resumes).")
@_KEEP_RUNNING
@click.option(
    "--backtest-fast-commit",
    is_flag=True,
    help="Backtests over stored history only (every hour of the run already closed): commit each hour "
    "without waiting for the WAL flush (still atomic and ordered; a server crash loses the last hours, which "
    "a restart runs again). Refused otherwise. Default: every commit waits for the flush. Quiet hours then "
    "share a transaction up to the next order activity or the end of the simulated day.",
)
@click.option("--commit-every-hour", is_flag=True,
              help="With --backtest-fast-commit: commit each hour on its own instead of batching quiet hours "
              "(the same rows and hashes; for comparison).")
def paper(
    account: str,
    symbols: str,
    strategy: str,
    params: str,
    start: str,
    end: str,
    principal: Decimal,
    risk_profile: str,
    progress: bool,
    stop_after: int | None,
    backtest_fast_commit: bool,
    commit_every_hour: bool,
    quote: str | None,
    dry_run: bool,
    allow_partial_data: bool,
    keep_running_when_halted: bool,
    deposits: tuple[str, ...],
    rate_symbols: str | None,
    **venue_kw: object,
) -> None:
    """Paper-trade stored candles in accelerated time, every write through the governed procedures.

    Resumes after the last closed hour when the account already ran this configuration. Stops early (exit
    code 0, with a HALTED line naming when, why and the incident) once the account is halted with no path
    to resume, unless --keep-running-when-halted."""
    from predator.runner.hour import HourRunner, RunConfig
    from predator.runner.venues import venue_factory

    configure_logging()
    from predator.runner.preflight import default_quote
    from predator.strategies.base import effective_params, load_strategy

    given = _params_json(params)
    probe = load_strategy(strategy, given)
    venue_config = _paper_config(venue_kw)
    config = RunConfig(
        account=account,
        symbols=_symbols(symbols),
        strategy=strategy,
        params=effective_params(probe, given),
        start=_utc(start),
        end=_utc(end),
        principal=principal,
        base_currency=(quote or default_quote(venue_config.venue, _symbols(symbols))).upper(),
        risk_profile=risk_profile,
        venue=venue_config,
    )
    config = _with_currencies(config, deposits, rate_symbols)
    _preflight(config, probe, dry_run=dry_run, allow_partial=allow_partial_data)
    runner = HourRunner(
        default_target(),
        config,
        progress=progress,
        stop_after=stop_after,
        backtest_fast_commit=backtest_fast_commit,
        venue=venue_factory(config),
        stop_when_halted=not keep_running_when_halted,
        commit_every_hour=commit_every_hour,
    )
    with database_lost_exits("paper"):
        try:
            summary = runner.run()
        finally:
            runner.close()
    print_summary(summary)


@main.command()
@click.option("--account", required=True)
@click.option("--from", "start", default=None, help="First hour to compare (default: the run's start).")
@click.option("--to", "end", default=None, help="Last hour to compare (default: the run's end).")
@click.option("--keep", is_flag=True, help="Keep the scratch database.")
@click.option("--progress/--no-progress", default=True,
              help="Progress on stderr: a bar on a terminal, a line every 10% elsewhere.")
@click.option("--record/--no-record", default=True, show_default=True,
              help="Record the outcome in the database as the auditor (api.record_replay; api.replay_runs and the "
                   "console's /checks page list it).")
def replay(account: str, start: str | None, end: str | None, keep: bool, progress: bool, record: bool) -> None:
    """Re-execute an account's hours from the stored inputs in a scratch database and compare every hour's
    input, output and state hashes, then record the outcome (api.record_replay; --no-record skips it). Exit
    code 1 when parity fails."""
    from predator.runner.preflight import check_replay
    from predator.runner.replay import record as record_replay
    from predator.runner.replay import replay as run_replay

    configure_logging()
    plan = check_replay(default_target(), account, _utc(start) if start else None, _utc(end) if end else None)
    with database_lost_exits("replay"):
        result = run_replay(
            default_target(),
            account,
            plan.first_hour if start else None,  # a --from before the run's start is clamped to it
            _utc(end) if end else None,
            keep=keep,
            progress=progress,
        )
    for m in result.mismatches:
        click.echo(f"MISMATCH {m.hour.isoformat()}: " + "; ".join(m.problems))
    for u in result.unreplayable:
        click.echo(f"NOT REPLAYED: {u}")
    if result.scratch_database:
        click.echo(f"scratch database kept: {result.scratch_database}")
    last = result.last_hour.isoformat() if result.last_hour else "-"
    click.echo(
        f"{result.hours_compared} hours compared (to the last closed hour {last}), "
        f"{len(result.mismatches)} mismatched, {result.interventions} operator action(s) re-applied"
    )
    if record:
        with database_lost_exits("replay"):
            recorded = record_replay(default_target(), result)
        click.echo(f"recorded: replay {recorded.seq} of account {account} (api.replay_runs)")
    click.echo(f"REPLAY PARITY: {'TRUE' if result.parity else 'FALSE'}")
    sys.exit(0 if result.parity else 1)


def _known_symbols(target: Any, venue: str, symbols: tuple[str, ...]) -> None:
    """Every symbol an instrument of ``venue`` (whatever its quote), as the preflight of ``paper`` checks it:
    PreflightNotFound (exit 5) naming an unknown venue, or a symbol that is not one (``BTCUSDT``: did you mean
    BTC/USDT?)."""
    from predator.runner.preflight import _check_symbols

    quotes = tuple(sorted({sym.rsplit("/", 1)[-1] for sym in symbols}))
    with target.connect("auditor") as conn:
        _check_symbols(conn, venue, symbols, quotes[0], quotes)
        conn.rollback()


@main.command("check-strategy")
@click.argument("name")
@click.option("--params", default="{}", help="Strategy parameters as JSON.")
@click.option("--symbols", default="BTC/USDT,ETH/USDT", show_default=True, callback=some_symbols)
@click.option("--from", "start", default="2023-01-01", show_default=True)
@click.option("--to", "end", default="2023-07-01", show_default=True)
@click.option("--venue", default="binance", show_default=True)
@click.option("--cuts", type=click.IntRange(1), default=4, show_default=True,
              help="How many cut points to test (>= 1).")
def check_strategy(name: str, params: str, symbols: str, start: str, end: str, venue: str, cuts: int) -> None:
    """Look-ahead check: decisions on the full data must equal decisions on data cut at several points.
    Exit code 1 when a decision differs."""
    from datetime import timedelta

    from predator.db import ml_api
    from predator.runner.lookahead import check
    from predator.runner.market import MarketData
    from predator.strategies.base import ModelBacked, Strategy, load_strategy

    p = _params_json(params)
    s, e = _utc(start), _utc(end)
    if s >= e:
        raise click.BadParameter(f"--from {_hour(s)} is not before --to {_hour(e)}: the range holds no decision to "
                                 "check; give --from before --to", param_hint="'--from'")
    probe = load_strategy(name, p)
    warmup = timedelta(hours=int(getattr(probe, "warmup_bars", 500)) + 24)
    target = default_target()
    _known_symbols(target, venue, _symbols(symbols))
    with target.connect("worker") as conn:
        market = MarketData.load(conn, venue, list(_symbols(symbols)), s - warmup, e + timedelta(hours=1))
        # A model strategy (issue 19 item 1) is checked as it trades: bound to its registered artefact, verified
        # by sha256 (ModelRefused otherwise), every fresh instance the check builds bound to the same row.
        registered = ml_api.model(conn, probe.model_id) if isinstance(probe, ModelBacked) else None

    def fresh_strategy() -> Strategy:
        strategy = load_strategy(name, p)
        if isinstance(strategy, ModelBacked):
            strategy.bind(registered)
        return strategy

    fresh_strategy()  # refuses an unregistered model or a tampered artefact before any work
    missing = [sym for sym, d in market.symbols.items() if len(d.ts) == 0]
    if missing:
        raise NotFoundError(f"no candles stored for {', '.join(missing)} on {venue} in that period; load them "
                            f"first (predator data load FILE, or predator data backfill)")
    result = check(
        market,
        fresh_strategy,
        list(_symbols(symbols)),
        s,
        e,
        cuts=cuts,
        venue=PaperConfig(venue=venue, latency_jitter_ms=0),
    )
    click.echo(
        f"{result.decisions} decisions on the full data; cut points: "
        + ", ".join(c.strftime("%Y-%m-%dT%H:%MZ") for c in result.cuts)
    )
    for cut, symbol, name, bar in result.feature_differences:
        click.echo(
            f"FEATURE DIFFERS with data cut at {cut.isoformat()}: {symbol} feature {name!r} at the bar of "
            f"{bar.isoformat()} changes when later bars are removed (it looks ahead)"
        )
    for cut, full, got in result.differences:
        click.echo(f"DIFFERS with data cut at {cut.isoformat()}: full data decided {full}, cut data decided {got}")
    click.echo(f"LOOK-AHEAD CHECK: {'PASS' if result.passed else 'FAIL'} ({name})")
    sys.exit(0 if result.passed else 1)


@main.command()
@click.option("--account", required=True)
@click.option("--day", default=None, help="One UTC day, e.g. 2023-06-01.")
@click.option("--from", "start", default=None, help="Period start (UTC); hours closing after it.")
@click.option("--to", "end", default=None, help="Period end (UTC); hours closing up to it.")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Output directory (default PREDATOR_HOME/reports).",
)
@click.option("--no-gates", is_flag=True, help="Skip running the validation gates.")
def report(
    account: str, day: str | None, start: str | None, end: str | None, fmt: str, out_dir: str | None, no_gates: bool
) -> None:
    """Render a report (trades, fills, slippage, refusals, fees, PnL, halts, incidents, gates, charts)."""
    from pathlib import Path

    from predator.db import report_reads
    from predator.reports.report import day_bounds, render

    target = default_target()
    if day and (start or end):
        raise click.UsageError("--day is one whole UTC day and --from/--to a period: give one or the other")
    if start and end and _utc(start) >= _utc(end):
        raise click.BadParameter(f"--from {_hour(_utc(start))} is not before --to {_hour(_utc(end))}: the period "
                                 "holds no closed hour; give --from before --to", param_hint="'--from'")
    if day:
        s, e = day_bounds(_utc(day))
    else:
        with target.connect("auditor") as conn:
            span = report_reads.closed_span(conn, account=account)
        if span is None:
            raise NotFoundError(f"account {account} has no closed hour (unknown, or it never ran): run it first "
                                f"(predator paper --account {account} …)")
        s = _utc(start) if start else span.start
        e = _utc(end) if end else span.end
    out = writable_dir(Path(out_dir)) if out_dir else None
    path = render(target, account, s, e, fmt=fmt, out_dir=out, gates=not no_gates)
    click.echo(f"report: {path}")




@main.command()
@click.option("--account", default="demo", show_default=True)
@click.option("--strategy", default="trend", show_default=True)
@click.option("--from", "start", default="2023-01-01", show_default=True)
@click.option("--to", "end", default="2024-01-01", show_default=True)
@click.option("--principal", type=POSITIVE, default=Decimal(10000), show_default=True)
def demo(account: str, strategy: str, start: str, end: str, principal: Decimal) -> None:
    """The main job end to end: database up, migrate, load the real candles of 10 symbols, paper-trade the
    period from the principal, run the gates, verify the chains, replay, write the report, print a summary."""
    from pathlib import Path

    from predator import config as cfg
    from predator import gates
    from predator.db import migrate as mig
    from predator.marketdata.loader import load_file
    from predator.reports.report import render
    from predator.runner.hour import HourRunner, RunConfig
    from predator.runner.replay import record as record_replay
    from predator.runner.replay import replay as run_replay
    from predator.runner.venues import venue_factory

    configure_logging()
    t0 = seams.monotonic()
    target = default_target()
    click.echo(f"database: {target.dbname} ({'embedded cluster' if target.embedded else 'PREDATOR_DSN'})")
    mig.upgrade(target)
    click.echo(f"migrated to revision {mig.current_revision(target)}")

    data = cfg.data_dir() / "candles"
    with target.connect("worker") as conn:
        for symbol in DEMO_SYMBOLS:
            path = data / f"binance_{symbol.replace('/', '-')}_1h.csv.gz"
            if not path.exists():
                raise NotFoundError(f"missing market data file {path} (set PREDATOR_DATA to the directory "
                                    f"holding candles/)")
            r = load_file(conn, path).result
            click.echo(f"  {path.name}: {r.accounting()}")

    from predator.strategies.base import effective_params, load_strategy

    run_config = RunConfig(
        account=account,
        symbols=DEMO_SYMBOLS,
        strategy=strategy,
        params=effective_params(load_strategy(strategy)),
        start=_utc(start),
        end=_utc(end),
        principal=principal,
    )
    t1 = seams.monotonic()
    # The demo is a backtest over stored history (2023 by default): fast commits are allowed for it, and
    # refused by the runner if --to reaches an hour that has not closed yet.
    runner = HourRunner(
        target,
        run_config,
        progress=True,
        backtest_fast_commit=True,
        venue=venue_factory(run_config),
    )
    try:
        runner.prepare()
        if runner.last_closed_hour() is None:
            # A realistic recurring cost (issue 15: 20 a month of infrastructure), accrued by the hour close in
            # the treasury's memo ledgers: the trading figures do not move, the self-financing status does.
            from predator.db import anchors as anchors_db
            from predator.db import api as gateway

            with target.connect("operator") as op, op.transaction():
                gateway.declare_operating_cost(op, account, "infrastructure", DEMO_MONTHLY_COST,
                                               run_config.base_currency, "month", run_config.start,
                                               "demo: 20 a month of infrastructure")
                # Every hour close signs the chain heads (docs/audit.md, "Anchors"): a key generated in the
                # database, unless one is active already.
                if not any(k.active for k in anchors_db.keys(op)):
                    anchors_db.set_key(op, "demo: anchor every hour close")
        summary = runner.run()
    finally:
        runner.close()
    print_summary(summary)
    with target.connect("auditor") as conn:
        from predator.reports import treasury as treasury_report

        for line in treasury_report.period_lines(conn, account, run_config.start.date(),
                                                 (run_config.end - HOUR_DELTA).date()):
            click.echo(line)

    t1 = seams.monotonic()
    with target.connect("auditor") as conn:
        results = gates.run_gates(conn)
        text, passed = gates.report(results)
        verification = gates.verify(conn)
    click.echo(text if not passed else text.splitlines()[-1])
    click.echo(gates.verify_report(verification).splitlines()[-1] + f"  [{seams.monotonic() - t1:.0f} s]")
    t1 = seams.monotonic()
    with target.connect("auditor") as conn:
        from predator.db import anchors as anchors_db

        signed = anchors_db.exported(conn)
        problems = [p for p in anchors_db.verify(conn, signed) if p.breaks]
    anchored = not problems
    for p in problems[:10]:
        click.echo(f"ANCHOR BROKEN {p.subject}: {p.problem}")
    click.echo(f"ANCHORS: {'OK' if anchored else 'FAIL'} ({len(signed)} anchors signed, every chain at or past its"
               f" anchored heads)  [{seams.monotonic() - t1:.0f} s]")

    t1 = seams.monotonic()
    result = run_replay(target, account, progress=True)
    recorded = record_replay(target, result)  # api.replay_runs, the console's /checks page
    for m in result.mismatches[:10]:
        click.echo(f"MISMATCH {m.hour.isoformat()}: " + "; ".join(m.problems))
    click.echo(
        f"REPLAY PARITY: {'TRUE' if result.parity else 'FALSE'} ({result.hours_compared} hours, recorded as "
        f"replay {recorded.seq})  [{seams.monotonic() - t1:.0f} s]"
    )

    t1 = seams.monotonic()
    path = render(
        target,
        account,
        run_config.start - HOUR_DELTA,
        run_config.end,
        fmt="html",
        out_dir=Path(cfg.home()) / "reports",
        gate_results=(results, verification),
    )
    click.echo(f"report: {path}  [{seams.monotonic() - t1:.0f} s]")
    click.echo(f"demo finished in {seams.monotonic() - t0:.0f} s")
    if not (passed and verification.ok and anchored and result.parity):
        sys.exit(1)


@main.command("run")
@click.option(
    "--mode",
    type=click.Choice(["paper", "shadow", "live"]),
    default="paper",
    show_default=True,
    help="paper: orders fill in the paper engine. shadow: live data and decisions, no order sent anywhere (they "
    "fill in the paper engine); an operator pairs the account with a reference (api.pair_shadow) and every hour "
    "both closed is compared (api.compare_shadow). live: real orders through ccxt with a checked key "
    "(predator keys add), after a forward burn-in, in the live_canary lane, only with --confirm-live.",
)
@click.option("--account", required=True)
@click.option("--symbols", required=True, callback=some_symbols)
@click.option("--strategy", required=True)
@click.option("--params", default="{}")
@click.option("--from", "start", required=True, help="First decision time (UTC).")
@click.option("--to", "end", default="2099-01-01", show_default=True, help="Last decision time (UTC).")
@click.option("--principal", type=POSITIVE, default=Decimal(10000), show_default=True)
@click.option("--risk-profile", default="default", show_default=True)
@click.option(
    "--speed",
    type=finite_float(0, low_open=True),
    default=None,
    help="Time warp: business time runs this many times faster than the wall clock, from --from.",
)
@click.option(
    "--delay-minutes", type=click.IntRange(0), default=1, show_default=True,
    help="Run the hour job this long after the hour (>= 0)."
)
@click.option("--max-seconds", type=finite_float(0, low_open=True), default=None,
              help="Stop after this many wall seconds (> 0).")
@click.option(
    "--feed",
    type=click.Choice(["stored", "sync"]),
    default=None,
    help="Where bars come from. sync (the default without --speed): paper on live data, bars only through "
    "the sync from the venue (--venue-url for the emulator), business time the venue's clock. stored (the "
    "default with --speed): candles already in the database.",
)
@click.option("--venue-url", default=None, help="Base URL of the venue's API for the sync (e.g. the emulator's "
              "http://127.0.0.1:8765). Default: the venue itself.")
@click.option("--base-currency", default=None, hidden=True, help="The book's quote currency (an alias of --quote).")
@click.option("--bar-wait-seconds", type=finite_float(0), default=30.0, show_default=True,
              help="With --feed sync: how long (wall) an hour waits for its bars before deciding nothing new.")
@click.option("--poll-seconds", type=finite_float(0, low_open=True), default=1.0, show_default=True,
              help="With --feed sync: how often (wall) the worker reads the venue's clock.")
@click.option("--key-label", default="default", show_default=True,
              help="With --mode live: the stored key to trade with (predator keys add --venue V --label L).")
@click.option("--confirm-live", is_flag=True,
              help="With --mode live: required. Real orders go to the venue with real money.")
@click.option("--json", "json_lines", is_flag=True,
              help="One JSON object per closed hour on stdout (hour, equity, orders, fills, refusals, halts) "
              "instead of the human line; the other lines go to stderr.")
@_KEEP_RUNNING
@_venue_options
@_preflight_options
@_currency_options
def run_cmd(
    mode: str,
    account: str,
    symbols: str,
    strategy: str,
    params: str,
    start: str,
    end: str,
    principal: Decimal,
    risk_profile: str,
    speed: float | None,
    delay_minutes: int,
    max_seconds: float | None,
    feed: str | None,
    venue_url: str | None,
    base_currency: str | None,
    bar_wait_seconds: float,
    poll_seconds: float,
    key_label: str,
    confirm_live: bool,
    quote: str | None,
    dry_run: bool,
    allow_partial_data: bool,
    json_lines: bool,
    keep_running_when_halted: bool,
    deposits: tuple[str, ...],
    rate_symbols: str | None,
    **venue_kw: object,
) -> None:
    """Run the hour job on a schedule (APScheduler): shortly after each hour closes, with a heartbeat that
    checks feed status and the kill-switch listener. Paper on live data by default (--feed sync: bars only
    through the sync from the venue or the emulator); --speed runs a time warp over stored candles. Stops on
    SIGINT/SIGTERM; a restart resumes from the database (a time warp from the last closed hour).

    Prints where its logs go, then one line per closed hour (hour, equity, orders, fills, refusals, halts;
    a JSON object with --json). A time warp stops early, exit code 0, with a HALTED line naming when, why and
    the incident, once the account is halted with no path to resume (unless --keep-running-when-halted)."""
    from dataclasses import replace

    from predator.marketdata.sync import SyncJob, start_feed
    from predator.runner.account import run_summary
    from predator.runner.scheduler import BusinessClock, HourReport, ScheduledRun
    from predator.strategies.base import effective_params, load_strategy

    log_path = configure_logging()
    # With --json, stdout carries only the hour objects; everything else goes to stderr.
    say: Callable[[str], None] = (lambda m: click.echo(m, err=True)) if json_lines else click.echo
    feed = feed or ("stored" if speed is not None else "sync")
    if feed == "sync" and speed is not None:
        raise click.UsageError("--speed warps stored history; a run on live data keeps the venue's clock "
                               "(warp the emulator instead: predator emulate --clock warp:X)")
    given = _params_json(params)
    probe = load_strategy(strategy, given)
    config = RunConfig_(
        account,
        symbols,
        strategy,
        effective_params(probe, given),
        start,
        end,
        principal,
        risk_profile,
        venue_kw,
    )
    from predator.runner.preflight import default_quote

    book_quote = (quote or base_currency or default_quote(config.venue.venue, config.symbols)).upper()
    config = replace(config, feed=feed, base_currency=book_quote, mode=mode)
    config = _with_currencies(config, deposits, rate_symbols)
    if mode in ("shadow", "live") and feed != "sync":
        raise click.UsageError(f"{mode} mode runs on live data (--feed sync, without --speed)")
    # A run on stored candles is checked now; one on live data after its first sync stored the venue's
    # instruments (a dry run checks against the instruments already stored).
    if feed == "stored" or dry_run:
        _preflight(config, probe, dry_run=dry_run, allow_partial=allow_partial_data, require_end=False)
    live, dead_man = None, None
    if mode == "live":
        live, dead_man = _live_venue(config, key_label, venue_url, confirm_live)
    target = default_target()
    sync_job = None
    if feed == "sync":
        sync_job = SyncJob(target, config.venue.venue, symbols=config.feeds, url=venue_url)
        with database_lost_exits("run"):
            try:
                first = start_feed(sync_job, warmup_bars=int(getattr(probe, "warmup_bars", 500)) + 48)
            except ConfigurationError as e:
                # The venue's markets could not be loaded: the venue failed (6), not the command line.
                cause = e.__cause__
                if isinstance(cause, VenueError) or type(cause).__module__.split(".")[0] == "ccxt":
                    raise VenueError(str(e)) from e
                raise
        say(f"{config.venue.venue}: {first.instruments} instruments stored; first sync:")
        for r in first.results:
            say(f"  {r.line()}")
        _preflight(config, probe, dry_run=False, allow_partial=allow_partial_data, require_end=False)
        if mode == "live":
            _refuse_a_past_start(target, config, sync_job)
    say(f"logs: {log_path} (JSON lines; PREDATOR_LOG names another file); warnings and errors also on stderr")

    announced: list[bool] = []
    stdout_gone: list[bool] = []

    def on_hour(report: HourReport) -> None:
        try:
            if not announced:
                announced.append(True)
                if sched.resumed_from is not None:
                    say(f"time warp resumed from the last closed hour {_hour(sched.resumed_from)}")
            click.echo(json.dumps(report.as_json(), sort_keys=True) if json_lines else report.line())
        except BrokenPipeError:
            # The reader of the output went away (`| head`): stop as SIGPIPE would; every closed hour is kept.
            stdout_gone.append(True)
            sched.stop()

    clock = BusinessClock(origin=_utc(start), speed=speed) if speed else BusinessClock()
    sched = ScheduledRun(target, config, clock, delay_minutes=delay_minutes, max_seconds=max_seconds,
                         sync=sync_job, bar_wait_seconds=bar_wait_seconds, poll_seconds=poll_seconds, venue=live,
                         dead_man=dead_man, on_hour=on_hour,
                         stop_when_halted=bool(speed) and not keep_running_when_halted)
    started = seams.monotonic()
    with database_lost_exits("run"):
        sched.start()
    if stdout_gone:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to say, no error at exit
        return
    say(f"scheduler stopped: {sched.hours_run} hours run, {sched.heartbeats} heartbeats, "
        f"{len(sched.stale)} bar waits ended data_stale, {sched.kills_handled} kill switches carried out"
        + (f", {sched.comparisons} hours compared with the reference ({sched.divergent_hours} divergent)"
           if mode == "shadow" else ""))
    with database_lost_exits("run"):
        summary = run_summary(target, config)
    summary.hours_this_session = sched.hours_run
    summary.stopped = sched.halt_stop
    summary.seconds = seams.monotonic() - started
    print_summary(summary, err=json_lines)


def _refuse_a_past_start(target: Any, config: RunConfig, sync_job: Any) -> None:
    """A live run's first decision time must not lie before the hour that closed last at the venue: the
    worker would catch up the past hours and send real orders now for decisions made on old bars. Checked on
    the first start only (an account that closed hours resumes after its last one). ConfigurationError."""
    from datetime import timedelta

    from predator import errors
    from predator.db import reads
    from predator.marketdata.sync import venue_clock
    from predator.retry import Retrier

    with target.connect("auditor") as conn:
        closed = reads.last_closed_hour(conn, config.account) if reads.account(conn, config.account) else None
    if closed is not None:
        return
    now = venue_clock(sync_job.exchange, Retrier())
    current = now.replace(minute=0, second=0, microsecond=0)
    if config.start < current:
        nxt = current + timedelta(hours=1)
        raise errors.ConfigurationError(
            f"--from {config.start.isoformat()} is in the past of the venue ({now.isoformat()}): a live run would "
            f"send orders now for decisions on old bars; start at {current.isoformat()} or {nxt.isoformat()}")


def _live_venue(config: RunConfig, key_label: str, venue_url: str | None,
                confirm_live: bool) -> tuple[VenueFactory, DeadManSwitch]:
    """The venue of a live run, after every check a live start needs: ``--confirm-live``, a stored key
    (``predator keys add``) whose rights and smoke test pass now (no withdrawal, deposit or transfer right;
    Kraken: no nonce window), on the run's venue. The database adds its own: the live account starts in the
    live_canary lane and its strategy needs a forward burn-in (PD014, api.burn_in). ConfigurationError
    (one line, no traceback) when a check fails."""
    from predator import credentials
    from predator.runner.venues import live_venue
    from predator.venues.ccxt_venue import CcxtVenue, trading_exchange
    from predator.venues.deadman import DeadManSwitch

    if not confirm_live:
        raise click.UsageError("--mode live sends real orders with real money: add --confirm-live to mean it")
    credential, _ = credentials.load(config.venue.venue, key_label)
    checked = credentials.verify(credential, url=venue_url, symbol=config.symbols[0])
    click.echo(f"key {checked.name} ({checked.fingerprint}): rights ok, smoke test ok")
    # The one ccxt instance of this process for the key (ccxt's retries off, strictly increasing nonce).
    exchange = trading_exchange(config.venue.venue, credential.api_key, credential.secret, url=venue_url,
                                rate_limit=venue_url is None)
    venue = CcxtVenue(exchange, symbols=config.symbols, withdrawal_rights_confirmed_absent=True)
    return live_venue(venue), DeadManSwitch(venue, config.symbols)


def RunConfig_(account: str, symbols: str, strategy: str, params: dict[str, Any], start: str, end: str,
               principal: Decimal, risk_profile: str, venue_kw: dict[str, Any]) -> RunConfig:
    from predator.runner.hour import RunConfig

    return RunConfig(
        account=account,
        symbols=_symbols(symbols),
        strategy=strategy,
        params=params,
        start=_utc(start),
        end=_utc(end),
        principal=principal,
        risk_profile=risk_profile,
        venue=_paper_config(venue_kw),
    )
