"""The supervisor of a campaign's processes: the worker, run as its own process and restarted like a service,
and the embedded PostgreSQL cluster, stopped in immediate mode and started again.

The worker service (``predator chaos worker --plan FILE``, :mod:`predator.chaos.worker`) loads the run's market
data once and forks a worker per start; the worker closes hours on ``run <hour>`` commands, printing ``closed
<hour>`` after each, and waits at a barrier (``ready``) while the campaign checks the hours it closed. The
supervisor reads those lines and, at the scheduled hours, sends the worker SIGKILL (after a seeded delay of a
few milliseconds, so the kill lands anywhere in the next hour's transactions) or stops the database under it. A
killed worker, or one that lost its database (exit code 3), is started again (forked from the service) and
resumes after the last closed hour; any other exit is a failure of the campaign. Between faults the same worker
process runs on across segments.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import structlog

from predator import seams
from predator.chaos.memleak import resident_kb
from predator.chaos.schedule import Fault
from predator.config import PROJECT_ROOT
from predator.db import cluster

log = structlog.get_logger("predator.chaos")

#: Exit code of a worker whose database went away (predator.cli.exits).
DB_LOST = 3


@dataclass
class Injected:
    """A fault carried out: the schedule's fault, the business hour it hit, what happened (wall seconds)."""

    fault: Fault
    at: datetime
    outcome: str
    recovery_s: float = 0.0


@dataclass
class SegmentRun:
    """What the supervisor did in one segment: worker starts, SIGKILLs, database stops, faults carried out."""

    starts: int = 0
    kills: int = 0
    db_stops: int = 0
    injected: list[Injected] = field(default_factory=list)
    stderr_tail: str = ""
    #: The worker's resident memory (kB) when it closed each hour (Linux /proc; empty elsewhere), and the
    #: pid of the worker process it was read from (a worker lives on across segments until a fault ends it).
    rss_kb: list[tuple[datetime, int]] = field(default_factory=list)
    rss_pid: list[int] = field(default_factory=list)
    #: Wall seconds of the segment (worker starts, hours, faults).
    wall_s: float = 0.0


class WorkerFailed(RuntimeError):
    """The worker exited with a failure that is not a crash the supervisor caused."""


