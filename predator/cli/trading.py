"""Trading commands: ``paper``, ``run``, ``replay``, ``report``, ``check-strategy``, ``account``, ``demo``."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from decimal import Decimal

import click

from predator.cli import main
from predator.db.connection import default_target
from predator.logs import configure_logging
from predator.venues.paper import PaperConfig


def _utc(value: str) -> datetime:
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _symbols(value: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in value.split(",") if s.strip())


def _venue_options(f):  # type: ignore[no-untyped-def]
    options = [
        click.option("--venue", default="binance", show_default=True, help="Venue whose fees and candles are used."),
        click.option("--maker-fee-bps", type=Decimal, default=None, help="Maker fee (default: the venue's tier)."),
        click.option("--fee-bps", "taker_fee_bps", type=Decimal, default=None, help="Taker fee (default: the venue's tier)."),
        click.option("--slippage-bps", type=Decimal, default=Decimal(2), show_default=True, help="Fixed slippage."),
        click.option("--impact-bps", type=Decimal, default=Decimal(50), show_default=True,
                     help="Slippage per 100% of bar volume taken."),
        click.option("--participation", type=Decimal, default=Decimal("0.1"), show_default=True,
                     help="Largest share of a bar's volume one order may take (1 = no limit)."),
        click.option("--latency-ms", type=int, default=250, show_default=True),
        click.option("--latency-jitter-ms", type=int, default=250, show_default=True),
        click.option("--reject-rate", type=float, default=0.0, show_default=True),
        click.option("--seed", type=int, default=7, show_default=True),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _paper_config(kw: dict) -> PaperConfig:  # type: ignore[type-arg]
    return PaperConfig(venue=kw["venue"], maker_fee_bps=kw["maker_fee_bps"], taker_fee_bps=kw["taker_fee_bps"],
                       slippage_bps=kw["slippage_bps"], impact_bps=kw["impact_bps"],
                       participation=kw["participation"], latency_ms=kw["latency_ms"],
                       latency_jitter_ms=kw["latency_jitter_ms"], reject_rate=kw["reject_rate"], seed=kw["seed"])


def print_summary(summary) -> None:  # type: ignore[no-untyped-def]
    click.echo(f"run {summary.run_id} on account {summary.account}: {summary.hours} hours closed "
               f"({summary.hours_this_session} in this session, {summary.seconds:.1f} s)")
    click.echo(f"  orders {summary.orders}  fills {summary.fills}  trades {summary.round_trips}  "
               f"signals {summary.signals}")
    refusals = ", ".join(f"{k} {v}" for k, v in summary.refusals.items()) or "none"
    click.echo(f"  refusals by reason: {refusals}")
    click.echo(f"  fees {summary.fees:.2f}  final equity {summary.final_equity:.2f}  "
               f"max drawdown {summary.max_drawdown * 100:.2f}%")


@main.command()
@click.option("--account", required=True, help="Paper account name (created on first use).")
@click.option("--symbols", required=True, help="Comma-separated ccxt symbols, e.g. BTC/USDT,ETH/USDT.")
@click.option("--strategy", required=True, help="Entry-point name (trend, meanrev, sma_cross) or module:Class.")
@click.option("--params", default="{}", help="Strategy parameters as JSON.")
@click.option("--from", "start", required=True, help="First decision time (UTC), e.g. 2023-01-01.")
@click.option("--to", "end", required=True, help="Last decision time (UTC), e.g. 2024-01-01.")
@click.option("--principal", type=Decimal, default=Decimal(10000), show_default=True, help="Initial principal (quote).")
@click.option("--risk-profile", default="default", show_default=True)
@_venue_options
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--stop-after", type=int, default=None, help="Stop after this many hours (a later run resumes).")
def paper(account: str, symbols: str, strategy: str, params: str, start: str, end: str, principal: Decimal,
          risk_profile: str, progress: bool, stop_after: int | None, **venue_kw: object) -> None:
    """Paper-trade stored candles in accelerated time, every write through the governed procedures.

    Resumes after the last closed hour when the account already ran this configuration."""
    from predator.runner.hour import HourRunner, RunConfig

    configure_logging()
    config = RunConfig(account=account, symbols=_symbols(symbols), strategy=strategy, params=json.loads(params),
                       start=_utc(start), end=_utc(end), principal=principal, risk_profile=risk_profile,
                       venue=_paper_config(venue_kw))
    runner = HourRunner(default_target(), config, progress=progress and sys.stderr.isatty(), stop_after=stop_after)
    try:
        summary = runner.run()
    finally:
        runner.close()
    print_summary(summary)
