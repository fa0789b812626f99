"""``predator emulate``: the staging venue (docs/emulator.md), a loopback HTTP server that speaks Kraken's or
Binance's REST API, matches with the paper engine and injects declared faults."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from predator.cli import main
from predator.emulator import ApiKey, Clock, FaultPlan, Settings, client_urls, listen, serve
from predator.emulator.faults import FaultPlanError
from predator.errors import ConfigurationError
from predator.venues.paper import PaperConfig


def _balances(values: tuple[str, ...]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for v in values:
        asset, _, amount = v.partition("=")
        try:
            value = Decimal(amount)
        except InvalidOperation as e:
            raise click.BadParameter(f"{v!r}: use ASSET=AMOUNT, e.g. USDT=10000") from e
        if not asset.strip() or not value.is_finite() or value < 0:
            raise click.BadParameter(f"{v!r}: use ASSET=AMOUNT with a finite amount >= 0, e.g. USDT=10000",
                                     param_hint="'--balance'")
        out[asset.strip().upper()] = value
    return out


@main.command()
@click.option("--venue", type=click.Choice(["kraken", "binance"]), required=True, help="Which API to speak.")
@click.option("--port", type=click.IntRange(0, 65535), required=True,
              help="TCP port on the loopback address (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address.")
@click.option("--clock", "clock_spec", default="wall", show_default=True,
              help="wall, or warp:X (X simulated seconds per wall second).")
@click.option("--start", help="Simulated start time of a warp clock (ISO-8601 UTC, e.g. 2024-01-01T00:00:00Z).")
@click.option("--faults", "faults_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A fault plan (YAML or JSON; docs/emulator.md).")
@click.option("--balance", "balances", multiple=True, metavar="ASSET=AMOUNT",
              help="Opening deposit (repeatable). Default: 10000 USDT (and 10000 USD on Kraken).")
@click.option("--api-key", help="The API key clients must use (default: a throwaway key, printed).")
@click.option("--api-secret", help="Its secret (base64 for Kraken).")
@click.option("--key-can-withdraw", is_flag=True, help="Report the key as able to withdraw (to test refusals).")
@click.option("--key-can-deposit", is_flag=True, help="Report the key as able to deposit (Kraken deposit-funds).")
@click.option("--key-can-transfer", is_flag=True,
              help="Report the key as able to transfer (Binance enableInternalTransfer, permitsUniversalTransfer).")
@click.option("--key-nonce-window", type=int, default=0, show_default=True,
              help="The nonce window Kraken's GetApiKeyInfo reports for the key (the check stays strict).")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the paper engine.")
def emulate(venue: str, port: int, host: str, clock_spec: str, start: str | None, faults_file: Path | None,
            balances: tuple[str, ...], api_key: str | None, api_secret: str | None, key_can_withdraw: bool,
            key_can_deposit: bool, key_can_transfer: bool, key_nonce_window: int, seed: int) -> None:
    """Serve an emulated Kraken or Binance on loopback until interrupted."""
    try:
        when = datetime.fromisoformat(start.replace("Z", "+00:00")) if start else None
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        clock = Clock.parse(clock_spec, when)
        plan = FaultPlan.load(faults_file) if faults_file else FaultPlan()
    except (ValueError, FaultPlanError) as e:
        raise ConfigurationError(str(e)) from e
    if (api_key is None) != (api_secret is None):
        raise ConfigurationError("give both --api-key and --api-secret, or neither")
    key = ApiKey.generate(venue)
    if api_key and api_secret:
        key = ApiKey(api_key, api_secret)
    key = dataclasses.replace(key, can_withdraw=key_can_withdraw, can_deposit=key_can_deposit,
                              can_transfer=key_can_transfer, nonce_window=key_nonce_window)
    try:
        settings = Settings(venue=venue, clock=clock, faults=plan, balances=_balances(balances), keys=[key],
                            paper=PaperConfig(venue=venue, seed=seed), host=host, port=port)
    except ValueError as e:
        raise ConfigurationError(str(e)) from e
    # The port is checked (and --port 0 resolved) first, so that the URL printed is the one clients reach. The probe
    # socket is closed again and uvicorn binds the port itself, as before: served on the probe's socket, uvicorn
    # answered slowly enough that a live worker on a warped clock fell behind (tests/acceptance/test_live_mode.py).
    probe = listen(settings)
    bound = probe.getsockname()[1]
    probe.close()
    settings = dataclasses.replace(settings, port=bound)
    base = f"http://{host}:{bound}"
    click.echo(f"emulated {venue} on {base} (clock {clock.describe()}, now {clock.now().isoformat()})")
    click.echo(f"api key: {key.key}")
    click.echo(f"secret:  {key.secret}")
    click.echo(f"ccxt:    exchange.urls['api'] = {client_urls(venue, base)}")
    serve(settings)
