"""The seams through which wall time and randomness enter Predator (issue 14, "Seeds and seams").

Business time is never read from the wall clock: a run's hours, a decision's time and every timestamp the
database records come from the run (its ``start``/``end`` and the hour it closes) or from the database
(``now()`` of the transaction). What is left of the wall clock — log timestamps, timeouts, deadlines,
elapsed seconds, "is this hour closed yet" — goes through the functions below, so that one place can be
replaced (a simulated clock, a frozen clock in a test) and so that a lint (``tests/unit/test_seams_lint.py``)
can refuse any other read of it in ``predator/``.

Randomness likewise: every generator is a :class:`random.Random` built here from an explicit integer seed,
per component (:func:`rng`), so that one seed reproduces a whole run or campaign. The only entropy taken from
the operating system is :func:`session_seed`, once per process, unless ``PREDATOR_SEED`` fixes it; nothing
that must replay draws from it (the paper venue draws from its configured seed). See docs/chaos.md.
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
import uuid
from datetime import UTC, date, datetime

#: The environment variable that fixes :func:`session_seed` (an integer).
SEED_ENV = "PREDATOR_SEED"

_session_lock = threading.Lock()
_session_seed: int | None = None


# --- the clock ------------------------------------------------------------------------------------------------
def wall_now() -> datetime:
    """The wall clock, UTC: for logs, timeouts, deadlines and "has this hour closed yet" — never a business
    time of a run."""
    return datetime.now(UTC)


def wall_today() -> date:
    """Today's date on the wall clock, UTC."""
    return wall_now().date()


def epoch_seconds() -> float:
    """Seconds since the Unix epoch on the wall clock (a venue's signed-request timestamps)."""
    return time.time()


def monotonic() -> float:
    """Monotonic seconds, for deadlines and elapsed times (never goes back, unrelated to the date)."""
    return time.monotonic()


def perf_counter() -> float:
    """The highest-resolution monotonic counter, for measuring durations."""
    return time.perf_counter()


def sleep(seconds: float) -> None:
    """Wait ``seconds`` of wall time."""
    time.sleep(seconds)


# --- randomness -----------------------------------------------------------------------------------------------
def derive_seed(component: str, seed: int) -> int:
    """The 64-bit seed of ``component``'s generator under ``seed``: the first eight bytes, big-endian, of
    sha256(``"<seed>|<component>"``). Different components draw independent streams from one seed, and adding
    a component does not shift the others' draws."""
    digest = hashlib.sha256(f"{seed}|{component}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def rng(component: str, seed: int) -> random.Random:
    """The generator of ``component`` (a dotted name, or any key such as a client order id) for ``seed``:
    the same pair always draws the same numbers, on every machine and Python version that keeps
    :class:`random.Random`'s algorithm (Mersenne Twister, stable since Python 3.2)."""
    return random.Random(derive_seed(component, seed))


def seeded(seed: int) -> random.Random:
    """A generator seeded with ``seed`` itself, for formats that declare their own seed (the staging
    emulator's fault plans: ``seed: 1`` in a plan draws what ``random.Random(1)`` draws)."""
    return random.Random(seed)


def session_seed() -> int:
    """This process's seed: ``PREDATOR_SEED`` when set, else drawn once from the operating system's entropy
    and kept. For generators whose draws need not replay but must not all start alike (a timer's jitter); a
    campaign sets ``PREDATOR_SEED`` (or :func:`set_session_seed`) to make even those reproducible."""
    global _session_seed
    with _session_lock:
        if _session_seed is None:
            text = os.environ.get(SEED_ENV)
            if text is not None:
                try:
                    _session_seed = int(text)
                except ValueError:
                    raise ValueError(f"{SEED_ENV} must be an integer, not {text!r}") from None
            else:
                _session_seed = int.from_bytes(os.urandom(8), "big")
        return _session_seed


def set_session_seed(seed: int) -> None:
    """Fix :func:`session_seed` for the rest of this process."""
    global _session_seed
    with _session_lock:
        _session_seed = int(seed)


def unique_hex(length: int) -> str:
    """``length`` hex digits that no other process draws (a scratch database's name): uniqueness, not chance —
    nothing a run records depends on them, and they must differ even between two runs of one seed."""
    return uuid.uuid4().hex[:length]
