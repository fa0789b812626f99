"""Venue errors: one table that classifies them, their translation, and bounded retries — shared by market
data (ccxt backfill and sync) and the live venue adapter (:mod:`predator.venues.ccxt_venue`).

:data:`ERROR_TABLE` maps a ccxt exception — and the venue codes ccxt misclassifies — to one
:class:`Action`:

* ``retry``: nothing is wrong with the request or the account; asking again later may work (timeouts,
  5xx, dropped connections, rate limits, a rejected nonce). A read is retried with bounded backoff. An
  order submission is never retried here: when the rule says the venue may have accepted it
  (``sent_unknown``) it becomes :class:`~predator.errors.OutcomeUnknownError` and is resolved by client
  order id; otherwise (the venue refused it before processing: rate limit, nonce) a plain
  :class:`~predator.errors.TransientVenueError`;
* ``refuse``: the venue answered and refused (insufficient funds, invalid order, unknown symbol, unknown
  order): :class:`~predator.errors.VenueRefusedError`, never retried (``not_found`` when the venue does not
  know the order named);
* ``halt``: the key was refused or lost its rights, the account is locked, the address is banned, or the
  error is not a ccxt error at all: :class:`~predator.errors.VenueHaltError`; the relay reports it to the
  database, which halts (the ``venue_fatal_error`` breaker).

The first matching row wins: the venue-specific rows (a code or message in the exception's text, for the
venue that raised it) come before the generic rows (by ccxt class, most specific first). Translation keeps
the cause: ``raise ... from e``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

import ccxt

from predator import redaction
from predator.errors import (
    OutcomeUnknownError,
    TransientVenueError,
    VenueError,
    VenueHaltError,
    VenueRefusedError,
)

T = TypeVar("T")


class Action(Enum):
    """What to do about a venue error (see the module docstring)."""

    RETRY = "retry"
    REFUSE = "refuse"
    HALT = "halt"


@dataclass(frozen=True)
class ErrorRule:
    """One row of :data:`ERROR_TABLE`.

    ``error``: the ccxt class the exception must be an instance of; ``venue``: the ccxt exchange id it
    applies to (None: every venue); ``marker``: text the exception's message must contain (a venue code
    such as ``-1006`` or ``EOrder:Unknown order``; None: any); ``sent_unknown``: on a write, the venue may
    have acted on the request; ``not_found``: the venue does not know the order named; ``why``: the reason,
    for logs and the table's tests."""

    error: type[ccxt.BaseError]
    action: Action
    venue: str | None = None
    marker: str | None = None
    sent_unknown: bool = False
    not_found: bool = False
    why: str = ""

    def matches(self, e: BaseException, venue: str | None) -> bool:
        return (
            isinstance(e, self.error)
            and (self.venue is None or self.venue == venue)
            and (self.marker is None or self.marker in str(e))
        )


R, F, H = Action.RETRY, Action.REFUSE, Action.HALT

