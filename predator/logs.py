"""Structured JSON logs (structlog), one object per line, with correlation ids bound by the callers
(``run_id``, ``account``, ``hour``, ``client_order_id``).

Logs go to ``PREDATOR_LOG`` (a file path) when set, else to ``<PREDATOR_HOME>/logs/predator.jsonl``;
the project's warnings and errors are also printed to stderr, the database driver's (psycopg's) go to the file
only. Tests never assert on log text, except that a registered secret never appears in it: every handler and the
structlog chain mask secrets (:mod:`predator.redaction`).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import structlog

from predator import config, redaction

_configured = False


class _JsonLine(logging.Filter):
    """Renders a record of a library's stdlib logger as the log file's JSON line (event, level, logger, timestamp),
    as structlog renders the project's own; the message is formatted with its arguments first."""

    def filter(self, record: logging.LogRecord) -> bool:
        line = {"event": record.getMessage(), "level": record.levelname.lower(), "logger": record.name,
                "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z")}
        record.msg, record.args = json.dumps(line, sort_keys=True), ()
        return True


def configure_logging(level: int = logging.INFO) -> Path:
    """Configure structlog for JSON lines; idempotent. Returns the log file path."""
    global _configured
    path = Path(os.environ.get("PREDATOR_LOG") or (config.home() / "logs" / "predator.jsonl"))
    if _configured:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    # Watched: a log that `predator retention apply` rotated or deleted is reopened at the next line.
    handler = logging.handlers.WatchedFileHandler(path)
    handler.setLevel(level)
    err = logging.StreamHandler(sys.stderr)
    err.setLevel(logging.WARNING)
    root = logging.getLogger("predator")
    root.setLevel(level)
    root.handlers = [handler, err]
    root.propagate = False
    for h in (handler, err):
        redaction.protect_handler(h)
    # psycopg's own warnings (e.g. "error ignored terminating <Pipeline>" when a connection drops inside a
    # pipeline while the worker's error is already propagating) go to the log file as JSON lines, not to
    # stderr: the worker reports a lost connection in one line of its own (tests/acceptance/test_durability.py),
    # and the suppressed second error is kept in the log.
    driver = logging.getLogger("psycopg")
    driver.handlers = [handler]
    driver.propagate = False
    driver.filters = [_JsonLine()]
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, structlog.processors.add_log_level,
                    structlog.processors.TimeStamper(fmt="iso", utc=True), structlog.processors.format_exc_info,
                    redaction.redact_event, structlog.processors.JSONRenderer(sort_keys=True),
                    redaction.redact_rendered],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )
    _configured = True
    redaction.protect_logging()
    return path
