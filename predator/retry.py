"""Venue errors and bounded retries, shared by market data (ccxt backfill) and the live venue adapter.

ccxt's network-level failures (``ccxt.NetworkError``: timeouts, connection errors, rate limiting, exchange
unavailable or in maintenance) are :class:`~predator.errors.TransientVenueError` and may be retried with
bounded exponential backoff; every other ccxt error is a :class:`~predator.errors.PermanentVenueError` and is
never retried. Translation keeps the cause: ``raise ... from e``, after masking any registered secret in it
and in the message (a venue's error may echo a request: :mod:`predator.redaction`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import ccxt

from predator import redaction
from predator.errors import PermanentVenueError, TransientVenueError

T = TypeVar("T")


def translate(e: ccxt.BaseError, what: str) -> TransientVenueError | PermanentVenueError:
    """The Predator error for a ccxt error (transient: ``ccxt.NetworkError`` and its subclasses); secrets
    are masked in both (``e`` is scrubbed in place)."""
    text = redaction.redact(str(redaction.scrub_exception(e)))
    if isinstance(e, ccxt.NetworkError):
        return TransientVenueError(f"{what}: {type(e).__name__}: {text}")
    return PermanentVenueError(f"{what}: {type(e).__name__}: {text}")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff: ``attempts`` tries in all, waiting base * 2^(n-1) (at most max) between."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


@dataclass
class Retrier:
    """Runs venue calls under a :class:`RetryPolicy`; counts the retries it made."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    retries: int = 0

    def call(self, fn: Callable[[], T], what: str) -> T:
        """``fn()``; transient ccxt errors are retried, then raised as TransientVenueError; others at once."""
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return fn()
            except ccxt.NetworkError as e:
                if attempt == self.policy.attempts:
                    last = redaction.redact(str(redaction.scrub_exception(e)))
                    raise TransientVenueError(
                        f"{what}: {type(e).__name__} on each of {attempt} attempts (last: {last})"
                    ) from e
                self.retries += 1
                self.sleep(self.policy.delay(attempt))
            except ccxt.BaseError as e:
                raise translate(e, what) from e
        raise AssertionError("unreachable")  # pragma: no cover
