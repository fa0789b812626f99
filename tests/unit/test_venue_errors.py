"""The venue error table (predator.retry.ERROR_TABLE), table-driven: each case is a venue's real error answer
(HTTP status and body, as Kraken and Binance document and send them) turned into an exception by ccxt's own
error handling, then classified. The Binance and Kraken codes ccxt misclassifies are among the cases; every
venue-specific row of the table is exercised."""

from __future__ import annotations

import json
from typing import Any

import ccxt
import pytest

from predator import errors
from predator.retry import ERROR_TABLE, UNCLASSIFIED, Action, Retrier, RetryPolicy, classify, translate

R, F, H = Action.RETRY, Action.REFUSE, Action.HALT
URL = {"binance": "https://api.binance.com/api/v3/order", "kraken": "https://api.kraken.com/0/private/AddOrder"}
_EXCHANGES: dict[str, ccxt.Exchange] = {}


def raised(venue: str, status: int, body: str) -> ccxt.BaseError:
    """The exception ccxt raises for this answer (its ``handle_errors``, then its HTTP status map, as
    ``Exchange.fetch`` does)."""
    ex = _EXCHANGES.setdefault(venue, getattr(ccxt, venue)({"apiKey": "k", "secret": "c2VjcmV0"}))
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        parsed = None
    reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 418: "I'm a teapot", 429: "Too Many Requests",
              500: "Internal Server Error", 503: "Service Unavailable", 504: "Gateway Timeout",
              520: "Unknown Error"}[status]
    try:
        ex.handle_errors(status, reason, URL[venue], "POST", {}, body, parsed, {}, "")
        ex.handle_http_status_code(status, reason, URL[venue], "POST", body)
    except ccxt.BaseError as e:
        return e
    raise AssertionError(f"ccxt raised nothing for {venue} {status} {body}")


def binance(status: int, code: int, msg: str) -> tuple[str, int, str]:
    return "binance", status, json.dumps({"code": code, "msg": msg})


def kraken(message: str) -> tuple[str, int, str]:
    return "kraken", 200, json.dumps({"error": [message]})


