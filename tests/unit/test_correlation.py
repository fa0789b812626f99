"""Correlation ids (:mod:`predator.correlation`): the accepted shape (the database's, ``ops.correlation_id``), a
worker hour's deterministic id, and the binding that puts ``correlation_id`` on every log line."""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime

import structlog

from predator import correlation


def test_the_shape_is_the_databases() -> None:
    for good in ("a", "0123456789abcdef0123456789abcdef", "run-0123456789abcdef-20240101T13", "x" * 64, "A.b_c:d-e"):
        assert correlation.valid(good), good
    for bad in ("", "x" * 65, "-a", ".a", "a b", "a;b", "a\n", "é", "a'b", None):
        assert not correlation.valid(bad), bad
    assert correlation.accept("drill-1") == "drill-1"
    fresh = correlation.accept("a b")
    assert fresh != "a b" and correlation.valid(fresh) and len(fresh) == 32


def test_a_worker_hours_id_is_deterministic() -> None:
    t = datetime(2024, 3, 1, 13, tzinfo=UTC)
    assert correlation.hour_id("run-0123456789abcdef", t) == "run-0123456789abcdef-20240301T13"
    assert correlation.valid(correlation.hour_id("run-0123456789abcdef", t))


def test_a_bound_id_is_on_every_log_line_and_restored_after_its_scope() -> None:
    # In a context of its own: a worker hour run earlier in this process (another test) leaves its id bound.
    contextvars.Context().run(_bound_id_on_every_line)


def _bound_id_on_every_line() -> None:
    assert correlation.current() is None
    lines: list[str] = []
    structlog.configure(processors=[structlog.contextvars.merge_contextvars, structlog.processors.JSONRenderer()],
                        logger_factory=structlog.ReturnLoggerFactory(),
                        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    try:
        log = structlog.get_logger()
        with correlation.scope("outer-1"):
            with correlation.scope("inner-2"):
                lines.append(log.info("a"))
                assert correlation.current() == "inner-2"
            lines.append(log.info("b"))
        assert correlation.current() is None
        lines.append(log.info("c"))
    finally:
        structlog.reset_defaults()
        structlog.contextvars.clear_contextvars()
    got = [json.loads(line) for line in lines]
    assert [(g["event"], g.get("correlation_id")) for g in got] == [("a", "inner-2"), ("b", "outer-1"), ("c", None)]
