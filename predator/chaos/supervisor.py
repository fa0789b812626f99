"""The supervisor of a campaign's processes: the worker, run as its own process and restarted like a service,
and the embedded PostgreSQL cluster, stopped in immediate mode and started again.

The worker (``predator chaos worker --plan FILE --until HOUR``) prints ``closed <hour>`` after each hour it
closes; the supervisor reads those lines and, at the scheduled hours, sends the worker SIGKILL (after a
seeded delay of a few milliseconds, so the kill lands anywhere in the next hour's transactions) or stops the
database under it. A killed worker, or one that lost its database (exit code 3), is started again until it
reaches the segment's last hour; any other exit is a failure of the campaign.
"""

from __future__ import annotations

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
    #: Phase kill points the segment never reached (given to the next segment).
    carried: list[Fault] = field(default_factory=list)
    #: The worker's resident memory (kB) when it closed each hour (Linux /proc; empty elsewhere).
    rss_kb: list[tuple[datetime, int]] = field(default_factory=list)


class WorkerFailed(RuntimeError):
    """The worker exited with a failure that is not a crash the supervisor caused."""


class Supervisor:
    """Runs the worker of ``plan`` up to an hour, carrying out the kills and database stops scheduled in it."""

    def __init__(self, plan: Path, hours: list[datetime], env: dict[str, str], embedded: bool,
                 max_restarts: int = 50, terminate: Callable[[], int] | None = None) -> None:
        self.plan = plan
        self.hours = hours  # business hour index -> datetime
        self.env = env
        self.embedded = embedded
        self.max_restarts = max_restarts
        #: Drops the worker's database sessions (pg_terminate_backend); returns how many.
        self.terminate = terminate

    def _spawn(self, until: datetime, kill_points: list[tuple[str, datetime]]) -> subprocess.Popen[str]:
        env = dict(self.env)
        env["PREDATOR_CHAOS_KILL"] = ";".join(f"{p}@{h.isoformat()}" for p, h in kill_points)
        return subprocess.Popen(
            [sys.executable, "-m", "predator.cli", "chaos", "worker", "--plan", str(self.plan), "--until",
             until.isoformat()],
            env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
        )

    def run_segment(self, until: datetime, faults: list[Fault]) -> SegmentRun:
        """Run the worker until it closed ``until``, carrying out the worker and database ``faults``."""
        out = SegmentRun()
        pending = sorted(f for f in faults if f.layer in ("worker", "postgres"))
        while True:
            phase_kills = [(f.param("phase"), self.hours[f.hour]) for f in pending
                           if f.layer == "worker" and f.param("phase") != "hour"]
            proc = self._spawn(until, phase_kills)
            out.starts += 1
            started = seams.monotonic()
            sent_kill = False
            assert proc.stdout is not None
            fired: tuple[str, datetime] | None = None
            for line in proc.stdout:
                if line.startswith("killpoint "):
                    _, phase, hour = line.split()
                    fired = (phase, datetime.fromisoformat(hour))
                    continue
                if not line.startswith("closed "):
                    continue
                closed = datetime.fromisoformat(line.split()[1])
                rss = _rss_kb(proc.pid)
                if rss is not None:
                    out.rss_kb.append((closed, rss))
                due = [f for f in pending if f.layer in ("worker", "postgres") and f.param("phase", "hour") == "hour"
                       and self.hours[f.hour] <= closed]
                if not due:
                    continue
                f = due[0]
                pending.remove(f)
                seams.sleep(int(f.param("delay_ms", 0)) / 1000)
                if f.kind == "freeze":
                    # Frozen event delivery: the worker stops where it is and goes on 5-10 s later.
                    proc.send_signal(signal.SIGSTOP)
                    seams.sleep(int(f.param("freeze_ms", 5000)) / 1000)
                    proc.send_signal(signal.SIGCONT)
                    out.injected.append(Injected(f, self.hours[f.hour], f"frozen {int(f.param('freeze_ms', 5000))} ms"
                                                 " (SIGSTOP, SIGCONT)"))
                    continue
                if f.kind == "terminate_backends":
                    n = self.terminate() if self.terminate is not None else 0
                    out.injected.append(Injected(f, self.hours[f.hour], f"{n} worker session(s) terminated"
                                                 " (pg_terminate_backend)"))
                    continue
                if f.layer == "worker":
                    proc.send_signal(signal.SIGKILL)
                    sent_kill = True
                    out.kills += 1
                    out.injected.append(Injected(f, self.hours[f.hour], "sigkill"))
                elif self.embedded:
                    t0 = seams.monotonic()
                    cluster.down(mode="immediate")
                    out.db_stops += 1
                    seams.sleep(int(f.param("down_ms", 500)) / 1000)
                    cluster.up()
                    out.injected.append(Injected(f, self.hours[f.hour], "postgres immediate stop and restart",
                                                 seams.monotonic() - t0))
                else:
                    out.injected.append(Injected(f, self.hours[f.hour], "skipped: not the embedded cluster"))
                break
            proc.wait()
            err = proc.stderr.read() if proc.stderr else ""
            for pipe in (proc.stdout, proc.stderr):  # each start's pipes, closed (not left to the collector)
                if pipe is not None:
                    pipe.close()
            out.stderr_tail = err[-3000:]
            rc = proc.returncode
            # A worker that reached a phase kill point killed itself: that kill point is done.
            if rc == -signal.SIGKILL and not sent_kill and fired is not None:
                f = next(f for f in pending if f.layer == "worker" and (f.param("phase"), self.hours[f.hour]) == fired)
                pending.remove(f)
                out.kills += 1
                out.injected.append(Injected(f, self.hours[f.hour], f"sigkill at {f.param('phase')} (self)"))
            if rc == 0:
                # Phase kills not reached yet carry over to the next segment; a kill or a stop scheduled at the
                # segment's last hour found the worker already gone.
                out.carried = [f for f in pending if f.layer == "worker" and f.param("phase") != "hour"]
                for f in pending:
                    if f not in out.carried:
                        out.injected.append(Injected(f, self.hours[f.hour], "missed: the worker had finished"))
                return out
            if rc in (-signal.SIGKILL, DB_LOST):
                if not cluster.is_running() and self.embedded:
                    cluster.up()
                if out.starts > self.max_restarts:
                    raise WorkerFailed(f"the worker was restarted {out.starts} times without reaching {until}")
                log.info("worker_restart", rc=rc, after_s=round(seams.monotonic() - started, 2))
                continue
            raise WorkerFailed(f"the worker exited with code {rc}: {err[-2000:]}")


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def worker_env(dsn: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if dsn:
        env["PREDATOR_DSN"] = dsn
    env.setdefault("PREDATOR_LOG", os.devnull)
    return env
