"""Secrets are masked wherever text leaves the process: structlog events, stdlib log records (message,
arguments, exception text), exceptions scrubbed at a boundary, and a Credential's repr. Each test registers
its own random canary (the registry is process-wide and only grows)."""

from __future__ import annotations

import base64
import io
import json
import logging
import pickle
import secrets
from urllib.parse import quote

import ccxt
import pytest
import structlog

from predator import redaction
from predator.credentials import Credential
from predator.errors import CredentialError, PermanentVenueError, TransientVenueError
from predator.retry import Retrier, RetryPolicy, translate


def canary(prefix: str = "CANARY") -> str:
    return f"{prefix}-{secrets.token_hex(16)}"


def test_a_registered_secret_and_its_encoded_forms_are_masked() -> None:
    secret = canary() + "/+="  # base64-like characters: URL-encoded and JSON-escaped forms differ
    redaction.register(secret)
    text = f"a {secret} b {quote(secret, safe='')} c {json.dumps(secret)} d {secret.replace('/', chr(92) + '/')}"
    out = redaction.redact(text)
    assert secret not in out and quote(secret, safe="") not in out
    assert out.count(redaction.MASK) == 4
    assert redaction.contains_secret(text) and not redaction.contains_secret(out)


def test_short_strings_are_not_registered() -> None:
    before = redaction.registered()
    redaction.register("short", "", None)
    assert redaction.registered() == before
    assert redaction.redact("a short word") == "a short word"


def test_the_structlog_chain_masks_event_values_and_the_rendered_line() -> None:
    secret = canary()
    redaction.register(secret)

    class Leaky:
        def __repr__(self) -> str:
            return f"<Leaky {secret}>"

    event = {"event": f"boom {secret}", "nested": {"k": [secret, 1]}, "obj": Leaky()}
    event = redaction.redact_event(None, "info", event)
    line = structlog.processors.JSONRenderer()(None, "info", event)
    line = redaction.redact_rendered(None, "info", line)
    assert secret not in line
    assert line.count(redaction.MASK) == 3


def test_stdlib_records_are_scrubbed_on_any_handler_message_arguments_and_exception() -> None:
    secret = canary()
    redaction.register(secret)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # a handler added after the hooks: the record factory covers it
    logger = logging.getLogger(f"test.redaction.{secrets.token_hex(4)}")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("key %s in args", secret)
        logger.warning(f"key {secret} in message")
        try:
            raise RuntimeError(f"venue echoed {secret}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert secret not in out
    assert out.count(redaction.MASK) == 3 and "RuntimeError" in out


def test_the_handler_filter_scrubs_a_record_built_without_the_factory() -> None:
    secret = canary()
    redaction.register(secret)
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "secret is %s", (secret,), None)
    record.msg, record.args = "secret is %s", (secret,)  # as if the factory had not run
    assert redaction.RedactingFilter().filter(record)
    assert secret not in record.getMessage()


def test_scrub_exception_masks_the_exception_and_its_causes() -> None:
    secret = canary()
    redaction.register(secret)
    try:
        try:
            raise ValueError(f"inner {secret}")
        except ValueError as inner:
            raise ccxt.ExchangeError(f"binance {secret}") from inner
    except ccxt.ExchangeError as e:
        redaction.scrub_exception(e)
        assert secret not in str(e) and secret not in str(e.__cause__)
        assert redaction.MASK in str(e.__cause__)


def test_venue_errors_built_by_retry_are_masked() -> None:
    secret = canary()
    redaction.register(secret)
    err = translate(ccxt.BadRequest(f"binance {{'echo': '{secret}'}}"), "binance order")
    assert isinstance(err, PermanentVenueError) and secret not in str(err) and secret not in str(err.__cause__)

    def fail() -> None:
        raise ccxt.NetworkError(f"GET https://x/?apiKey={secret}")

    with pytest.raises(TransientVenueError) as info:
        Retrier(RetryPolicy(attempts=2, base_delay=0), sleep=lambda s: None).call(fail, "binance balance")
    assert secret not in str(info.value) and secret not in str(info.value.__cause__)


def test_a_credential_never_shows_its_secret() -> None:
    key, secret = canary("KEY"), canary("SECRET")
    c = Credential("binance", "main", key, secret)
    for text in (repr(c), str(c), f"{c}", f"{c!r}", repr([c]), repr({"c": c})):
        assert secret not in text and key not in text
        assert "binance" in text and c.fingerprint in text
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(c)


@pytest.mark.parametrize("venue,key,secret,match", [
    ("binance", "k" * 8, "s" * 40, "API key .* shorter"),
    ("binance", "k" * 40, "s" * 20 + " " + "s" * 20, "secret .* whitespace"),
    ("kraken", "k" * 40, "not-base64!" * 4, "not valid base64"),
    ("kucoin", "k" * 40, "s" * 40, "unsupported venue"),
])
def test_a_malformed_credential_is_refused_without_echoing_it(venue: str, key: str, secret: str, match: str) -> None:
    with pytest.raises(CredentialError, match=match) as info:
        Credential(venue, "main", key, secret)
    assert secret not in str(info.value)


def test_a_kraken_secret_must_be_base64() -> None:
    good = base64.b64encode(secrets.token_bytes(64)).decode()
    assert Credential("kraken", "main", canary(), good).venue == "kraken"
