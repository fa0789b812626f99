"""``predator instruments ...``: the venues, assets and instruments a run may trade, added by governed,
audited calls (``api.add_venue``, ``api.add_asset``: operator; ``api.upsert_instruments``: worker, which the
operator holds too), listed from ``api.instruments``. ``load`` reads a ccxt ``load_markets()`` or
``fetch_markets()`` JSON dump, for a venue reached offline (docs/market_data.md)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import ccxt
import click

from predator.cli import main
from predator.db import market_api, reads
from predator.db.connection import default_target
from predator.errors import ConfigurationError, NotFoundError
from predator.marketdata.markets import instruments_from_markets


def _symbol(text: str) -> str:
    s = text.strip().upper().replace("-", "/")
    if s.count("/") != 1 or not all(s.split("/")):
        raise click.BadParameter(f"{text!r} is not a ccxt symbol BASE/QUOTE (e.g. BTC/USD)")
    return s


def _number(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation as e:
        raise click.BadParameter(f"{name} {value!r} is not a number") from e
    return format(number, "f")


def _require(conn: Any, venue: str, assets: set[str]) -> None:
    """The venue and every asset known, else one line naming the command that adds it."""
    venues = reads.venue_names(conn)
    if venue not in venues:
        raise NotFoundError(
            f"unknown venue {venue!r} (known: {', '.join(venues)}): add it first with predator instruments "
            f"add-venue --venue {venue} --name NAME --maker-fee-bps N --taker-fee-bps N --reason TEXT")
    known = {a.asset for a in market_api.assets(conn)}
    missing = sorted(assets - known)
    if missing:
        raise NotFoundError(
            f"unknown asset(s) {', '.join(missing)}: add each first with predator instruments add-asset --asset "
            f"{missing[0]} --kind crypto --cluster CLUSTER --reason TEXT (or --kind stablecoin|fiat)")


@main.group()
def instruments() -> None:
    """Venues, assets and instruments: list them, add them by audited calls, load a ccxt markets file."""


@instruments.command("list")
@click.option("--venue", default=None, help="Only this venue (default: every venue).")
@click.option("--quote", default=None, help="Only instruments quoted in this currency.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per instrument.")
def list_cmd(venue: str | None, quote: str | None, as_json: bool) -> None:
    """The instruments a run may trade, with their rules (tick and minimum notional in quote, step and minimum
    quantity in base) and where the rules came from."""
    with default_target().connect("auditor") as conn:
        if venue is not None and venue not in (venues := reads.venue_names(conn)):
            raise NotFoundError(f"unknown venue {venue!r}: the database knows {', '.join(venues) or 'none'} (add one: "
                                f"predator instruments add-venue --venue {venue} ...)")
        if quote is not None and quote.strip().upper() not in (known := [a.asset for a in market_api.assets(conn)]):
            raise NotFoundError(f"unknown currency {quote!r}: the database knows {', '.join(known)} (add one: "
                                "predator instruments add-asset ...)")
        rows = [r for r in reads.venue_instruments(conn, venue)
                if quote is None or r.quote == quote.strip().upper()]
    for r in rows:
        if as_json:
            click.echo(json.dumps({"venue": r.venue, "symbol": r.symbol, "base": r.base, "quote": r.quote,
                                   "cluster": r.cluster, "tick_size": r.tick_size, "step_size": r.step_size,
                                   "min_qty": r.min_qty, "min_notional": r.min_notional, "source": r.source},
                                  default=str))
        else:
            click.echo(f"{r.venue:10} {r.symbol:14} tick {r.tick_size or '-'}  step {r.step_size or '-'}  min qty "
                       f"{r.min_qty}  min notional {r.min_notional}  ({r.source})")
    if not as_json:
        click.echo(f"{len(rows)} instrument(s)")


def _report(rows: list[market_api.InstrumentUpsert]) -> None:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.action] = counts.get(r.action, 0) + 1
    click.echo(", ".join(f"{n} {a}" for a, n in sorted(counts.items())) or "nothing to store")


@instruments.command("add")
@click.option("--venue", required=True, help="Venue (ccxt id), e.g. kraken.")
@click.option("--symbol", required=True, help="ccxt unified symbol BASE/QUOTE, e.g. DOGE/USDT.")
@click.option("--tick", default=None, help="Price tick size, in quote (default: unknown).")
@click.option("--step", default=None, help="Quantity step size, in base (default: unknown).")
@click.option("--min-qty", default=None, help="Smallest order quantity, in base (default 0).")
@click.option("--min-notional", default=None, help="Smallest order notional, in quote (default 0).")
@click.option("--source", default="cli:instruments add", show_default=True,
              help="Where the rules come from (kept with the instrument and in the audit log).")
def add_cmd(venue: str, symbol: str, tick: str | None, step: str | None, min_qty: str | None,
            min_notional: str | None, source: str) -> None:
    """Add an instrument of a venue, or change its rules (api.upsert_instruments; audited). Its venue and
    assets must be known (add-venue, add-asset)."""
    sym = _symbol(symbol)
    base, quote = sym.split("/")
    element = {"symbol": sym, "base": base, "quote": quote, "tick_size": _number(tick, "--tick"),
               "step_size": _number(step, "--step"), "min_qty": _number(min_qty, "--min-qty"),
               "min_notional": _number(min_notional, "--min-notional")}
    with default_target().connect("operator") as conn:
        _require(conn, venue, {base, quote})
        with conn.transaction():
            rows = market_api.upsert_instruments(conn, venue, [element], source)
    for r in rows:
        if r.action == "skipped":
            raise ConfigurationError(f"{sym} at {venue} not stored: {r.detail} (ticks and steps are positive, "
                                     "minimums not negative)")
        click.echo(f"{sym} at {venue}: {r.action}")


def _markets(path: Path) -> dict[str, dict[str, Any]]:
    """A ccxt markets dump: ``load_markets()`` (a JSON object by symbol) or ``fetch_markets()`` (an array)."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ConfigurationError(f"{path}: not a readable JSON file ({e})") from e
    items = list(payload.values()) if isinstance(payload, dict) else payload
    if not isinstance(items, list) or not all(isinstance(m, dict) and "symbol" in m for m in items):
        raise ConfigurationError(f"{path}: expected ccxt markets (load_markets(): an object by symbol, or "
                                 "fetch_markets(): an array), each with a symbol")
    return {str(m["symbol"]): m for m in items}


