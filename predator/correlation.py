"""Correlation ids (issue 16 item 7): one id per unit of work, on every log line and in the database session.

A unit of work is a console request (the client's ``X-Correlation-ID`` when well-formed, else a new one; the
response returns it), a CLI command (``PREDATOR_CORRELATION_ID`` when well-formed, else a new one) or a worker's
hour (``<run_id>-<YYYYMMDDTHH>``, deterministic). :func:`bind` puts it in a context variable and in structlog's
contextvars (every log line then carries ``correlation_id``); :mod:`predator.db.connection` sets it on each new
session as the GUC ``predator.correlation_id``, which ``ops._audit`` copies into ``ops.audit_log.correlation_id``:
an audit row joins the log lines of the request that wrote it.

The id is advisory metadata, caller-supplied: the database stores NULL for a malformed one and never uses it in
a decision or a hash (docs/operations.md, "Correlation ids").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

import structlog

from predator import seams

#: The accepted shape, the same as ``ops.correlation_id()``'s and the column's CHECK.
PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
HEADER = "X-Correlation-ID"
ENV = "PREDATOR_CORRELATION_ID"

_current: ContextVar[str | None] = ContextVar("predator_correlation_id", default=None)


def valid(value: str | None) -> bool:
    """True for 1-64 characters of ``A-Z a-z 0-9 . _ : -`` starting alphanumeric."""
    return value is not None and len(value) <= 64 and PATTERN.fullmatch(value) is not None


def new_id() -> str:
    """A fresh random id (32 hex digits), through the randomness seam (:func:`predator.seams.unique_hex`)."""
    return seams.unique_hex(32)


def accept(supplied: str | None) -> str:
    """``supplied`` when well-formed, else a fresh id."""
    return supplied if supplied is not None and valid(supplied) else new_id()


def hour_id(run_id: str, hour: datetime) -> str:
    """The deterministic id of a worker's hour: ``<run_id>-<YYYYMMDDTHH>``."""
    return f"{run_id}-{hour:%Y%m%dT%H}"


def current() -> str | None:
    """The id bound in this context, or None."""
    return _current.get()


def bind(value: str) -> str:
    """Bind ``value`` (must be well-formed) to this context and to structlog's contextvars; returns it."""
    if not valid(value):
        raise ValueError(f"malformed correlation id {value[:80]!r}")
    _current.set(value)
    structlog.contextvars.bind_contextvars(correlation_id=value)
    return value


@contextmanager
def scope(value: str) -> Iterator[str]:
    """:func:`bind` for the block, then restore what was bound before."""
    if not valid(value):
        raise ValueError(f"malformed correlation id {value[:80]!r}")
    token = _current.set(value)
    tokens = structlog.contextvars.bind_contextvars(correlation_id=value)
    try:
        yield value
    finally:
        structlog.contextvars.reset_contextvars(**tokens)
        _current.reset(token)
