"""How the console answers a failure: the database's SQLSTATE mapped to an HTTP status, and a body
``{"code", "message", "hint", "detail"}`` carrying the database's own message, DETAIL and HINT (docs/errors.md,
"The console's HTTP statuses"; docs/operator.md).

The console decides nothing: a refusal is the database's, and its HINT says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from predator import errors

#: PD codes whose status is not the default 409 (a refusal of the request as the book stands).
_PD_STATUS: dict[str, int] = {
    "PD011": 404,  # an unknown account, strategy, incident, …
    "PD012": 422,  # an argument outside its domain (no reason, a bad scope, a malformed incident id)
    "PD015": 422,  # a business time beyond the wall clock plus the skew
}

#: SQLSTATE classes of a database that cannot be reached (cli.exits treats them alike: exit 3).
_UNREACHABLE = ("08", "57P", "53")


def http_status(sqlstate: str) -> int:
    """The HTTP status of a database error by its SQLSTATE.

    ===========================  ======  =====================================================================
    SQLSTATE                     status  meaning
    ===========================  ======  =====================================================================
    PD011                        404     unknown reference (account, strategy, incident, …)
    PD012, PD015                 422     an argument refused (no reason, bad scope or id, a time out of bounds)
    any other PDnnn              409     refused as the book stands (PD014 resume refused, PD008 halted, …)
    42501                        403     the login role lacks the privilege (e.g. a worker login calling halt)
    23xxx                        409     a constraint of the schema refused the row
    08xxx, 57Pxx, 53xxx          503     the database is unreachable or going away
    anything else                500     not expected
    ===========================  ======  =====================================================================

    A psycopg error without a SQLSTATE (raised client-side) is mapped by :func:`from_database`: 503 for a
    connection failure, 400 for a value psycopg cannot pass (a NUL character in a text), else 500.
    """
    if sqlstate in _PD_STATUS:
        return _PD_STATUS[sqlstate]
    if sqlstate.startswith("PD") or sqlstate.startswith("23"):
        return 409
    if sqlstate == "42501":
        return 403
    if sqlstate.startswith(_UNREACHABLE):
        return 503
    return 500


@dataclass(frozen=True)
class Problem:
    """What the console answers for a failure: HTTP ``status`` and the body's fields."""

    status: int
    code: str
    message: str
    hint: str | None = None
    detail: str | None = None

    def body(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "hint": self.hint, "detail": self.detail}


def _client_side(exc: psycopg.Error) -> Problem:
    """A psycopg error without a SQLSTATE: raised by psycopg itself, not by the server. A connection that cannot
    be made or was lost (``OperationalError``, ``InterfaceError``) is 503; a value psycopg cannot send
    (``DataError``: a NUL character in a text, which PostgreSQL text cannot hold) is the request's fault, 400;
    anything else is not expected, 500."""
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return Problem(503, "database_unreachable", "cannot reach the database",
                       "Check that it is up (predator db status; predator db up), then retry.")
    if isinstance(exc, psycopg.DataError):
        return Problem(400, "invalid_value", f"a value of the request cannot be passed to the database: {exc}",
                       "Remove the NUL character (\\0, %00) from the text fields, then retry.")
    return Problem(500, "database_client_error", "the console could not pass the request to the database",
                   "See the console's error output.")


def from_database(exc: BaseException) -> Problem:
    """The problem of a database error: a :class:`~predator.errors.DatabaseRefusal` (what the typed gateway
    raises for PD and 23 codes) or any other psycopg error (a privilege refused: 42501; a connection lost)."""
    if isinstance(exc, errors.DatabaseRefusal):
        return Problem(http_status(exc.sqlstate), exc.sqlstate, str(exc.args[0]), exc.hint, exc.detail)
    if isinstance(exc, psycopg.Error):
        if not exc.sqlstate:
            return _client_side(exc)
        refusal = errors.from_psycopg(exc)
        hint = refusal.hint
        if exc.sqlstate == "42501" and hint is None:
            hint = ("The console's connection lacks this privilege: writes must use the operator's login "
                    "(predator db url --role operator; PREDATOR_OPERATOR_DSN).")
        return Problem(http_status(exc.sqlstate), exc.sqlstate, str(refusal.args[0]), hint, refusal.detail)
    raise TypeError(f"not a database error: {type(exc).__name__}")