# (venue answer, the class ccxt raises, action, sent_unknown, not_found)
CASES: list[tuple[tuple[str, int, str], type[ccxt.BaseError], Action, bool, bool]] = [
    # --- Binance: codes ccxt misclassifies, or whose class would do harm here ------------------------------
    (binance(400, -1006, "An unexpected response was received from the message bus. Execution status unknown."),
     ccxt.OperationFailed, R, True, False),
    (binance(400, -1007, "Timeout waiting for response from backend server. Send status unknown; execution status "
                         "unknown."), ccxt.RequestTimeout, R, True, False),
    (binance(400, -1000, "An unknown error occurred while processing the request."),
     ccxt.OperationFailed, R, True, False),
    (binance(400, -1001, "Internal error; unable to process your request. Please try again."),
     ccxt.OperationFailed, R, True, False),
    (binance(400, -1008, "Server is currently overloaded with other requests. Please try again in a few minutes."),
     ccxt.OperationFailed, R, False, False),
    (binance(400, -2010, "Duplicate order sent."), ccxt.InvalidOrder, R, True, False),
    (binance(418, -1003, "Way too many requests; IP banned until 1700000000000."),
     ccxt.DDoSProtection, H, False, False),
    # --- Binance: classes ccxt gets right -----------------------------------------------------------------
    (binance(400, -2010, "Account has insufficient balance for requested action."),
     ccxt.InsufficientFunds, F, False, False),
    (binance(400, -1013, "Filter failure: LOT_SIZE"), ccxt.InvalidOrder, F, False, False),
    (binance(400, -1121, "Invalid symbol."), ccxt.BadSymbol, F, False, False),
    (binance(400, -2013, "Order does not exist."), ccxt.OrderNotFound, F, False, True),
    (binance(400, -2011, "Unknown order sent."), ccxt.OrderNotFound, F, False, True),
    (binance(400, -1021, "Timestamp for this request is outside of the recvWindow."),
     ccxt.InvalidNonce, R, False, False),
    (binance(401, -2015, "Invalid API-key, IP, or permissions for action."), ccxt.AuthenticationError, H, False, False),
    (binance(400, -1022, "Signature for this request is not valid."), ccxt.AuthenticationError, H, False, False),
    (binance(429, -1003, "Too many requests; current limit is 6000 request weight per 1 MINUTE."),
     ccxt.DDoSProtection, R, False, False),
    (binance(400, -1015, "Too many new orders; current limit is 100 orders per 10 SECOND."),
     ccxt.RateLimitExceeded, R, False, False),
    (("binance", 503, "<html><body><h1>503 Service Unavailable</h1></body></html>"), ccxt.ExchangeNotAvailable, R, True,
     False),
    (("binance", 504, "<html>Gateway Timeout</html>"), ccxt.RequestTimeout, R, True, False),
    # --- Kraken: codes ccxt misclassifies -------------------------------------------------------------------
    (kraken("EOrder:Unknown order"), ccxt.InvalidOrder, F, False, True),
    (kraken("EAPI:Invalid signature"), ccxt.ExchangeError, H, False, False),
    (kraken("EAPI:Feature disabled"), ccxt.ExchangeError, H, False, False),
    (kraken("EOrder:Duplicate order"), ccxt.ExchangeError, R, True, False),
    (kraken("EService:Deadline elapsed"), ccxt.ExchangeError, R, True, False),
    (kraken("EGeneral:Unknown method"), ccxt.ExchangeError, R, False, False),
    (kraken("EService:Market in cancel_only mode"), ccxt.OnMaintenance, R, False, False),
    (kraken("EOrder:Orders limit exceeded"), ccxt.ExchangeError, F, False, False),
    # --- Kraken: classes ccxt gets right --------------------------------------------------------------------
    (kraken("EAPI:Invalid key"), ccxt.AuthenticationError, H, False, False),
    (kraken("EGeneral:Permission denied"), ccxt.PermissionDenied, H, False, False),
    (kraken("ETrade:User Locked"), ccxt.AccountSuspended, H, False, False),
    (kraken("EAPI:Invalid nonce"), ccxt.InvalidNonce, R, False, False),
    (kraken("EAPI:Rate limit exceeded"), ccxt.DDoSProtection, R, False, False),
    (kraken("EOrder:Rate limit exceeded"), ccxt.DDoSProtection, R, False, False),
    (kraken("EService:Unavailable"), ccxt.ExchangeNotAvailable, R, True, False),
    (kraken("EService:Busy"), ccxt.ExchangeNotAvailable, R, True, False),
    (kraken("EGeneral:Internal error"), ccxt.ExchangeNotAvailable, R, True, False),
    (kraken("EOrder:Insufficient funds"), ccxt.InsufficientFunds, F, False, False),
    (kraken("EOrder:Order minimum not met"), ccxt.InvalidOrder, F, False, False),
    (kraken("EGeneral:Invalid arguments"), ccxt.BadRequest, F, False, False),
    (kraken("EQuery:Unknown asset pair"), ccxt.ExchangeError, F, False, False),
    (("kraken", 520, "<html>520</html>"), ccxt.ExchangeNotAvailable, R, True, False),
]


@pytest.mark.parametrize(("answer", "ccxt_class", "action", "sent_unknown", "not_found"), CASES,
                         ids=[f"{a[0]}-{a[1]}-{a[2][:60]}" for a, *_ in CASES])
def test_a_venue_answer_is_classified(answer: tuple[str, int, str], ccxt_class: type[ccxt.BaseError], action: Action,
                                      sent_unknown: bool, not_found: bool) -> None:
    venue = answer[0]
    e = raised(*answer)
    assert type(e) is ccxt_class, f"ccxt raised {type(e).__name__}: {e}"
    rule = classify(e, venue)
    assert (rule.action, rule.sent_unknown, rule.not_found) == (action, sent_unknown, not_found), rule.why
    written, read = translate(e, "op", venue, write=True), translate(e, "op", venue)
    if action is H:
        assert isinstance(written, errors.VenueHaltError) and isinstance(read, errors.VenueHaltError)
        # A halt the venue answered (418, a refused key) placed nothing: the relay records the order rejected.
        assert written.outcome_unknown is False and read.outcome_unknown is False
    elif action is F:
        assert type(written) is errors.VenueRefusedError and written.not_found is not_found
    elif sent_unknown:
        assert type(written) is errors.OutcomeUnknownError and type(read) is errors.TransientVenueError
    else:
        assert type(written) is errors.TransientVenueError and type(read) is errors.TransientVenueError


