"""How the ``predator`` command ends: one exit code per class of failure, and one line on stderr that says what
was wrong and what to do (docs/cli.md, "Exit codes").

=====  ==========================================================================================================
code   meaning
=====  ==========================================================================================================
0      success
1      a check failed: validation gates, chain verification, replay parity, the look-ahead check, a feed not ok
2      bad usage or bad input: an unknown option or a malformed value (click's usage errors), bad ``--params``,
       a configuration that cannot work, an unusable API key (:class:`~predator.errors.ConfigurationError`),
       unreadable market data (:class:`~predator.errors.DataError`)
3      the database is unreachable or the connection was lost (server down, wrong DSN, missing passfile,
       cluster that does not start): every hour closed before is kept; start it and run the command again
4      the database refused the operation: a governed procedure's SQLSTATE ``PDnnn`` (docs/errors.md) or
       another server error (a privilege the login role lacks); the line carries the SQLSTATE and the hint
5      not found: an unknown name (strategy, account, incident, key; the database's PD011) or data that is
       not there (no closed hour in the period, no candles, no run to replay)
6      the venue (exchange or emulator) failed or refused: unreachable, a refusal, an answer that cannot be used
70     an internal error (a bug): one line; ``predator --debug …`` prints the traceback
=====  ==========================================================================================================

Without ``--debug`` (or ``PREDATOR_DEBUG=1``) no traceback is printed for any of them; an internal error's
traceback also goes to the log (``PREDATOR_LOG`` or ``PREDATOR_HOME/logs/predator.jsonl``). Every line is
masked by :func:`predator.redaction.redact`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg

from predator import errors

OK = 0
CHECK_FAILED = 1
USAGE = 2
DATABASE_UNREACHABLE = 3
DATABASE_REFUSED = 4
NOT_FOUND = 5
VENUE = 6
INTERNAL = 70

#: SQLSTATE classes of a connection that failed or went away: 08 connection exception, 57P01-57P03 the server
#: shutting down or not accepting connections, 53 insufficient resources (too many connections).
_UNREACHABLE_PREFIXES = ("08", "57P", "53")
#: libpq's refusal of a connection to a database the server does not have (SQLSTATE 3D000 on the server side, but a
#: refused connection reaches psycopg without a SQLSTATE: only the server's FATAL message, lc_messages = C).
_NO_DATABASE = re.compile(r'database "([^"]+)" does not exist')


@dataclass(frozen=True)
class Failure:
    """What a failed command prints (``message``, one line, not yet redacted) and its exit ``code``."""

    code: int
    message: str


def _first_line(text: str, default: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else default


def _unreachable(detail: str) -> Failure:
    return Failure(DATABASE_UNREACHABLE,
                   f"cannot reach the database ({detail}). Check that it is up (predator db status; predator db "
                   f"up for the embedded cluster) and that PREDATOR_DSN or PREDATOR_<ROLE>_DSN name it; what committed "
                   f"before is kept (a run resumes after its last closed hour): run the same command again.")


def _refusal(exc: errors.DatabaseRefusal) -> Failure:
    if exc.sqlstate == "PD011":  # an unknown name: not found, in the database's words
        return Failure(NOT_FOUND, str(exc))
    return Failure(DATABASE_REFUSED, f"the database refused: {exc}")


def classify(exc: BaseException) -> Failure | None:
    """The exit code and one-line message of an expected failure, or None for an unexpected one (a bug).

    Expected: every :class:`~predator.errors.PredatorError`, and psycopg errors (a lost or refused connection:
    exit 3; a server error with a SQLSTATE: exit 4, PD011 exit 5)."""
    if isinstance(exc, errors.DatabaseRefusal):
        return _refusal(exc)
    if isinstance(exc, errors.NotFoundError):
        return Failure(NOT_FOUND, str(exc))
    if isinstance(exc, errors.ClusterError):
        return _unreachable(f"embedded cluster: {_first_line(str(exc), 'it did not start')}")
    if isinstance(exc, errors.VenueError):
        return Failure(VENUE, f"the venue failed: {_first_line(str(exc), type(exc).__name__)}")
    if isinstance(exc, errors.ConfigurationError | errors.DataError):
        return Failure(USAGE, str(exc))
    if isinstance(exc, errors.PredatorError):
        return Failure(USAGE, str(exc))
    if isinstance(exc, psycopg.Error):
        sqlstate = exc.sqlstate or ""
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) and (
                not sqlstate or sqlstate.startswith(_UNREACHABLE_PREFIXES)):
            missing = _NO_DATABASE.search(str(exc))
            if missing is not None:  # the server answered: not unreachable, and running the command again won't help
                return Failure(NOT_FOUND, f"the server has no database {missing.group(1)}: check --database or "
                                          "PREDATOR_DSN (predator db status shows the one in use)")
            return _unreachable(_first_line(str(exc), "connection lost"))
        if sqlstate:
            return _refusal(errors.from_psycopg(exc))
        return _unreachable(_first_line(str(exc), type(exc).__name__))
    return None


def internal(exc: BaseException) -> Failure:
    """The line of an unexpected exception: what it was, and how to see the traceback."""
    return Failure(INTERNAL, f"internal error ({type(exc).__name__}: {_first_line(str(exc), 'no message')}); this "
                             f"is a bug: rerun with predator --debug … for the traceback, and report it")
