"""The fault schedule of a campaign: from (campaign, seed, days, symbols), a deterministic list of faults.

Every fault is a frozen :class:`Fault` at a business hour (an index from the campaign's first hour) on one
layer:

* ``venue`` — faults of the paper venue (:class:`predator.venues.paper.Faults`), for ``hours`` hours from
  ``hour``: ``network_down`` (every call fails), ``timeout_after_accept`` (the hour's placements are taken but
  their responses time out), ``duplicate_fills`` (every fill reported twice);
* ``worker`` — ``sigkill`` of the worker process: at ``phase`` ``hour`` the supervisor sends SIGKILL once the
  hour closed (plus a seeded delay of a few milliseconds); at ``after_admission`` / ``after_ack`` /
  ``mid_close`` the worker kills itself with SIGKILL at that point of the hour (:mod:`predator.chaos.killpoints`);
* ``postgres`` — ``immediate_stop``: the cluster is stopped in immediate mode (no checkpoint, the next start
  recovers from the WAL) while the worker runs, then started again;
* ``decision`` — faults of a strategy's decisions (:mod:`predator.chaos.decisions`) for ``hours`` hours:
  ``overtrade`` (10× the size on every symbol every hour), ``repeat_refused`` (the same oversized idea again
  and again), ``corrupt_scores`` (confidence and edge scores corrupted).

The last part of a campaign (:func:`liveness_hours`) has no fault: the liveness phase, which must reach
"reconciled, within caps, every halt explained by an incident".

Randomness: one :class:`random.Random` per component, seeded from the campaign seed and the component's name
(:func:`component_rng`), so adding a component leaves the others' draws unchanged.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from typing import Any

from predator import seams

#: Campaign number -> (name, default days, faults per simulated day by layer).
INTENSITY: dict[int, tuple[str, int, dict[str, float]]] = {
    1: ("light", 30, {"venue": 0.20, "worker": 0.15, "postgres": 0.05, "decision": 0.10}),
    2: ("medium", 90, {"venue": 0.40, "worker": 0.25, "postgres": 0.08, "decision": 0.20}),
    3: ("heavy", 180, {"venue": 0.70, "worker": 0.40, "postgres": 0.10, "decision": 0.35}),
    4: ("extreme", 365, {"venue": 1.00, "worker": 0.50, "postgres": 0.12, "decision": 0.50}),
}

#: ``ghost_fill`` is supported by the venue (predator.chaos.venue) but not scheduled: the strategies send market
#: orders, which fill in the next bar before a ghost can be reported, and the recovery of a real ghost fill needs
#: a book correction that no runbook step provides yet (docs/chaos.md).
VENUE_KINDS = ("network_down", "timeout_after_accept", "duplicate_fills")
KILL_PHASES = ("hour", "after_admission", "after_ack", "mid_close")
DECISION_KINDS = ("overtrade", "repeat_refused", "corrupt_scores")
LAYERS = ("venue", "worker", "postgres", "decision")


def component_rng(seed: int, component: str) -> random.Random:
    """The seeded generator of one component of a campaign (the one place a campaign draws randomness):
    :func:`predator.seams.rng` under the name ``chaos.<component>``."""
    return seams.rng(f"chaos.{component}", seed)


@dataclass(frozen=True, order=True)
class Fault:
    """One scheduled fault: at business hour ``hour`` (0 = the campaign's first decision time), on ``layer``,
    of ``kind``, with ``params`` (sorted (name, value) pairs; values int or str)."""

    hour: int
    layer: str
    kind: str
    params: tuple[tuple[str, int | str], ...] = ()

    def param(self, name: str, default: int | str | None = None) -> Any:
        return dict(self.params).get(name, default)

    @property
    def hours(self) -> int:
        return int(self.param("hours", 1))

    def as_dict(self) -> dict[str, Any]:
        return {"hour": self.hour, "layer": self.layer, "kind": self.kind, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Fault:
        return cls(int(d["hour"]), d["layer"], d["kind"], tuple(sorted(d.get("params", {}).items())))


def liveness_hours(days: int) -> int:
    """The fault-free hours at the end of a campaign of ``days`` days: a tenth of it, at least 12 hours."""
    return max(12, days * 24 // 10)


def faulted_hours(days: int) -> int:
    """The hours of a campaign in which faults may start (after a first fault-free day of warm-up when the
    campaign has room for it, before the liveness phase)."""
    return max(0, days * 24 - liveness_hours(days))


def _first_fault_hour(days: int) -> int:
    return 24 if days >= 5 else 2


def _count(rate: float, days: int) -> int:
    return max(1, round(rate * days))


def build(campaign: int, seed: int, days: int | None = None, symbols: tuple[str, ...] = ()) -> list[Fault]:
    """The schedule of campaign ``campaign`` (1..4) for ``seed`` over ``days`` days (default: the campaign's):
    faults sorted by hour, at most one worker kill and one database stop per hour, and none in the liveness
    phase. The same arguments always give the same list."""
    if campaign not in INTENSITY:
        raise ValueError(f"unknown campaign {campaign}: use 1 (light), 2 (medium), 3 (heavy) or 4 (extreme)")
    _, default_days, rates = INTENSITY[campaign]
    days = default_days if days is None else days
    if days < 1:
        raise ValueError("a campaign needs at least one day")
    first, end = _first_fault_hour(days), faulted_hours(days)
    if end <= first:
        return []
    faults: list[Fault] = []
    rng = component_rng(seed, "venue")
    for _ in range(_count(rates["venue"], days)):
        kind = rng.choice(VENUE_KINDS)
        hours = 1 if kind in ("timeout_after_accept", "ghost_fill") else rng.randint(1, 3)
        at = rng.randrange(first, end)
        faults.append(Fault(at, "venue", kind, (("hours", min(hours, end - at)),)))
    rng = component_rng(seed, "worker")
    kill_hours = sorted(rng.sample(range(first, end), min(end - first, _count(rates["worker"], days))))
    for h in kill_hours:
        delay = rng.randint(0, 30)
        faults.append(Fault(h, "worker", "sigkill", (("delay_ms", delay), ("phase", rng.choice(KILL_PHASES)))))
    rng = component_rng(seed, "postgres")
    free = [h for h in range(first, end) if h not in set(kill_hours)]
    for h in sorted(rng.sample(free, min(len(free), _count(rates["postgres"], days)))):
        faults.append(Fault(h, "postgres", "immediate_stop", (("down_ms", rng.randint(200, 2000)),)))
    rng = component_rng(seed, "decision")
    for _ in range(_count(rates["decision"], days)):
        kind = rng.choice(DECISION_KINDS)
        target = rng.choice(symbols) if symbols else "*"
        at, hours = rng.randrange(first, end), rng.randint(1, 6)
        faults.append(Fault(at, "decision", kind, (("hours", min(hours, end - at)), ("symbol", target))))
    return sorted(faults)


def digest(faults: list[Fault]) -> str:
    """sha256 of the schedule's canonical JSON (stored with the campaign; equal schedules, equal digests)."""
    canonical = json.dumps([f.as_dict() for f in faults], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def of_layer(faults: list[Fault], layer: str) -> list[Fault]:
    return [f for f in faults if f.layer == layer]
