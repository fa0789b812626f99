"""The emulator's clock: the wall clock, or simulated time running X simulated seconds per wall second.

Business time (the time orders carry, the candles the venue has closed, the server time it reports) is
this clock. Request timestamps and nonces (Binance ``timestamp``/``recvWindow``, Kraken ``nonce``) are
transport matters and are checked against the host's wall clock, as a client signs them.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from predator import seams


class Clock:
    """``rate`` None: the wall clock. Otherwise simulated time = ``start`` + rate × wall seconds elapsed
    (+ any jumps made with :meth:`advance`). Time never goes backwards."""

    def __init__(self, start: datetime | None = None, rate: float | None = None) -> None:
        if rate is not None and rate < 0:
            raise ValueError("clock rate must be >= 0")
        self._lock = threading.Lock()
        self.rate = rate
        self._origin = (start or seams.wall_now()).astimezone(UTC)
        self._t0 = seams.monotonic()
        self._offset = timedelta(0)

    @classmethod
    def parse(cls, spec: str, start: datetime | None = None) -> Clock:
        """``wall`` or ``warp:X`` (X simulated seconds per wall second, e.g. ``warp:3600``)."""
        if spec == "wall":
            if start is not None:
                raise ValueError("--start needs a warped clock (warp:X); the wall clock starts now")
            return cls(None, None)
        if spec.startswith("warp:"):
            try:
                rate = float(spec.split(":", 1)[1])
            except ValueError as e:
                raise ValueError(f"bad clock {spec!r}: warp:X needs a number X") from e
            return cls(start, rate)
        raise ValueError(f"bad clock {spec!r}: use wall or warp:X")

    def now(self) -> datetime:
        with self._lock:
            if self.rate is None:
                return seams.wall_now() + self._offset
            elapsed = (seams.monotonic() - self._t0) * self.rate
            return self._origin + timedelta(seconds=elapsed) + self._offset

    def advance(self, seconds: float) -> datetime:
        """Jump forward by ``seconds`` of simulated time (tests, the admin endpoint)."""
        if seconds < 0:
            raise ValueError("the clock never goes backwards")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def advance_to(self, when: datetime) -> datetime:
        """Jump forward to ``when`` (no-op when the clock is already past it)."""
        delta = (when - self.now()).total_seconds()
        return self.advance(delta) if delta > 0 else self.now()

    def set_rate(self, rate: float) -> None:
        """Change the warp rate from now on (simulated time continues from its current value)."""
        if self.rate is None:
            raise ValueError("the wall clock has no rate")
        if rate < 0:
            raise ValueError("clock rate must be >= 0")
        now = self.now()
        with self._lock:
            self._origin, self._t0, self._offset, self.rate = now, seams.monotonic(), timedelta(0), rate

    def describe(self) -> str:
        return "wall" if self.rate is None else f"warp:{self.rate:g}"
