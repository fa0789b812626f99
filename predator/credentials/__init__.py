"""The credential gateway (issue 11 item 3): venue API keys stored in the OS keyring or a secret file,
checked for their rights and smoke-tested before they are stored and at every start, and masked in every
log line, exception and crash output. ``predator keys add|check|list|remove`` is its command
(docs/live.md, "Keys and rights").

* :mod:`~predator.credentials.model`: :class:`Credential` (its ``repr`` never shows the secret), names,
  fingerprints;
* :mod:`~predator.credentials.store`: the keyring and secret-file backends, :func:`load`;
* :mod:`~predator.credentials.gateway`: the rights checks and the smoke test through ccxt, :func:`verify`;
* :mod:`predator.redaction`: the masking itself.

It imports ``predator.marketdata.venues`` (URLs of an emulator) and never ``predator.db``: no key, and
nothing derived from one but its fingerprint, ever reaches the database.
"""

from __future__ import annotations

from predator.credentials.gateway import (
    RightsReport,
    SmokeReport,
    Verification,
    binance_rights,
    check_rights,
    exchange_for,
    kraken_rights,
    read_rights,
    smoke_test,
    verify,
)
from predator.credentials.model import DEFAULT_LABEL, VENUES, Credential, StoredKey, fingerprint, key_name
from predator.credentials.store import (
    SECRETS_FILE_ENV,
    CredentialStore,
    KeyringStore,
    SecretFileStore,
    default_store,
    load,
    stores,
)

__all__ = [
    "DEFAULT_LABEL", "SECRETS_FILE_ENV", "VENUES", "Credential", "CredentialStore", "KeyringStore", "RightsReport",
    "SecretFileStore", "SmokeReport", "StoredKey", "Verification", "binance_rights", "check_rights",
    "default_store", "exchange_for", "fingerprint", "key_name", "kraken_rights", "load", "read_rights",
    "smoke_test", "stores", "verify",
]
