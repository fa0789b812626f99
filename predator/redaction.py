"""Secrets never leave the process in clear: a registry of secret strings and the filters that mask them.

Every API key and secret Predator holds is registered here (:class:`predator.credentials.Credential` does
it when it is built). From the first registration on, each registered string — and its URL-encoded and
JSON-escaped forms — is replaced by ``[REDACTED]`` in:

* every structlog event (:func:`redact_event` on the event's values, :func:`redact_rendered` on the rendered
  line; both are in :func:`predator.logs.configure_logging`'s chain, and are added to structlog's default
  chain if it was never configured);
* every stdlib log record, whatever handler writes it: a record factory scrubs the message and any exception
  text as the record is created, and :class:`RedactingFilter` sits on the handlers of the root and
  ``predator`` loggers (and on ``logging.lastResort``);
* crash output: ``sys.excepthook`` and ``threading.excepthook`` print redacted tracebacks;
* exceptions crossing a venue boundary: :func:`scrub_exception` rewrites an exception's arguments (and those
  of its causes) in place, and :mod:`predator.retry` redacts every venue error message it builds.

Strings shorter than :data:`MIN_LENGTH` are not registered (they would mask ordinary words); real venue keys
are 56 to 88 characters.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterable, Mapping, MutableMapping
from types import TracebackType
from typing import Any
from urllib.parse import quote, quote_plus

import structlog

MASK = "[REDACTED]"
#: The shortest string that can be registered as a secret.
MIN_LENGTH = 12

_lock = threading.RLock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_installed = False


def _forms(value: str) -> set[str]:
    """The ways a secret may be spelt in text: itself, URL-encoded, JSON-escaped (with ``\\/``)."""
    forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    forms.add(json.dumps(value)[1:-1].replace("/", "\\/"))
    return {f for f in forms if len(f) >= MIN_LENGTH}


def register(*values: str | None) -> None:
    """Mask ``values`` (and their encoded forms) everywhere from now on; installs the hooks on first use.
    ``None``, empty and short strings are ignored."""
    global _pattern
    added = False
    with _lock:
        for value in values:
            if value and len(value) >= MIN_LENGTH:
                for form in _forms(value):
                    if form not in _secrets:
                        _secrets.add(form)
                        added = True
        if added:
            ordered = sorted(_secrets, key=len, reverse=True)  # longest first: a form inside another
            _pattern = re.compile("|".join(re.escape(s) for s in ordered))
    if added:
        install()


def registered() -> int:
    """How many strings (secrets and their forms) are masked."""
    with _lock:
        return len(_secrets)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by :data:`MASK`."""
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


def contains_secret(text: str) -> bool:
    """Whether ``text`` holds a registered secret (in any registered form)."""
    pattern = _pattern
    return pattern is not None and pattern.search(text) is not None


def redact_value(value: Any) -> Any:
    """A copy of ``value`` with secrets masked in every string it holds (dicts, lists, tuples walked)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(redact_value(v) for v in value)
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return type(value)(redact_value(v) for v in value)
    if isinstance(value, BaseException):
        scrub_exception(value)
        return value
    return value


# --- structlog ---------------------------------------------------------------------------------------------------
def redact_event(logger: Any, method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor (before the renderer): masks secrets in every value of the event."""
    if _pattern is None:
        return event_dict
    for key in list(event_dict):
        event_dict[key] = redact_value(event_dict[key])
    return event_dict


def redact_rendered(logger: Any, method: str, rendered: Any) -> Any:
    """structlog processor (after the renderer): masks secrets in the rendered line, whatever put them there
    (an object's ``repr``, an escape the event processor could not see)."""
    if isinstance(rendered, str):
        return redact(rendered)
    if isinstance(rendered, bytes):
        return redact(rendered.decode("utf-8", "replace")).encode()
    return rendered


# --- stdlib logging ----------------------------------------------------------------------------------------------
def _scrub_record(record: logging.LogRecord) -> None:
    if _pattern is None:
        return
    try:
        message = record.getMessage()
    except Exception:  # a malformed format: the handler will report it; mask what can be masked
        message = f"{record.msg} {record.args}"
    if contains_secret(message):
        record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[1] is not None:
        text = record.exc_text or logging.Formatter().formatException(record.exc_info)
        if contains_secret(text):
            scrub_exception(record.exc_info[1])
            record.exc_text = redact(text)
    elif record.exc_text and contains_secret(record.exc_text):
        record.exc_text = redact(record.exc_text)
    if record.stack_info and contains_secret(record.stack_info):
        record.stack_info = redact(record.stack_info)


class RedactingFilter(logging.Filter):
    """A handler filter that masks registered secrets in the record (message, arguments, exception text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _scrub_record(record)
        return True


_FILTER = RedactingFilter()


def protect_handler(handler: logging.Handler) -> None:
    """Put the redacting filter on ``handler`` (idempotent)."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(_FILTER)


def protect_logging() -> None:
    """The redacting filter on every handler of the root and ``predator`` loggers and on ``lastResort``."""
    for name in (None, "predator"):
        for handler in logging.getLogger(name).handlers:
            protect_handler(handler)
    if logging.lastResort is not None:
        protect_handler(logging.lastResort)


# --- crash output ------------------------------------------------------------------------------------------------
def scrub_exception(exc: BaseException) -> BaseException:
    """Mask secrets in ``exc``'s arguments, and in those of its causes and contexts, in place; returns it.
    Exceptions are redacted where they cross a boundary so that ``str(exc)`` never shows a secret."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _pattern is not None:
            with contextlib.suppress(AttributeError, TypeError):  # an exception whose args cannot be set
                current.args = tuple(redact(a) if isinstance(a, str) else a for a in current.args)
            notes = getattr(current, "__notes__", None)
            if isinstance(notes, list):
                current.__notes__ = [redact(n) if isinstance(n, str) else n for n in notes]
        current = current.__cause__ or current.__context__
    return exc


def format_exception(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """A traceback as ``traceback.format_exception`` writes it, with secrets masked."""
    return redact("".join(traceback.format_exception(exc_type, exc, tb)))


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    sys.stderr.write(format_exception(exc_type, exc, tb))
    sys.stderr.flush()


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else threading.get_ident()
    value = args.exc_value if args.exc_value is not None else args.exc_type()
    sys.stderr.write(f"Exception in thread {name}:\n" + format_exception(args.exc_type, value, args.exc_traceback))
    sys.stderr.flush()


def _processors_with_redaction(processors: Iterable[Any]) -> list[Any]:
    chain = [p for p in processors if p not in (redact_event, redact_rendered)]
    return [*chain[:-1], redact_event, chain[-1], redact_rendered] if chain else [redact_event, redact_rendered]


def install() -> None:
    """Install the hooks once: the record factory, handler filters, ``sys.excepthook``,
    ``threading.excepthook``, and (if structlog was never configured) structlog's default chain with the two
    redaction processors around its renderer. :func:`predator.logs.configure_logging` calls it too."""
    global _installed
    with _lock:
        if not _installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                _scrub_record(record)
                return record

            logging.setLogRecordFactory(factory)
            sys.excepthook = _excepthook
            threading.excepthook = _thread_excepthook
            if not structlog.is_configured():
                structlog.configure(processors=_processors_with_redaction(structlog.get_config()["processors"]))
            _installed = True
    protect_logging()


__all__ = ["MASK", "MIN_LENGTH", "RedactingFilter", "contains_secret", "format_exception", "install",
           "protect_handler", "protect_logging", "redact", "redact_event", "redact_rendered", "redact_value",
           "register", "registered", "scrub_exception"]