#: Venue codes ccxt misclassifies (or classifies in a way that would do harm here), then ccxt's classes.
ERROR_TABLE: tuple[ErrorRule, ...] = (
    # --- Binance ------------------------------------------------------------------------------------------
    ErrorRule(ccxt.OperationFailed, R, "binance", "-1006", sent_unknown=True,
              why="-1006 unexpected response from the message bus: execution status unknown (ccxt: OperationFailed)"),
    ErrorRule(ccxt.RequestTimeout, R, "binance", "-1007", sent_unknown=True,
              why="-1007 timeout waiting for the backend: send and execution status unknown"),
    ErrorRule(ccxt.OperationFailed, R, "binance", "-1000", sent_unknown=True,
              why="-1000 unknown error while processing the request (ccxt: OperationFailed)"),
    ErrorRule(ccxt.OperationFailed, R, "binance", "-1001", sent_unknown=True,
              why="-1001 internal error; the request may have been processed (ccxt: OperationFailed)"),
    ErrorRule(ccxt.OperationFailed, R, "binance", "-1008",
              why="-1008 server busy: the request was throttled before processing (ccxt: OperationFailed)"),
    ErrorRule(ccxt.InvalidOrder, R, "binance", "Duplicate order sent", sent_unknown=True,
              why="-2010 duplicate client order id: an open order holds it; resolve by client order id "
                  "(ccxt: InvalidOrder)"),
    ErrorRule(ccxt.DDoSProtection, H, "binance", " 418 ",
              why="HTTP 418: the address is banned for ignoring 429s; every further request extends the ban "
                  "(ccxt: DDoSProtection)"),
    ErrorRule(ccxt.DDoSProtection, H, "binance", "-2015",
              why="-2015 invalid key, IP or permissions after a successful call: the key was revoked or "
                  "restricted (ccxt: DDoSProtection)"),
    # --- Kraken -------------------------------------------------------------------------------------------
    ErrorRule(ccxt.InvalidOrder, F, "kraken", "EOrder:Unknown order", not_found=True,
              why="EOrder:Unknown order: the venue does not know the order (ccxt: InvalidOrder)"),
    ErrorRule(ccxt.ExchangeError, H, "kraken", "EAPI:Invalid signature",
              why="EAPI:Invalid signature: the secret does not sign for this key (ccxt: ExchangeError)"),
    ErrorRule(ccxt.ExchangeError, H, "kraken", "EAPI:Feature disabled",
              why="EAPI:Feature disabled: the key lacks a right the call needs (ccxt: ExchangeError)"),
    ErrorRule(ccxt.ExchangeError, R, "kraken", "EOrder:Duplicate order", sent_unknown=True,
              why="duplicate cl_ord_id: an open order holds it; resolve by client order id (ccxt: ExchangeError)"),
    ErrorRule(ccxt.ExchangeError, R, "kraken", "EGeneral:Unknown method",
              why="EGeneral:Unknown method: the venue's API moved (ccxt: ExchangeError); nothing was done"),
    ErrorRule(ccxt.OnMaintenance, R, "kraken", "EService:Market in",
              why="market in cancel_only or post_only mode: the order was refused before matching"),
    ErrorRule(ccxt.ExchangeError, R, "kraken", "EService:Deadline elapsed", sent_unknown=True,
              why="EService:Deadline elapsed: the engine may have taken the order (ccxt: ExchangeError)"),
    ErrorRule(ccxt.ExchangeError, F, "kraken", "EOrder:Orders limit exceeded",
              why="too many open orders: this order is refused"),
    # --- every venue: ccxt's classes, most specific first -------------------------------------------------
    ErrorRule(ccxt.OrderNotFound, F, not_found=True, why="the venue does not know the order"),
    ErrorRule(ccxt.DuplicateOrderId, R, sent_unknown=True, why="duplicate client order id: resolve by client order id"),
    ErrorRule(ccxt.InsufficientFunds, F, why="insufficient funds: the order is refused"),
    ErrorRule(ccxt.InvalidOrder, F, why="invalid order: refused by the venue"),
    ErrorRule(ccxt.AccountSuspended, H, why="the account is suspended or locked"),
    ErrorRule(ccxt.PermissionDenied, H, why="the key lacks the permission (or has one it must not)"),
    ErrorRule(ccxt.AuthenticationError, H, why="the key or its signature was refused"),
    ErrorRule(ccxt.BadSymbol, F, why="unknown symbol"),
    ErrorRule(ccxt.BadRequest, F, why="bad request: refused by the venue"),
    ErrorRule(ccxt.ArgumentsRequired, F, why="a required argument is missing (a defect)"),
    ErrorRule(ccxt.NotSupported, F, why="not supported by the venue (a defect)"),
    ErrorRule(ccxt.RequestTimeout, R, sent_unknown=True, why="timeout: the venue may have acted"),
    ErrorRule(ccxt.DDoSProtection, R, why="rate limited: refused before processing"),
    ErrorRule(ccxt.RateLimitExceeded, R, why="rate limited: refused before processing"),
    ErrorRule(ccxt.InvalidNonce, R, why="nonce or timestamp refused before processing"),
    ErrorRule(ccxt.ExchangeNotAvailable, R, sent_unknown=True, why="venue unavailable (5xx, maintenance)"),
    ErrorRule(ccxt.NetworkError, R, sent_unknown=True, why="connection failed or dropped"),
    ErrorRule(ccxt.BadResponse, R, sent_unknown=True, why="an answer that cannot be parsed"),
    ErrorRule(ccxt.CancelPending, R, sent_unknown=True, why="a cancel is pending"),
    ErrorRule(ccxt.OperationFailed, R, sent_unknown=True, why="the operation failed at the venue"),
    ErrorRule(ccxt.ExchangeError, F, why="refused by the venue (no finer class)"),
    ErrorRule(ccxt.BaseError, H, sent_unknown=True, why="a ccxt error no rule classifies"),
)

#: The rule for anything that is not a ccxt error (a defect in ccxt or here): halt.
UNCLASSIFIED = ErrorRule(ccxt.BaseError, H, sent_unknown=True, why="not a ccxt error")


def classify(e: BaseException, venue: str | None = None) -> ErrorRule:
    """The first rule of :data:`ERROR_TABLE` that matches ``e`` raised by ``venue`` (a ccxt exchange id)."""
    for rule in ERROR_TABLE:
        if rule.matches(e, venue):
            return rule
    return UNCLASSIFIED


def translate(e: BaseException, what: str, venue: str | None = None, write: bool = False) -> VenueError:
    """The Predator error for a ccxt error by its rule: TransientVenueError (retry; OutcomeUnknownError for a
    ``write`` the venue may have acted on), VenueRefusedError (refuse), VenueHaltError (halt)."""
    rule = classify(e, venue)
    # A venue's error may echo a request: registered secrets are masked in the message and in ``e`` itself
    # (scrubbed in place) before anything keeps or logs them (predator.redaction).
    text = f"{what}: {type(e).__name__}: {redaction.redact(str(redaction.scrub_exception(e)))}"
    err: VenueError
    if rule.action is Action.HALT:
        err = VenueHaltError(f"{text} [halt: {rule.why}]", outcome_unknown=write and rule.sent_unknown)
    elif rule.action is Action.REFUSE:
        err = VenueRefusedError(text, not_found=rule.not_found)
    elif write and rule.sent_unknown:
        err = OutcomeUnknownError(f"{text} [outcome unknown: {rule.why}]")
    else:
        err = TransientVenueError(text)
    return err


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
    """Runs venue reads under a :class:`RetryPolicy`; counts the retries it made. ``venue``: the ccxt
    exchange id whose codes :func:`classify` applies."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    retries: int = 0
    venue: str | None = None

    def call(self, fn: Callable[[], T], what: str) -> T:
        """``fn()``; errors whose rule says retry are retried, then raised as TransientVenueError; the others
        (refuse, halt) are translated and raised at once. Never use it for an order submission."""
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return fn()
            except ccxt.BaseError as e:
                if classify(e, self.venue).action is not Action.RETRY:
                    raise translate(e, what, self.venue) from e
                if attempt == self.policy.attempts:
                    last = redaction.redact(str(redaction.scrub_exception(e)))
                    raise TransientVenueError(
                        f"{what}: {type(e).__name__} on each of {attempt} attempts (last: {last})"
                    ) from e
                self.retries += 1
                self.sleep(self.policy.delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover
