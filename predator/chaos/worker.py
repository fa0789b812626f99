"""The campaign's worker service (``predator chaos worker --plan FILE``): one long-lived process that loads the
run's market data once, and forks a worker process per start.

Why: a campaign starts the worker again after every SIGKILL and every PostgreSQL stop (campaign 4: about 230
starts in a year). A new interpreter that imports Predator and reloads a year of candles for ten symbols costs
seconds per start; a worker forked from a process that already holds the data (copy-on-write) starts in
milliseconds and has exactly the data, features and dataset digest a fresh process would compute. The service
itself holds no database connection while a worker runs, so a PostgreSQL stop only ends the worker.

The worker stays alive across the campaign's checks: after each ``run`` it waits at a barrier (``ready``)
while the supervisor validates the hours it closed, and goes on with the next ``run``. Only a fault that needs
a process boundary (a SIGKILL, a lost database) ends it.

Line protocol on stdin/stdout (one line each, flushed):

* service: prints ``loaded <seconds> <resident kB>`` once the data is loaded (and, for a sync-fed campaign, the
  chaos feeder's candle files read); reads ``start <kill spec>`` (fork a worker armed
  with those kill points, :func:`predator.chaos.killpoints.arm`; it prints ``started <pid>``) or ``quit``;
  prints ``exited <code>`` when the worker ends (``-9`` for SIGKILL, 3 for a lost database, 0 after ``quit``);
* worker: reports its resident memory with every hour it closes (``api.record_worker_health``, in the hour's
  round trip; the database trips the ``worker_rss_mb`` breaker past the operator's ceiling); after its
  start-up (venue restored, start-up reconciliation, unacknowledged orders resolved) prints
  ``ready <last closed hour or ->``; reads ``run <hour>`` (close every hour up to ``hour``, printing
  ``closed <hour>`` after each, then ``ready <hour>``), ``killswitch`` (the operator threw the kill switch while
  the worker waited: carry out its cancels and exits now, at the last closed hour, as the kill-switch listener
  would, with kill point ``mid_kill_switch`` inside; then ``ready <hour>``) or ``quit``; ``killpoint <phase>
  <hour>`` just before it kills itself at a kill point.

A sync-fed campaign (``RunConfig.feed == "sync"``, the plan's ``feed``: the feed layer's faults) has the worker
deliver each hour's bars through the chaos feeder (:func:`predator.chaos.feed.deliver`) before it closes the
hour, on a connection of its own; the plan's ``leaks`` are the ``memory_leak`` windows the worker's
:class:`~predator.chaos.memleak.WorkerHealth` allocates in.

Only one of the two reads stdin at a time (the service waits for its worker), and the supervisor writes a
command only after the answer to the previous one, so the raw, unbuffered reads never take a line meant for
the other process.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from predator import seams
from predator.chaos import killpoints
from predator.chaos.feed import ChaosFeed, deliver
from predator.chaos.memleak import WorkerHealth, resident_kb
from predator.db.connection import Target, set_commit_durability
from predator.runner.config import HOUR, RunConfig
from predator.runner.hour import HourRunner

#: Exit code of a worker whose database went away (predator.cli.exits.EXIT_DATABASE_LOST).
DB_LOST = 3


def _readline() -> str:
    """One line from stdin, read byte by byte from the file descriptor (no read-ahead); '' at end of file."""
    buf = bytearray()
    while True:
        b = os.read(0, 1)
        if not b:
            return buf.decode()
        if b == b"\n":
            return buf.decode()
        buf += b


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def serve(target: Target, config: RunConfig,
          make_runner: Callable[[Target, RunConfig], HourRunner] = HourRunner,
          plan: dict[str, Any] | None = None) -> int:
    """The service loop (see the module docstring); returns the exit code of the service. ``plan``: the
    campaign's plan file (its ``feed`` and ``leaks``)."""
    t0 = seams.monotonic()
    plan = plan or {}
    runner = make_runner(target, config)
    # Each worker reports its resident memory at every hour's close (api.record_worker_health): the
    # database trips the worker_rss_mb breaker when it passes the operator's ceiling. The memory_leak windows
    # make it leak for real.
    leaks = [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in plan.get("leaks", [])]
    runner.worker_health = WorkerHealth(leaks, int(plan.get("seed", 0)))
    runner.load_market()
    feed = ChaosFeed.from_plan(plan["feed"]) if plan.get("feed") else None
    _say(f"loaded {seams.monotonic() - t0:.2f} {resident_kb() or 0}")
    while True:
        cmd = _readline().strip()
        if not cmd or cmd == "quit":
            return 0
        verb, _, spec = cmd.partition(" ")
        if verb != "start":
            _say(f"error unknown command {cmd!r}")
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                code = _work(runner, spec, feed)
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 1
            except BaseException:  # noqa: BLE001 - a worker reports any failure by its exit code
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _say(f"started {pid}")
        _, status = os.waitpid(pid, 0)
        _say(f"exited {os.waitstatus_to_exitcode(status)}")


def _work(runner: HourRunner, spec: str, feed: ChaosFeed | None = None) -> int:
    """One worker: start up, then close hours on ``run`` commands (each hour's bars delivered first by ``feed``,
    the chaos feeder of a sync-fed campaign) and carry out kill switches until ``quit``."""
    import psycopg

    killpoints.arm(spec)
    feeder: psycopg.Connection[Any] | None = None
    applied: list[tuple[str, datetime]] = []
    try:
        runner.prepare()
        runner.send_unacknowledged()
        if feed is not None:
            feeder = runner.target.connect("worker")
            # The feeder's loads need not wait for their own WAL flush: the hour that knows them commits durably
            # after them (its flush covers theirs), and a load lost with a crash before that hour closed is
            # delivered again by the restarted worker (a batch is a pure function of the hour).
            set_commit_durability(feeder, fast=True)
            feeder.commit()
        last = runner.last_closed_hour()
        _say(f"ready {last.isoformat() if last else '-'}")
        t = runner.config.start if last is None else last + HOUR
        while True:
            cmd = _readline().strip()
            if not cmd or cmd == "quit":
                return 0
            verb, _, arg = cmd.partition(" ")
            if verb == "killswitch":
                at = runner.last_closed_hour() or runner.config.start
                assert runner.conn is not None and runner.relay is not None
                runner.relay.service_requests(runner.conn, at,
                                              midway=partial(killpoints.reached, "mid_kill_switch", at))
                _say(f"ready {at.isoformat()}")
                continue
            if verb != "run":
                _say(f"error unknown command {cmd!r}")
                continue
            until = datetime.fromisoformat(arg)
            while t <= until:
                if feed is not None and feeder is not None:
                    deliver(runner.target, feeder, feed, t, applied)
                runner.step(t)
                _say(f"closed {t.isoformat()}")
                t += HOUR
            _say(f"ready {until.isoformat()}")
    except psycopg.OperationalError as e:
        first = (str(e).strip().splitlines() or ["connection lost"])[0]
        sys.stderr.write(f"predator chaos worker: lost the database connection ({first})\n")
        return DB_LOST
    finally:
        if feeder is not None:
            feeder.close()
        runner.close()