class Supervisor:
    """Runs the worker service of ``plan`` and its workers segment by segment, carrying out the worker kills
    and database stops of ``faults`` (the whole campaign's) at their hours. ``log_path``: the service's and
    workers' stderr."""

    def __init__(self, plan: Path, hours: list[datetime], env: dict[str, str], embedded: bool,
                 faults: list[Fault], log_path: Path | None = None, max_restarts: int = 50,
                 terminate: Callable[[], int] | None = None) -> None:
        self.plan = plan
        self.hours = hours  # business hour index -> datetime
        self.env = env
        self.embedded = embedded
        self.max_restarts = max_restarts
        #: Worker, database and kill-switch faults not carried out yet (phase kill points stay armed until
        #: reached; a kill switch's ``mid_kill_switch`` point fires when the worker carries it out).
        self.pending = sorted(f for f in faults if f.layer in ("worker", "postgres", "operator"))
        self.log_path = log_path or plan.with_suffix(".worker.log")
        self.proc: subprocess.Popen[str] | None = None
        self.worker: int | None = None  # pid of the live worker, None when none runs
        self.load_s = 0.0
        #: The service's resident memory (kB) once it loaded the data (what each forked worker starts from).
        self.service_rss_kb = 0
        self.started = 0.0  # monotonic time the live worker was started
        #: Called before the database is stopped (the campaign waits there for a check it runs meanwhile).
        self.before_db_stop: Callable[[], None] = lambda: None
        self._seg = SegmentRun()
        self._until = hours[-1] if hours else datetime.min
        self._t0 = 0.0
        self._restarts = 0
        self._running = False
        #: Drops the worker's database sessions (pg_terminate_backend, the ``terminate_backends`` fault);
        #: returns how many.
        self.terminate = terminate

    # --- the service ------------------------------------------------------------------------------------
    def _service(self) -> subprocess.Popen[str]:
        if self.proc is None:
            err = self.log_path.open("a")
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "predator.cli", "chaos", "worker", "--plan", str(self.plan)],
                env=self.env, cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                text=True, bufsize=1,
            )
            err.close()
            line = self._read()
            if not line.startswith("loaded "):
                raise WorkerFailed(f"the worker service did not load its data: {line!r}{self._stderr_tail()}")
            parts = line.split()
            self.load_s = float(parts[1])
            self.service_rss_kb = int(parts[2]) if len(parts) > 2 else 0
        return self.proc

    def _send(self, line: str) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def _read(self) -> str:
        """The next protocol line of the service or its worker (other output is skipped)."""
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise WorkerFailed(f"the worker service ended (code {self.proc.wait()}){self._stderr_tail()}")
            if line.split(" ", 1)[0] in ("loaded", "started", "exited", "ready", "closed", "killpoint", "error"):
                return line.strip()

    def _stderr_tail(self) -> str:
        try:
            return ":\n" + self.log_path.read_text()[-3000:]
        except OSError:
            return ""

    def _kill_spec(self) -> str:
        return ";".join(f"{f.param('phase')}@{self.hours[f.hour].isoformat()}" for f in self.pending
                        if f.layer in ("worker", "operator") and f.param("phase", "hour") != "hour")

    def close(self) -> None:
        """Stop the worker (``quit`` at its barrier) and the service."""
        if self.proc is None:
            return
        try:
            if self.worker is not None:
                self._send("quit")
                while not self._read().startswith("exited"):
                    pass
                self.worker = None
            self._send("quit")
        except (WorkerFailed, OSError):
            pass
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):  # closed, not left to the collector
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        self.proc = None

    def restart(self) -> None:
        """End the worker waiting at its barrier (``quit``) so that the next segment starts a fresh one (after
        the operator corrected the book under it: the new worker restores its venue from the corrected book)."""
        if self.proc is None or self.worker is None:
            return
        self._send("quit")
        while not self._read().startswith("exited"):
            pass
        self.worker = None

    def load(self) -> int:
        """Start the service (it loads the data once); the resident memory (kB) it reported."""
        self._service()
        return self.service_rss_kb

    def kill_switch(self) -> SegmentRun:
        """The operator threw the kill switch while the worker waits at its barrier: have it carry out the
        cancels and exits now (``killswitch``), at its last closed hour. When it kills itself at the armed kill
        point ``mid_kill_switch`` (or dies otherwise: a SIGKILL or a lost database), a fresh worker is started,
        whose start-up (venue restored from the book, then every cancel request and unsent order carried out)
        finishes the job; the worker is left waiting at its barrier."""
        self._service()
        seg = SegmentRun()
        t0 = seams.monotonic()
        self._restarts = 0
        while self.worker is None:
            self._restarts += 1
            if self._restarts > self.max_restarts:
                raise WorkerFailed("the worker could not be started for the kill switch")
            self._start(seg)
        fired: tuple[str, datetime] | None = None
        self._send("killswitch")
        while True:
            line = self._read()
            if line.startswith("killpoint "):
                _, phase, hour = line.split()
                fired = (phase, datetime.fromisoformat(hour))
            elif line.startswith("exited "):
                self._exited(int(line.split()[1]), False, fired, seg)
                while self.worker is None:
                    self._restarts += 1
                    if self._restarts > self.max_restarts:
                        raise WorkerFailed("the worker could not be started after the kill switch")
                    self._start(seg)
                break
            elif line.startswith("ready "):
                break
        seg.wall_s = seams.monotonic() - t0
        return seg

    # --- a segment --------------------------------------------------------------------------------------
    def run_segment(self, until: datetime) -> SegmentRun:
        """Have the worker close every hour up to ``until`` (starting or restarting it as needed), carrying
        out the worker and database faults due by then; the worker is left waiting at its barrier."""
        self.begin(until)
        return self.finish()

    def begin(self, until: datetime) -> None:
        """Start a segment up to ``until``: the worker (started first when none runs) goes on closing hours
        while the caller does something else (the previous segment's checks); :meth:`finish` follows."""
        self._service()
        self._seg = SegmentRun()
        self._until = until
        self._t0 = seams.monotonic()
        self._restarts = 0
        self._running = self._launch()

    def _launch(self) -> bool:
        """Send ``run`` to the worker (starting it first when none runs); False when it died starting."""
        if self.worker is None:
            if self._restarts > self.max_restarts:
                raise WorkerFailed(f"the worker was restarted {self._restarts} times without reaching {self._until}")
            self._restarts += 1
            if not self._start(self._seg):
                return False  # it died while starting (a database stop): start it again
        self._send(f"run {self._until.isoformat()}")
        return True

    def finish(self) -> SegmentRun:
        """Read the worker up to the segment's last hour, restarting it after a kill or a lost database."""
        while True:
            if self._running and self._until_ready(self._until, self._seg):
                self._seg.wall_s = seams.monotonic() - self._t0
                return self._seg
            self._running = self._launch()

    def _start(self, out: SegmentRun) -> bool:
        """Fork a worker armed with the pending kill points; True once it is ready, False if it died."""
        self._send(f"start {self._kill_spec()}")
        line = self._read()
        if not line.startswith("started "):
            raise WorkerFailed(f"the worker service did not start a worker: {line!r}{self._stderr_tail()}")
        self.worker = int(line.split()[1])
        out.starts += 1
        self.started = seams.monotonic()
        while True:
            line = self._read()
            if line.startswith("ready"):
                return True
            if line.startswith("exited "):
                self._exited(int(line.split()[1]), False, None, out)
                return False

    def _until_ready(self, until: datetime, out: SegmentRun) -> bool:
        """Read the worker's lines up to ``ready <until>`` (True) or its end (False, restart it)."""
        sent_kill = False
        fired: tuple[str, datetime] | None = None
        while True:
            line = self._read()
            if line.startswith("killpoint "):
                _, phase, hour = line.split()
                fired = (phase, datetime.fromisoformat(hour))
            elif line.startswith("exited "):
                self._exited(int(line.split()[1]), sent_kill, fired, out)
                return False
            elif line.startswith("ready "):
                if not sent_kill:
                    return True
                # The SIGKILL sent after the segment's last hour may land while the worker waits: its end
                # comes next.
            elif line.startswith("closed ") and not sent_kill:
                closed = datetime.fromisoformat(line.split()[1])
                if self.worker is not None:
                    rss = resident_kb(self.worker)
                    if rss is not None:
                        out.rss_kb.append((closed, rss))
                        out.rss_pid.append(self.worker)
                sent_kill = self._due(closed, out)

    def _due(self, closed: datetime, out: SegmentRun) -> bool:
        """Carry out the first hour-phase kill or database stop due at ``closed``; True after a SIGKILL."""
        due = [f for f in self.pending if f.param("phase", "hour") == "hour" and self.hours[f.hour] <= closed]
        if not due:
            return False
        f = due[0]
        self.pending.remove(f)
        seams.sleep(int(f.param("delay_ms", 0)) / 1000)
        if f.kind == "freeze":
            # Frozen event delivery: the worker stops where it is and goes on 5-10 s later.
            assert self.worker is not None
            freeze_ms = int(f.param("freeze_ms", 5000))
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.worker, signal.SIGSTOP)
                seams.sleep(freeze_ms / 1000)
                os.kill(self.worker, signal.SIGCONT)
            out.injected.append(Injected(f, self.hours[f.hour], f"frozen {freeze_ms} ms (SIGSTOP, SIGCONT)"))
            return False
        if f.kind == "terminate_backends":
            n = self.terminate() if self.terminate is not None else 0
            out.injected.append(Injected(f, self.hours[f.hour], f"{n} worker session(s) terminated"
                                         " (pg_terminate_backend)"))
            return False
        if f.layer == "worker":
            assert self.worker is not None
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.worker, signal.SIGKILL)
            out.kills += 1
            out.injected.append(Injected(f, self.hours[f.hour], "sigkill"))
            return True
        if self.embedded:
            self.before_db_stop()
            t0 = seams.monotonic()
            cluster.down(mode="immediate")
            out.db_stops += 1
            seams.sleep(int(f.param("down_ms", 500)) / 1000)
            cluster.up()
            out.injected.append(Injected(f, self.hours[f.hour], "postgres immediate stop and restart",
                                         seams.monotonic() - t0))
        else:
            out.injected.append(Injected(f, self.hours[f.hour], "skipped: not the embedded cluster"))
        return False

    def _exited(self, rc: int, sent_kill: bool, fired: tuple[str, datetime] | None, out: SegmentRun) -> None:
        """The worker ended with ``rc``: count a kill point it reached, bring the database back if needed;
        any end but SIGKILL or a lost database fails the campaign."""
        self.worker = None
        if rc == -signal.SIGKILL and not sent_kill and fired is not None:
            f = next((f for f in self.pending if f.layer in ("worker", "operator")
                      and (f.param("phase"), self.hours[f.hour]) == fired), None)
            if f is not None:
                self.pending.remove(f)
                out.kills += 1
                out.injected.append(Injected(f, self.hours[f.hour], f"sigkill at {f.param('phase')} (self)"))
        if rc in (-signal.SIGKILL, DB_LOST):
            if self.embedded and not cluster.is_running():
                cluster.up()
            log.info("worker_restart", rc=rc, after_s=round(seams.monotonic() - self.started, 2))
            return
        raise WorkerFailed(f"the worker exited with code {rc}{self._stderr_tail()}")

    def missed(self) -> list[Injected]:
        """The faults never carried out (the campaign ended first); they are dropped."""
        gone = [Injected(f, self.hours[f.hour], "missed: the worker had finished") for f in self.pending]
        self.pending = []
        return gone


def worker_env(dsn: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if dsn:
        env["PREDATOR_DSN"] = dsn
    env.setdefault("PREDATOR_LOG", os.devnull)
    return env
