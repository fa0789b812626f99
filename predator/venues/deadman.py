"""The dead-man switch of a live venue account: resting orders must not outlive the worker that watches them.

:class:`DeadManSwitch` runs in its own thread beside the worker. The worker calls :meth:`DeadManSwitch.beat`
whenever it is alive (its scheduler's heartbeat). Every ``refresh_s`` seconds (drawn in 15–30 s by default)
the switch looks at the last beat:

* **heartbeat fresh** (no older than ``timeout_s``, 60 s by default): on a venue with its own switch
  (Kraken ``CancelAllOrdersAfter``) it is re-armed with ``timeout_s``, so the venue cancels every open order
  when the refreshes stop — the process crashed, hung, or lost the network. Binance has no such switch for
  spot: nothing to refresh.
* **heartbeat lost** (older than ``timeout_s``): the worker is alive enough to run this thread but not to
  trade (a hung hour, a lost database): the switch stops refreshing and cancels every open order of the
  traded symbols itself (:meth:`~predator.venues.ccxt_venue.CcxtVenue.cancel_symbol`), once per loss. On
  Binance this watchdog is the only switch; it cannot outlive the process that runs it.

Venue calls go through the adapter's lock (one ccxt instance per key); a failed call is logged and tried
again on the next tick (a Kraken switch whose refresh fails fires on its own). Nothing here touches the
database: the book learns of the cancels from the relay's next poll.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import structlog

from predator import seams
from predator.errors import VenueError

log = structlog.get_logger("predator.deadman")


class DeadManVenue(Protocol):
    """What the switch needs of a venue (:class:`~predator.venues.ccxt_venue.CcxtVenue` provides it)."""

    name: str

    def arm_dead_man(self, timeout_s: int) -> datetime | None: ...

    def cancel_symbol(self, symbol: str) -> int: ...


@dataclass
class DeadManSwitch:
    """The switch for one venue account and its traded ``symbols`` (see the module docstring).

    ``timeout_s``: seconds without a beat before the worker counts as lost, and the venue-side timeout
    (Kraken: orders canceled that long after the last refresh); ``refresh_s``: (min, max) seconds between
    ticks, drawn uniformly from ``rng``; ``clock``: monotonic seconds."""

    venue: DeadManVenue
    symbols: Sequence[str]
    timeout_s: int = 60
    refresh_s: tuple[float, float] = (15.0, 30.0)
    clock: Callable[[], float] = seams.monotonic
    rng: random.Random = field(default_factory=lambda: seams.rng("venues.deadman", seams.session_seed()))
    last_beat: float | None = None
    armed_until: datetime | None = None
    refreshes: int = 0
    cancels: int = 0
    _lost: bool = False
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        if not 0 < self.refresh_s[0] <= self.refresh_s[1] < self.timeout_s:
            raise ValueError(f"refresh every {self.refresh_s} s must be shorter than the timeout {self.timeout_s} s")
        if self.last_beat is None:
            self.last_beat = self.clock()

    def beat(self) -> None:
        """The worker is alive (call it from the worker's own loop, never from this switch's thread)."""
        self.last_beat = self.clock()
        self._lost = False

    def alive(self) -> bool:
        """Whether the last beat is no older than ``timeout_s``."""
        return self.last_beat is not None and self.clock() - self.last_beat <= self.timeout_s

    def tick(self) -> str:
        """One look at the heartbeat: ``armed`` (the venue's switch refreshed), ``idle`` (alive, nothing to
        refresh), ``canceled`` (lost: the traded symbols' open orders canceled), ``lost`` (already canceled
        for this loss) or ``failed`` (a venue call failed; tried again next tick)."""
        try:
            if self.alive():
                until = self.venue.arm_dead_man(self.timeout_s)
                if until is None:
                    return "idle"
                self.armed_until = until
                self.refreshes += 1
                return "armed"
            if self._lost:
                return "lost"
            canceled = sum(self.venue.cancel_symbol(s) for s in self.symbols)
            self._lost = True
            self.cancels += canceled
            log.error("dead_man_heartbeat_lost", venue=self.venue.name, canceled=canceled,
                      seconds_since_beat=round(self.clock() - (self.last_beat or 0), 1))
            return "canceled"
        except VenueError as e:
            log.warning("dead_man_call_failed", venue=self.venue.name, error=str(e))
            return "failed"

    def next_interval(self) -> float:
        return self.rng.uniform(*self.refresh_s)

    # --- the thread -----------------------------------------------------------------------------------------
    def start(self) -> DeadManSwitch:
        """Tick now, then every ``refresh_s`` in a daemon thread, until :meth:`stop`."""
        self._stop.clear()
        self.tick()
        self._thread = threading.Thread(target=self._run, name=f"dead-man-{self.venue.name}", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.next_interval()):
            self.tick()

    def stop(self, disarm: bool = False) -> None:
        """Stop ticking. The venue's switch stays armed (orders are canceled ``timeout_s`` after the last
        refresh unless another worker re-arms it) unless ``disarm``."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if disarm:
            try:
                self.venue.arm_dead_man(0)
                self.armed_until = None
            except VenueError as e:
                log.warning("dead_man_disarm_failed", venue=self.venue.name, error=str(e))

    def __enter__(self) -> DeadManSwitch:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
