"""``predator keys add|check|list|remove``: the credential gateway (docs/live.md, "Keys and rights").

A key is checked (its rights, then a smoke test that places nothing) before it is stored, and again by
``check``. Keys live in the OS keyring or in the secret file ``$PREDATOR_SECRETS_FILE`` (mode 0600); nothing
here prints, logs or stores a secret: ``list`` shows a fingerprint. Exit codes: 0 accepted, 2 refused or
unusable (the message says why).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import click
import structlog

from predator import redaction
from predator.cli import main
from predator.credentials import (
    DEFAULT_LABEL,
    SECRETS_FILE_ENV,
    VENUES,
    Credential,
    KeyringStore,
    Verification,
    default_store,
    load,
    stores,
    verify,
)
from predator.errors import CredentialError
from predator.logs import configure_logging

log = structlog.get_logger("predator.keys")

_venue = click.option("--venue", type=click.Choice(VENUES), required=True, help="The venue the key belongs to.")
_label = click.option("--label", default=DEFAULT_LABEL, show_default=True,
                      help="Name of the key at that venue (several keys per venue: one per account).")
_backend = click.option("--backend", type=click.Choice(["keyring", "file"]),
                        help=f"Where the key lives: the OS keyring, or the secret file ${SECRETS_FILE_ENV}. "
                             f"Default: the secret file when ${SECRETS_FILE_ENV} is set, else the keyring.")
_url = click.option("--url", help="Base URL of a host speaking the venue's API instead of the venue "
                                  "(the emulator: http://127.0.0.1:8765).")
_symbol = click.option("--smoke-symbol", help="Market of the smoke test's validation order "
                                              "(default BTC/USD on Kraken, BTC/USDT on Binance).")
_timeout = click.option("--timeout-ms", type=click.IntRange(1), default=10_000, show_default=True,
                        help="Timeout of each venue request.")


@main.group()
def keys() -> None:
    """Venue API keys: add (checked, then stored), check, list, remove. Secrets are never shown."""


def _read_file(path: Path) -> tuple[str, str]:
    """An API key and secret from ``path``: a JSON object with ``api_key`` (or ``apiKey``) and ``secret``,
    or two non-empty lines (key, then secret). Refused unless readable by its owner only."""
    try:
        st = path.stat()
    except OSError as e:
        raise CredentialError(f"{path}: {e.strerror}") from None
    if st.st_mode & 0o077:
        raise CredentialError(f"refused: {path} has mode {stat.S_IMODE(st.st_mode):04o}; a file holding a secret "
                              f"must be readable by its owner only: chmod 600 {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CredentialError(f"{path}: not a text file (UTF-8: {e.reason} at byte {e.start}); write the key and "
                              "secret as JSON or as two lines") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None
    if isinstance(doc, dict):
        key, secret = doc.get("api_key", doc.get("apiKey")), doc.get("secret")
        redaction.register(*(v for v in (key, secret) if isinstance(v, str)))
        if not isinstance(key, str) or not isinstance(secret, str):
            raise CredentialError(f"{path}: expected string fields 'api_key' and 'secret'")
        return key.strip(), secret.strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    redaction.register(*lines)
    if len(lines) != 2:
        raise CredentialError(f"{path}: expected a JSON object {{'api_key', 'secret'}} or two lines (the API key, "
                              f"then the secret); found {len(lines)} non-empty lines")
    return lines[0], lines[1]


def _prompt(venue: str) -> tuple[str, str]:
    key = click.prompt(f"{venue} API key", hide_input=True).strip()
    redaction.register(key)
    what = "private key (base64)" if venue == "kraken" else "secret key"
    secret = click.prompt(f"{venue} {what}", hide_input=True).strip()
    redaction.register(secret)
    return key, secret


def _echo_verification(v: Verification) -> None:
    r = v.rights
    granted = ", ".join(r.rights) or "none reported"
    window = f"; nonce window {r.nonce_window}" if r.nonce_window is not None else ""
    click.echo(f"{v.name} ({v.fingerprint}): rights accepted ({granted}{window})")
    for w in r.warnings:
        click.echo(f"  warning: {w}")
    if v.smoke is not None:
        s = v.smoke
        click.echo(f"  smoke test: balances read ({s.assets} assets held, {s.quote_free} "
                   f"{s.symbol.split('/')[1]} free); {s.endpoint} accepted {s.order} without placing it "
                   f"({s.elapsed_ms} ms)")


@keys.command("add")
@_venue
@_label
@_backend
@click.option("--from-file", "from_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the key and secret from this file (mode 0600; JSON {api_key, secret} or two lines) "
                   "instead of prompting.")
@click.option("--replace", is_flag=True, help="Replace a key already stored under this venue and label.")
@_url
@_symbol
@_timeout
def add_cmd(venue: str, label: str, backend: str | None, from_file: Path | None, replace: bool, url: str | None,
            smoke_symbol: str | None, timeout_ms: int) -> None:
    """Check a key's rights and smoke-test it, then store it. Prompts for the key (input hidden) unless
    --from-file. Nothing is stored if any check fails."""
    configure_logging()
    store = default_store(backend)
    if isinstance(store, KeyringStore):
        store.ring()  # refuse before asking for a secret that could not be kept
    key, secret = _read_file(from_file) if from_file is not None else _prompt(venue)
    credential = Credential(venue, label, key, secret)
    if not replace and store.get(venue, label) is not None:
        raise CredentialError(f"{credential.name} is already stored ({store.backend}: {store.location()}): "
                              "`predator keys remove` it first, or --replace")
    verification = verify(credential, url=url, symbol=smoke_symbol, timeout_ms=timeout_ms)
    store.put(credential, replace=replace)
    log.info("key_added", key=credential.name, fingerprint=credential.fingerprint, backend=store.backend,
             rights=list(verification.rights.rights), warnings=list(verification.rights.warnings))
    _echo_verification(verification)
    click.echo(f"stored {credential.name} in the {store.backend} ({store.location()})")


@keys.command("check")
@_venue
@_label
@_backend
@click.option("--no-smoke", is_flag=True, help="Check the rights only (no balance read, no validation order).")
@_url
@_symbol
@_timeout
def check_cmd(venue: str, label: str, backend: str | None, no_smoke: bool, url: str | None,
              smoke_symbol: str | None, timeout_ms: int) -> None:
    """Re-run the rights checks and the smoke test of a stored key (as a worker does at every start)."""
    configure_logging()
    credential, store = load(venue, label, backend)
    try:
        verification = verify(credential, url=url, symbol=smoke_symbol, smoke=not no_smoke, timeout_ms=timeout_ms)
    except CredentialError as e:
        log.warning("key_refused", key=credential.name, fingerprint=credential.fingerprint, reason=str(e))
        raise
    log.info("key_checked", key=credential.name, fingerprint=credential.fingerprint, backend=store.backend,
             rights=list(verification.rights.rights), warnings=list(verification.rights.warnings))
    _echo_verification(verification)


@keys.command("list")
@click.option("--venue", type=click.Choice(VENUES), help="Only this venue's keys.")
@_backend
def list_cmd(venue: str | None, backend: str | None) -> None:
    """Every stored key: venue, label, backend, fingerprint and where it is (never the secret)."""
    rows = []
    notes = []
    for store in stores(backend):
        if isinstance(store, KeyringStore) and not store.available():
            notes.append("keyring: unavailable (no OS keyring on this machine; keyring chose "
                         f"{store.chosen()})")
            continue
        rows += [k for k in store.stored() if venue is None or k.venue == venue]
    if not rows:
        click.echo("no keys stored")
    else:
        width = max(len(k.label) for k in rows)
        click.echo(f"{'venue':8} {'label':{width}} {'backend':8} {'fingerprint':24} location")
        for k in rows:
            click.echo(f"{k.venue:8} {k.label:{width}} {k.backend:8} {k.fingerprint:24} {k.location}")
    for n in notes:
        click.echo(n)


@keys.command("remove")
@_venue
@_label
@_backend
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def remove_cmd(venue: str, label: str, backend: str | None, yes: bool) -> None:
    """Remove a stored key (from the given backend, else from whichever holds it). The key stays valid at
    the venue: revoke it there too."""
    configure_logging()
    holders = []
    for store in stores(backend):
        if isinstance(store, KeyringStore) and backend is None and not store.available():
            continue
        if store.get(venue, label) is not None:
            holders.append(store)
    if not holders:
        raise CredentialError(f"no API key {venue}/{label} is stored")
    for store in holders:
        if not yes:
            click.confirm(f"remove {venue}/{label} from the {store.backend} ({store.location()})?", abort=True)
        store.delete(venue, label)
        log.info("key_removed", key=f"{venue}/{label}", backend=store.backend)
        click.echo(f"removed {venue}/{label} from the {store.backend} ({store.location()}); revoke it at the venue "
                   "too")

