"""Named points at which a worker kills itself with SIGKILL, for chaos campaigns (off by default).

``PREDATOR_CHAOS_KILL`` names them: ``phase@hour`` items separated by ``;`` (hour ISO UTC), e.g.
``after_admission@2023-03-02T05:00:00+00:00``. The hour step calls :func:`reached` at its phases
(``mid_close``: inside the hour's transaction, before it commits; ``after_admission``: the admitted orders
committed, not yet sent; ``after_ack``: sent and acknowledged; ``mid_fill_relay``: the venue's fills and
events of the hour taken from the venue, not yet recorded in the book; ``mid_ingest``: a chaos feeder's batch staged
and gated, its transaction not committed, :mod:`predator.chaos.feed`; ``mid_kill_switch``: the campaign worker
carrying out a kill switch, its cancels done at the venue, not yet recorded, its exits not yet sent,
:mod:`predator.chaos.worker`; a point fires at the first hour from its own that reaches its phase). Without the
variable :func:`reached` only compares a cached empty set.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime

_points: frozenset[tuple[str, datetime]] | None = None


def _load() -> frozenset[tuple[str, datetime]]:
    spec = os.environ.get("PREDATOR_CHAOS_KILL", "")
    points = set()
    for item in filter(None, (s.strip() for s in spec.split(";"))):
        phase, _, hour = item.partition("@")
        points.add((phase, datetime.fromisoformat(hour)))
    return frozenset(points)


def arm(spec: str) -> None:
    """Set this process's kill points from ``spec`` (the format of ``PREDATOR_CHAOS_KILL``), replacing any:
    the campaign's worker service arms each worker it forks with the kill points still pending."""
    global _points
    os.environ["PREDATOR_CHAOS_KILL"] = spec
    _points = _load()


def reached(phase: str, hour: datetime) -> None:
    """SIGKILL this process when a kill point of ``phase`` is configured at ``hour`` or before (a phase an
    hour does not reach — no order admitted — fires at the next hour that reaches it). Says which point on
    stdout first: ``killpoint <phase> <point's hour>``."""
    global _points
    if _points is None:
        _points = _load()
    if not _points:
        return
    due = sorted(h for p, h in _points if p == phase and h <= hour)
    if due:
        sys.stdout.write(f"killpoint {phase} {due[0].isoformat()}\n")
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
