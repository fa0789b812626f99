"""A feeder process that finds the database down ends as a lost database, not as a defect.

A campaign's PostgreSQL immediate stop lands between two hours while the worker runs on; when the next hour is an
``ingest_kill`` hour, the feeder process the worker starts finds no server. The worker must then end as a worker
whose database went away (the supervisor restarts the database and the worker), not fail the campaign: seen on
campaign 3 seed 867115919 (a stop at 2023-04-16 21:00, the feeder of 23:00)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import psycopg
import pytest

from predator.chaos.feed import ChaosFeed, FeedFault, _killed_delivery
from predator.db.connection import Target


def _closed_port() -> int:
    with socket.socket() as s:  # a port nothing listens on once the socket is closed
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_feeder_that_finds_no_server_reports_a_lost_database() -> None:
    t = datetime(2023, 3, 1, 2, tzinfo=UTC)
    feed = ChaosFeed("binance", ["BTC/USDT"], datetime(2023, 3, 1, 1, tzinfo=UTC), t,
                     [FeedFault("ingest_kill", t, t)], seed=1)
    down = Target(f"host=127.0.0.1 port={_closed_port()} user=postgres dbname=postgres connect_timeout=2", False)
    with pytest.raises(psycopg.OperationalError, match="feeder process of 2023-03-01T02:00:00\\+00:00 .*lost the "
                                                       "database connection"):
        _killed_delivery(down, None, feed, t, [])  # type: ignore[arg-type]  # never reached: the feeder fails first
