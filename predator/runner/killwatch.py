"""Carry out the kill switch at once: LISTEN on channel ``predator_kill`` and, on notification, have the
runner cancel every order the database marked and send the reduce-only exits it created.

The kill switch is decided in the database (``api.kill_switch``); this only shortens the time until the
venue hears of it. Without a watcher, the runner carries out the same requests at its next hour.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import structlog

from predator import seams
from predator.db import notify
from predator.db.connection import Target

log = structlog.get_logger("predator.killwatch")


class KillWatch:
    """A thread that waits for ``predator_kill`` notifications and calls ``on_kill`` for each."""

    def __init__(self, target: Target, on_kill: Callable[[], object], label: str | None = None) -> None:
        self.target = target
        self.on_kill = on_kill
        #: The account this watch acts for: its session shows as predator-killwatch:<label> (api.kill_listeners).
        self.label = label
        self.handled = 0
        self.last_handled_at: float | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="killwatch", daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(10)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _loop(self) -> None:
        with notify.listen(self.target, channels=(notify.KILL_CHANNEL,), role="worker",
                           label=self.label) as listener:
            self._ready.set()
            while not self._stop.is_set():
                for note in listener.wait(timeout_s=0.2, stop_after=1):
                    log.warning("kill_switch_received", payload=note.payload)
                    self.on_kill()
                    self.handled += 1
                    self.last_handled_at = seams.monotonic()


def business_now(runner_last_hour: datetime | None, fallback: datetime) -> datetime:
    """The business time at which a runner carries out a kill switch: its last closed hour."""
    return runner_last_hour or fallback
