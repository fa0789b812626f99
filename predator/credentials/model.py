"""What a credential is: a venue API key and its secret (:class:`Credential`), what a store lists of it
(:class:`StoredKey`), and how a key is named (``venue/label``) and fingerprinted.

A :class:`Credential` registers its key and secret with :mod:`predator.redaction` the moment it is built
(before anything else can fail), so that neither ever appears in a log line, an exception or a crash's
output; its ``repr`` and ``str`` show the venue, the label and a fingerprint only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from predator import redaction
from predator.errors import CredentialError

#: Venues whose keys Predator stores and checks (ccxt exchange ids).
VENUES = ("kraken", "binance")
#: The label of a venue's key when none is given.
DEFAULT_LABEL = "default"
#: The shortest API key or secret accepted (real ones are 56 to 88 characters).
MIN_SECRET_LENGTH = 16
_LABEL = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")


def check_venue(venue: str) -> str:
    """``venue`` if Predator handles its keys; CredentialError otherwise."""
    if venue not in VENUES:
        raise CredentialError(f"unsupported venue {venue!r} for API keys; use one of {', '.join(VENUES)}")
    return venue


def check_label(label: str) -> str:
    """``label`` if it is 1-32 of ``a-z 0-9 _ . -`` starting with a letter or digit; CredentialError otherwise."""
    if not _LABEL.fullmatch(label):
        raise CredentialError(f"bad key label {label!r}: use 1-32 of a-z, 0-9, '_', '.', '-' (e.g. 'default')")
    return label


def key_name(venue: str, label: str) -> str:
    """The name a key is stored under: ``venue/label`` (e.g. ``kraken/default``)."""
    return f"{check_venue(venue)}/{check_label(label)}"


def split_name(name: str) -> tuple[str, str]:
    """``venue/label`` back to ``(venue, label)``; CredentialError when malformed."""
    venue, sep, label = name.partition("/")
    if not sep:
        raise CredentialError(f"bad key name {name!r}: expected venue/label")
    return check_venue(venue), check_label(label)


def fingerprint(api_key: str) -> str:
    """``sha256:`` and the first 16 hex digits of SHA-256(api key): names a key without showing it."""
    return "sha256:" + hashlib.sha256(api_key.encode()).hexdigest()[:16]


@dataclass(frozen=True, repr=False)
class Credential:
    """An API key of ``venue`` stored under ``label``. ``secret`` is the signing secret (base64 for Kraken).

    Building one registers ``api_key`` and ``secret`` for redaction, then checks them: venue and label
    known, both strings at least :data:`MIN_SECRET_LENGTH` characters with no whitespace, a Kraken secret
    valid base64 (ccxt decodes it to sign). Errors: :class:`~predator.errors.CredentialError` (naming the
    field, never its value).
    """

    venue: str
    label: str
    api_key: str
    secret: str

    def __post_init__(self) -> None:
        redaction.register(self.api_key, self.secret)
        check_venue(self.venue)
        check_label(self.label)
        for what, value in (("API key", self.api_key), ("secret", self.secret)):
            if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
                raise CredentialError(f"the {what} of {self.venue}/{self.label} is shorter than "
                                      f"{MIN_SECRET_LENGTH} characters: paste the whole value")
            if any(c.isspace() for c in value):
                raise CredentialError(f"the {what} of {self.venue}/{self.label} holds whitespace: paste it again")
        if self.venue == "kraken":
            try:
                base64.b64decode(self.secret, validate=True)
            except (binascii.Error, ValueError):
                raise CredentialError("the Kraken secret (the 'Private key') is not valid base64: paste it "
                                      "again, whole") from None

    @property
    def name(self) -> str:
        """``venue/label``."""
        return f"{self.venue}/{self.label}"

    @property
    def fingerprint(self) -> str:
        """:func:`fingerprint` of the API key."""
        return fingerprint(self.api_key)

    def __repr__(self) -> str:
        return f"Credential(venue={self.venue!r}, label={self.label!r}, fingerprint={self.fingerprint!r})"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[Any, ...]:
        raise TypeError("a Credential is not pickled: it would carry its secret out of the process")


@dataclass(frozen=True)
class StoredKey:
    """A key as a store lists it: no secret. ``backend`` is ``keyring`` or ``file``; ``location`` names the
    keyring backend or the secret file."""

    venue: str
    label: str
    backend: str
    fingerprint: str
    location: str

    @property
    def name(self) -> str:
        return f"{self.venue}/{self.label}"