@instruments.command("load")
@click.option("--venue", required=True, help="Venue (ccxt id) the markets belong to.")
@click.option("--from-file", "path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON dump of ccxt exchange.load_markets() or exchange.fetch_markets().")
@click.option("--source", default=None, help="Where the markets come from (default file:<name>).")
def load_cmd(venue: str, path: Path, source: str | None) -> None:
    """Store the spot instruments of a ccxt markets file (precision and minimums; api.upsert_instruments,
    audited), without the network. Instruments of unknown assets are skipped and named."""
    markets = _markets(path)
    exchange: ccxt.Exchange = getattr(ccxt, venue)() if venue in ccxt.exchanges else ccxt.Exchange()
    if venue not in ccxt.exchanges:
        exchange.precisionMode = ccxt.TICK_SIZE
    elements = instruments_from_markets(exchange, markets)
    with default_target().connect("operator") as conn:
        _require(conn, venue, set())
        with conn.transaction():
            rows = market_api.upsert_instruments(conn, venue, elements, source or f"file:{path.name}")
        known = {a.asset for a in market_api.assets(conn)}
    for r in rows:
        if r.action in ("inserted", "updated"):
            click.echo(f"{r.symbol or '?':14} {r.action}")
    _report(rows)
    skipped_assets = sorted({a for e in elements for a in (e["base"], e["quote"]) if a not in known})
    if skipped_assets:
        shown = ", ".join(skipped_assets[:12]) + (f" and {len(skipped_assets) - 12} more"
                                                  if len(skipped_assets) > 12 else "")
        click.echo(f"skipped for unknown assets: {shown} (add one with predator instruments add-asset)")


@instruments.command("add-venue")
@click.option("--venue", required=True, help="The ccxt exchange id, lowercase, e.g. binanceus.")
@click.option("--name", required=True, help="A human name, e.g. 'Binance.US spot'.")
@click.option("--maker-fee-bps", type=Decimal, required=True, help="Spot maker fee of the tier, basis points.")
@click.option("--taker-fee-bps", type=Decimal, required=True, help="Spot taker fee of the tier, basis points.")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def add_venue_cmd(venue: str, name: str, maker_fee_bps: Decimal, taker_fee_bps: Decimal, reason: str) -> None:
    """Add a trading venue (api.add_venue; operator, audited). Venues are added, never changed."""
    with default_target().connect("operator") as conn, conn.transaction():
        action = market_api.add_venue(conn, venue, name, maker_fee_bps, taker_fee_bps, reason)
    click.echo(f"venue {venue}: {action}")


@instruments.command("add-asset")
@click.option("--asset", required=True, help="Currency code, e.g. DOGE.")
@click.option("--kind", type=click.Choice(["crypto", "stablecoin", "fiat"]), required=True)
@click.option("--cluster", default=None, help="With --kind crypto: the cluster that caps its exposure, e.g. meme.")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def add_asset_cmd(asset: str, kind: str, cluster: str | None, reason: str) -> None:
    """Add a currency (api.add_asset; operator, audited). Assets are added, never changed."""
    with default_target().connect("operator") as conn, conn.transaction():
        action = market_api.add_asset(conn, asset.upper(), kind, cluster, reason)
    click.echo(f"asset {asset.upper()}: {action}")
