"""The worker's own process as it reports it (``api.record_worker_health``), and seed 001's C2 fault: a memory
leak that makes the worker's resident memory grow for real.

:func:`resident_kb` reads the process's VmRSS from Linux /proc. :class:`WorkerHealth` is the reporter an
:class:`~predator.runner.hour.HourRunner` calls at each hour's close (``runner.worker_health``): it returns
``(rss_kb, pid, detail)``, which the hour step sends to the database in the hour's round trip; the database
compares it with the ``worker_rss_mb`` breaker's threshold and decides (docs/risk.md). The worker never decides.

With leak windows (a scenario's ``memory_leak`` faults), every hour inside a window allocates and touches a
seeded number of megabytes (``seams.rng("chaos.memory_leak", seed)``: 24 to 40 MB per hour) and keeps them, so
the RSS the worker measures and reports grows as a leaking process's would. After the window the memory is
released, as the restart of a leaking worker would return it; the reports then fall below the ceiling and the
breaker clears by itself after its clean hours.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from predator import seams

#: Megabytes a leaking hour allocates (inclusive bounds, drawn from the seeded generator).
LEAK_MB = (24, 40)


def resident_kb(pid: int | None = None) -> int | None:
    """The resident memory (kB) of process ``pid`` (this one by default) from Linux /proc; None elsewhere."""
    try:
        for line in Path(f"/proc/{pid or os.getpid()}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class WorkerHealth:
    """The reporter of a worker's process (see the module docstring); ``leaks``: inclusive (first, last) hour
    windows of the ``memory_leak`` fault; ``seed``: the run's seed."""

    def __init__(self, leaks: Sequence[tuple[datetime, datetime]] = (), seed: int = 0) -> None:
        self.leaks = tuple(leaks)
        self.rng = seams.rng("chaos.memory_leak", seed)
        self.held: list[bytes] = []
        self.held_mb = 0
        #: (hour, MB allocated at that hour; 0 - n: n MB released) for the report.
        self.applied: list[tuple[datetime, int]] = []

    def __call__(self, t: datetime) -> tuple[int, int, dict[str, Any]] | None:
        if any(a <= t <= b for a, b in self.leaks):
            mb = self.rng.randint(*LEAK_MB)
            self.held.append(b"\xa5" * (mb << 20))  # written, so resident
            self.held_mb += mb
            self.applied.append((t, mb))
        elif self.held:
            self.applied.append((t, -self.held_mb))
            self.held.clear()
            self.held_mb = 0
        rss = resident_kb()
        if rss is None:
            return None
        return rss, os.getpid(), ({"leak_mb": self.held_mb} if self.leaks else {})
