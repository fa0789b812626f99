"""The fault schedule of a campaign: from (campaign, seed, days, symbols), a deterministic list of faults.

Every fault is a frozen :class:`Fault` at a business hour (an index from the campaign's first hour) on one
layer:

* ``venue`` — faults of the paper venue (:mod:`predator.chaos.venue`), for ``hours`` hours from ``hour``:
  ``network_down``, ``http_5xx``, ``rate_limit_429``, ``ip_ban_418``, ``dropped_connection``,
  ``timeout_after_accept``, ``latency``, ``partial_fill_storm``, ``duplicate_fills``, ``out_of_order``; and one
  terminal fault per campaign (``ghost_fill`` or ``withdrawal``) late in the faulted phase;
* ``worker`` — ``sigkill`` of the worker process: at ``phase`` ``hour`` the supervisor sends SIGKILL once the
  hour closed (plus a seeded delay of a few milliseconds); at ``after_admission`` / ``after_ack`` /
  ``mid_close`` / ``mid_fill_relay`` the worker kills itself with SIGKILL at that point of the hour
  (:mod:`predator.chaos.killpoints`); ``freeze``: the supervisor stops the worker (SIGSTOP) for ``freeze_ms``
  (5-10 s) once the hour closed, then lets it go on (SIGCONT): delayed event delivery;
* ``postgres`` — ``immediate_stop``: the cluster is stopped in immediate mode (no checkpoint, the next start
  recovers from the WAL) while the worker runs, then started again; ``terminate_backends``: the server drops
  the worker's sessions (``pg_terminate_backend``);
* ``decision`` — faults of a strategy's decisions (:mod:`predator.chaos.decisions`) for ``hours`` hours:
  ``overtrade`` (10× the size on every symbol every hour), ``repeat_refused`` (the same oversized idea again
  and again), ``corrupt_scores`` (confidence and edge scores corrupted);
* ``feed`` — faults of the data feed (:mod:`predator.chaos.feed`: the campaign runs sync-fed, its bars delivered
  hour by hour by the chaos feeder) for ``hours`` hours from ``hour``: ``feed_stall`` (nothing delivered, one
  catch-up batch after), ``flat_candles`` (bars flat at the previous close, volume 0), ``late_revision`` (the bar
  closing at ``hour`` first arrives with a preliminary close, the real one at ``hour + hours - 1``),
  ``single_venue_print`` (one seeded symbol's bar with a 30-40 % wick), ``ingest_kill`` (the feeder process
  loading the hour's batch SIGKILLed at kill point ``mid_ingest``, then the hour delivered again);
* ``memory`` — ``memory_leak``: over ``hours`` hours the worker allocates and keeps 24-40 MB an hour
  (:mod:`predator.chaos.memleak`, seed 001 C2), released after the window; the campaign sets the book's
  ``worker_rss_mb`` breaker so that the database notices;
* ``operator`` — ``kill_switch``: after the worker closed ``hour``, the scripted operator throws the kill switch
  (``api.kill_switch`` with ``flatten``) and the worker carries it out with kill point ``mid_kill_switch`` armed
  (it SIGKILLs itself inside the handling: resting orders canceled at the venue, not yet recorded, the flatten's
  exits not yet sent); campaigns :data:`KILL_SWITCH_CAMPAIGNS`.

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
    1: ("light", 30, {"venue": 0.20, "worker": 0.15, "postgres": 0.05, "decision": 0.10, "feed": 0.10,
                      "memory": 0.03}),
    2: ("medium", 90, {"venue": 0.40, "worker": 0.25, "postgres": 0.08, "decision": 0.20, "feed": 0.20,
                       "memory": 0.04}),
    3: ("heavy", 180, {"venue": 0.70, "worker": 0.40, "postgres": 0.10, "decision": 0.35, "feed": 0.35,
                       "memory": 0.05}),
    4: ("extreme", 365, {"venue": 1.00, "worker": 0.50, "postgres": 0.12, "decision": 0.50, "feed": 0.50,
                         "memory": 0.06}),
}

#: Venue faults drawn at random (predator.chaos.venue), with their length in hours (lowest, highest).
VENUE_KINDS = ("network_down", "timeout_after_accept", "duplicate_fills", "http_5xx", "rate_limit_429", "ip_ban_418",
               "dropped_connection", "latency", "partial_fill_storm", "out_of_order")
_VENUE_HOURS = {"timeout_after_accept": (1, 1), "ip_ban_418": (1, 1), "dropped_connection": (1, 1),
                "latency": (1, 6), "partial_fill_storm": (2, 8), "out_of_order": (1, 6)}
#: Venue faults no runbook step recovers from (the venue account differs from the book for good: a fill the
#: venue never made, a withdrawal by someone else): one per campaign, late in the faulted phase, ending the
#: account's trading (docs/chaos.md "Faults that end an account's trading").
TERMINAL_KINDS = ("ghost_fill", "withdrawal")
#: ``freeze``: the supervisor stops the worker (SIGSTOP) for 5-10 s and lets it go on (SIGCONT).
KILL_PHASES = ("hour", "after_admission", "after_ack", "mid_close", "mid_fill_relay", "freeze")
POSTGRES_KINDS = ("immediate_stop", "terminate_backends")
DECISION_KINDS = ("overtrade", "repeat_refused", "corrupt_scores")
#: Feed faults (predator.chaos.feed) with their length in hours (lowest, highest); a ``late_revision``'s length
#: runs from the bar's close to its revision.
FEED_KINDS = ("feed_stall", "flat_candles", "late_revision", "single_venue_print", "ingest_kill")
_FEED_HOURS = {"feed_stall": (2, 5), "flat_candles": (3, 5), "late_revision": (2, 6), "single_venue_print": (1, 1),
               "ingest_kill": (1, 1)}
#: Hours of a ``memory_leak`` window (lowest, highest).
LEAK_HOURS = (4, 8)
#: Campaigns whose scripted operator throws the kill switch once (with ``mid_kill_switch`` armed).
KILL_SWITCH_CAMPAIGNS = (2, 3, 4)
LAYERS = ("venue", "worker", "postgres", "decision", "feed", "memory", "operator")


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
        hours = rng.randint(*_VENUE_HOURS.get(kind, (1, 3)))
        at = rng.randrange(first, end)
        faults.append(Fault(at, "venue", kind, (("hours", min(hours, end - at)),)))
    rng = component_rng(seed, "venue_terminal")
    kind = rng.choice(TERMINAL_KINDS)
    at = rng.randrange(max(first, end - 24), max(first + 1, end - 6))
    # A ghost fill hits the orders of the first hour from ``at`` that places any (the window runs to the end of
    # the faults); a withdrawal happens once, at ``at``.
    if kind == "ghost_fill":
        faults.append(Fault(at, "venue", kind, (("hours", end - at),)))
    else:
        faults.append(Fault(at, "venue", kind, (("amount", str(rng.choice((100, 250, 500)))), ("hours", 1))))
    rng = component_rng(seed, "worker")
    kill_hours = sorted(rng.sample(range(first, end), min(end - first, _count(rates["worker"], days))))
    for h in kill_hours:
        delay = rng.randint(0, 30)
        phase = rng.choice(KILL_PHASES)
        if phase == "freeze":
            faults.append(Fault(h, "worker", "freeze", (("delay_ms", delay), ("freeze_ms", rng.randint(5000, 10000)),
                                                        ("phase", "hour"))))
        else:
            faults.append(Fault(h, "worker", "sigkill", (("delay_ms", delay), ("phase", phase))))
    rng = component_rng(seed, "postgres")
    free = [h for h in range(first, end) if h not in set(kill_hours)]
    for h in sorted(rng.sample(free, min(len(free), _count(rates["postgres"], days)))):
        faults.append(Fault(h, "postgres", "immediate_stop", (("down_ms", rng.randint(200, 2000)),)))
    # Dropped connections: the worker's sessions terminated by the server (pg_terminate_backend).
    rng = component_rng(seed, "postgres_sessions")
    taken = set(kill_hours) | {f.hour for f in faults if f.layer == "postgres"}
    free = [h for h in range(first, end) if h not in taken]
    for h in sorted(rng.sample(free, min(len(free), _count(rates["postgres"], days)))):
        faults.append(Fault(h, "postgres", "terminate_backends", (("delay_ms", rng.randint(0, 30)),)))
    rng = component_rng(seed, "decision")
    for _ in range(_count(rates["decision"], days)):
        kind = rng.choice(DECISION_KINDS)
        target = rng.choice(symbols) if symbols else "*"
        at, hours = rng.randrange(first, end), rng.randint(1, 6)
        faults.append(Fault(at, "decision", kind, (("hours", min(hours, end - at)), ("symbol", target))))
    faults += _feed(seed, rates["feed"], days, first, end, faults)
    rng = component_rng(seed, "memory")
    for _ in range(_count(rates["memory"], days)):
        hours = rng.randint(*LEAK_HOURS)
        at = rng.randrange(first, max(first + 1, end - hours))
        faults.append(Fault(at, "memory", "memory_leak", (("hours", min(hours, end - at)),)))
    if campaign in KILL_SWITCH_CAMPAIGNS:
        faults += _kill_switch(seed, first, faults)
    return sorted(faults)


def _feed(seed: int, rate: float, days: int, first: int, end: int, others: list[Fault]) -> list[Fault]:
    """The feed layer (``component_rng(seed, "feed")``): windows that neither overlap nor touch each other (the
    feeder's faults are judged one at a time), inside the faulted phase; an ``ingest_kill`` never at the hour after
    a database stop or dropped sessions (the stop would end the feeder process before its kill point)."""
    rng = component_rng(seed, "feed")
    busy: set[int] = set()
    after_db = {f.hour + 1 for f in others if f.layer == "postgres"}
    out: list[Fault] = []
    for _ in range(_count(rate, days)):
        kind = rng.choice(FEED_KINDS)
        hours = rng.randint(*_FEED_HOURS[kind])
        for _try in range(20):
            at = rng.randrange(first, max(first + 1, end - hours + 1))
            span = set(range(at - 1, at + hours + 1))
            if at + hours <= end and not span & busy and not (kind == "ingest_kill" and at in after_db):
                busy |= span
                out.append(Fault(at, "feed", kind, (("hours", hours),)))
                break
    return out


def _kill_switch(seed: int, first: int, others: list[Fault]) -> list[Fault]:
    """The operator layer (``component_rng(seed, "kill_switch")``): one kill switch, with ``flatten``, after an hour
    with no worker or database fault and outside every venue and feed window from it to two hours later (the
    operator resumes at the segment two hours on, once its effects hold), and at least six hours before the
    terminal venue fault (whose global halt the kill switch's resume must not lift)."""
    rng = component_rng(seed, "kill_switch")
    terminal = min((f.hour for f in others if f.kind in TERMINAL_KINDS), default=first)
    taken = {f.hour for f in others if f.layer in ("worker", "postgres")}
    # Nor inside a venue or feed window: the flatten's exits fill at the next hour, on bars that came.
    taken |= {h for f in others if f.layer in ("venue", "feed") and f.kind not in TERMINAL_KINDS
              for h in range(f.hour, f.hour + f.hours)}
    free = [h for h in range(first, terminal - 6) if not {h, h + 1, h + 2} & taken]
    if not free:
        return []
    return [Fault(rng.choice(free), "operator", "kill_switch", (("flatten", 1), ("phase", "mid_kill_switch")))]


def digest(faults: list[Fault]) -> str:
    """sha256 of the schedule's canonical JSON (stored with the campaign; equal schedules, equal digests)."""
    canonical = json.dumps([f.as_dict() for f in faults], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def of_layer(faults: list[Fault], layer: str) -> list[Fault]:
    return [f for f in faults if f.layer == layer]
