"""``predator sweep``: a parameter grid of one strategy, each point a book of its own run in worker processes,
and the table of their figures as the database recorded them (:mod:`predator.runner.sweep`,
:mod:`predator.db.sweep_reads`; docs/cli.md, docs/performance.md "Many books at once")."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

import click

from predator import seams
from predator.cli import main
from predator.cli.params import POSITIVE
from predator.cli.trading import (
    _KEEP_RUNNING,
    _paper_config,
    _symbols,
    _utc,
    _venue_options,
    database_lost_exits,
    some_symbols,
)
from predator.db.connection import default_target
from predator.errors import PredatorError
from predator.logs import configure_logging


def _dimensions(values: tuple[str, ...]) -> list[tuple[str, tuple[Any, ...]]]:
    from predator.runner.sweep import parse_param

    out = []
    for v in values:
        try:
            out.append(parse_param(v))
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="'--param'") from None
    return out


def _amount(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def table_lines(rows: list[dict[str, Any]], currency: str) -> list[str]:
    """The results table: one line per book in grid order (the figures as read, rounded to cents and to
    hundredths of a percent)."""
    head = ["#", "params", "book", "account", "hours", "trades", f"net PnL {currency}", "max DD %",
            f"fees {currency}"]
    body = [[str(r["index"] + 1), r["params"], str(r["book_id"]), r["account"], str(r["hours"]), str(r["trades"]),
             _amount(r["net_pnl"]), f"{r['max_drawdown'] * 100:.2f}", _amount(r["fees"])] for r in rows]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    left = {1, 3}

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                              strict=True)))
    return [line(head), "  ".join("-" * w for w in widths), *(line(b) for b in body)]


@main.command("sweep")
@click.option("--strategy", required=True, help="Entry-point name (trend, meanrev, sma_cross) or module:Class.")
@click.option("--param", "params", multiple=True, required=True, metavar="NAME=V1,V2,…",
              help="A parameter and its values, repeatable: the grid is the product of them, e.g. --param "
              "fast=5,10,20 --param slow=50,100 (6 books). A value is read as JSON when it parses (5, 0.01, true), "
              "as text otherwise. A point the strategy refuses (fast >= slow) is skipped and said so.")
@click.option("--symbols", required=True, callback=some_symbols,
              help="Comma-separated ccxt symbols, e.g. BTC/USDT,ETH/USDT.")
@click.option("--from", "start", required=True, help="First decision time (UTC), e.g. 2023-01-01.")
@click.option("--to", "end", required=True, help="Last hour to close (UTC), e.g. 2024-01-01.")
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Books run at once, each in a worker process with its own connection.")
@click.option("--prefix", default=None, help="Account names: <prefix>-<name><value>-… per book (default: "
              "sweep-<strategy>-<6 hex digits of the shared settings>, so the same grid finds its books again and "
              "resumes them, and another period or symbol set gets other books).")
@click.option("--principal", type=POSITIVE, default=Decimal(10000), show_default=True,
              help="Each book's principal (quote), > 0.")
@click.option("--risk-profile", default="default", show_default=True)
@click.option("--quote", default=None, help="The books' quote currency (default: the symbols' common quote, else "
              "the venue's).")
@click.option("--allow-partial-data", is_flag=True, help="Run even when a symbol's stored candles start after "
              "--from or end before --to.")
@_venue_options
@_KEEP_RUNNING
@click.option("--backtest-fast-commit", is_flag=True,
              help="Commit each hour without waiting for the WAL flush, as predator paper --backtest-fast-commit "
              "(backtests over closed history only).")
@click.option("--progress/--no-progress", default=True, show_default=True,
              help="Progress over every book's hours on stderr: a bar on a terminal, a line every 10% elsewhere.")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per book on stdout (amounts as exact decimal strings) instead of the table.")
def sweep_cmd(strategy: str, params: tuple[str, ...], symbols: str, start: str, end: str, jobs: int,
              prefix: str | None, principal: Decimal, risk_profile: str, quote: str | None,
              allow_partial_data: bool, keep_running_when_halted: bool, backtest_fast_commit: bool,
              progress: bool, as_json: bool, **venue_kw: object) -> None:
    """Run a parameter grid of one strategy as separate books, --jobs at a time, then print the table: per book
    its parameters, book id, account, hours closed, round trips, net PnL (equity less principal), largest
    drawdown and fees, all read from the database (api.hourly_states, api.round_trips, api.treasury_balances).

    The same grid gives the same table: books are created in grid order before any runs, each run is seeded,
    and a rerun resumes each book after its last closed hour. Exit 1 when a book failed (its line says why)."""
    from predator.db import sweep_reads
    from predator.progress import Progress
    from predator.runner.config import RunConfig
    from predator.runner.preflight import check_run, default_quote
    from predator.runner.sweep import BookRun, create_books, describe, grid, plan, run_books
    from predator.strategies.base import load_strategy

    configure_logging()
    try:
        the_grid = grid(strategy, _dimensions(params))
    except ValueError as e:
        if isinstance(e, PredatorError):  # unknown strategy (5), a parameter it does not take (2): their own class
            raise
        raise click.BadParameter(str(e), param_hint="'--param'") from None
    for point, why in the_grid.skipped:
        click.echo(f"skipped {describe(point)}: {why}", err=True)
    venue = _paper_config(venue_kw)
    base = RunConfig(account="sweep", symbols=_symbols(symbols), strategy=strategy, params={}, start=_utc(start),
                     end=_utc(end), principal=principal,
                     base_currency=(quote or default_quote(venue.venue, _symbols(symbols))).upper(),
                     risk_profile=risk_profile, venue=venue)
    books = plan(base, the_grid.points, prefix)
    target = default_target()
    with database_lost_exits("sweep"):
        for book in books:  # every book checked before any account is created (one line, exit 2, on a refusal)
            probe = load_strategy(strategy, book.config.params)
            plan_ = check_run(target, book.config, warmup_bars=int(getattr(probe, "warmup_bars", 500)),
                              allow_partial=allow_partial_data)
            for warning in plan_.warnings if book.index == 0 else ():
                click.echo(f"warning: {warning}", err=True)
        create_books(target, books)
    click.echo(f"sweep: {len(books)} book(s) of {strategy}, {jobs} at a time, {books[0].hours} hours each over "
               f"{', '.join(base.symbols)}", err=True)

    started = seams.monotonic()
    total = sum(b.hours for b in books)
    with Progress(total, "sweep", "h", enabled=progress) as bar:
        def done(run: BookRun) -> None:
            what = run.error or (f"stopped early, halted: {run.stopped}" if run.stopped else "done")
            bar.write(f"book {run.index + 1}/{len(books)} {run.account}: {run.hours_this_session} hours in "
                      f"{run.seconds:.1f} s, {what}", file=sys.stderr)

        with database_lost_exits("sweep"):
            runs = run_books(target, books, jobs, fast_commit=backtest_fast_commit,
                             stop_when_halted=not keep_running_when_halted,
                             on_progress=lambda n: bar.update(n), on_done=done)
            with target.connect("auditor") as conn:
                results = {r.account: r for r in sweep_reads.book_results(
                    conn, accounts=[b.config.account for b in books])}
    rows: list[dict[str, Any]] = []
    for book, run in zip(books, runs, strict=True):
        r = results[book.config.account]
        rows.append({"index": book.index, "params": describe(book.point), "point": dict(book.point),
                     "account": r.account, "book_id": r.book_id, "currency": r.currency, "hours": r.hours,
                     "trades": r.trades, "net_pnl": r.net_pnl, "max_drawdown": r.max_drawdown, "fees": r.fees,
                     "equity": r.equity, "principal": r.principal, "signals": r.signals, "refused": r.refused,
                     "stopped": run.stopped, "error": run.error})
    if as_json:
        for row in rows:
            click.echo(json.dumps({k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()},
                                  sort_keys=True))
    else:
        for line in table_lines(rows, base.base_currency):
            click.echo(line)
    for row, r in ((row, results[row["account"]]) for row in rows):
        if r.signals and r.refused == r.signals:
            click.echo(f"note: book {row['index'] + 1} ({row['account']}): every one of its {r.signals} signals was "
                       f"refused, most often {r.top_refusal}; each decision and its caps: SELECT * FROM api.decisions "
                       f"WHERE account = '{row['account']}' (docs/errors.md)", err=True)
    click.echo(f"sweep: {len(books)} book(s), {sum(r.hours_this_session for r in runs):,} hours closed in this session "
               f"in {seams.monotonic() - started:.1f} s", err=True)
    failed = [r for r in runs if r.error]
    if failed:
        click.echo(f"error: {len(failed)} of {len(runs)} books failed (first: {failed[0].account}: "
                   f"{failed[0].error}); run the same command again to resume them", err=True)
        sys.exit(1)