@pytest.mark.parametrize(("error", "action", "sent_unknown"), [
    (ccxt.NetworkError("kraken POST https://api.kraken.com/0/private/AddOrder: connection reset"), R, True),
    (ccxt.RequestTimeout("binance POST https://api.binance.com/api/v3/order 10000 ms"), R, True),
    (ccxt.NullResponse("binance returned an empty body"), R, True),
    (ccxt.ArgumentsRequired("binance fetchMyTrades() requires a symbol"), F, False),
    (ccxt.NotSupported("kraken fetchDepositAddresses() is not supported"), F, False),
    (ccxt.BaseError("something ccxt has no class for"), H, True),
    (ValueError("not a ccxt error"), H, True),
], ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v))
def test_transport_failures_and_defects_are_classified(error: BaseException, action: Action,
                                                      sent_unknown: bool) -> None:
    rule = classify(error, "binance")
    assert (rule.action, rule.sent_unknown) == (action, sent_unknown)
    if action is H:  # an error no rule classifies: the venue may have acted on a write; a read knows nothing
        written, read = translate(error, "op", "binance", write=True), translate(error, "op", "binance")
        assert isinstance(written, errors.VenueHaltError) and written.outcome_unknown is True
        assert isinstance(read, errors.VenueHaltError) and read.outcome_unknown is False


def binance_minus_2015_after_success() -> ccxt.BaseError:
    # ccxt turns -2015 into DDoSProtection once the key has authenticated ("a temporary ban").
    ex = ccxt.binance({"apiKey": "k", "secret": "s", "options": {"hasAlreadyAuthenticatedSuccessfully": True}})
    body = json.dumps({"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."})
    try:
        ex.handle_errors(401, "Unauthorized", URL["binance"], "POST", {}, body, json.loads(body), {}, "")
    except ccxt.BaseError as e:
        return e
    raise AssertionError("ccxt raised nothing")


def test_every_venue_specific_row_is_exercised() -> None:
    hit = {classify(raised(*a), a[0]) for a, *_ in CASES} | {classify(binance_minus_2015_after_success(), "binance")}
    missing = [f"{r.venue} {r.marker}" for r in ERROR_TABLE if r.venue is not None and r not in hit]
    assert not missing, f"venue rows without a case: {missing}"
    # a venue row never shadows another venue: it applies to its venue only
    e = raised(*kraken("EOrder:Unknown order"))
    assert classify(e, "binance").not_found is False and classify(e, "kraken").not_found is True
    assert classify(ValueError(), None) is UNCLASSIFIED


def test_binance_minus_2015_after_a_successful_call_halts() -> None:
    # For a trading key, "a temporary ban" on -2015 is a key revoked or restricted: it halts.
    e = binance_minus_2015_after_success()
    assert type(e) is ccxt.DDoSProtection and classify(e, "binance").action is H


def test_reads_retry_only_what_the_table_says_to_retry() -> None:
    slept: list[float] = []
    calls: list[int] = []

    def refused() -> None:
        calls.append(1)
        raise raised(*kraken("EOrder:Unknown order"))

    with pytest.raises(errors.VenueRefusedError):
        Retrier(RetryPolicy(attempts=4, base_delay=0), sleep=slept.append, venue="kraken").call(refused, "read")
    assert len(calls) == 1 and not slept

    def busy() -> None:
        calls.append(1)
        raise raised(*binance(400, -1001, "Internal error; unable to process your request. Please try again."))

    calls.clear()
    with pytest.raises(errors.TransientVenueError, match="3 attempts"):
        Retrier(RetryPolicy(attempts=3, base_delay=0), sleep=slept.append, venue="binance").call(busy, "read")
    assert len(calls) == 3

    def banned() -> None:
        calls.append(1)
        raise raised(*binance(418, -1003, "Way too many requests; IP banned until 1700000000000."))

    calls.clear()
    with pytest.raises(errors.VenueHaltError):
        Retrier(RetryPolicy(attempts=3, base_delay=0), sleep=slept.append, venue="binance").call(banned, "read")
    assert len(calls) == 1
