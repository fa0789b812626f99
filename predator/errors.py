"""One exception hierarchy for Predator.

Database refusals carry the SQLSTATE raised by the governed procedures (class ``PD``, registry in
``docs/errors.md``) and are mapped to a Python class by code; the message, DETAIL and HINT of the
server are kept. Venue errors from ccxt are translated into :class:`VenueError` subclasses with
``raise ... from e``; only :class:`TransientVenueError` is retried (with bounded backoff).
"""

from __future__ import annotations

import psycopg


class PredatorError(Exception):
    """Base class of every error Predator raises on purpose."""


class ConfigurationError(PredatorError):
    """The environment or the command line asks for something that cannot work."""


class NotFoundError(PredatorError, LookupError):
    """An unknown name (strategy, account, incident, stored key) or data that is not there (no closed hour in
    a period, no registered run, no candles): the message names what was asked for and what exists."""


class StrategyNotFound(NotFoundError, ValueError):
    """A strategy name that resolves to nothing: not a registered entry point nor an importable
    ``module:Class``. Also a :class:`ValueError` (what :func:`predator.strategies.base.load_strategy` raised
    before)."""


class ModelRefused(ConfigurationError):
    """A model strategy refused its model at start (docs/ml.md "Inference"): the model is not registered, its
    artefact's sha256 is not the registry's (a tampered or replaced file), or its feature list is not the one
    ``predator.ml.dataset.features`` computes. The message names what differs."""


class StrategyParametersError(ConfigurationError, ValueError):
    """Strategy parameters the strategy does not take (an unknown key) or refuses (a value out of range):
    the message names the key or the strategy's own complaint, and the parameters it accepts."""


class PreflightError(ConfigurationError):
    """A run, paper run or replay refused before it created or touched anything: a symbol that is not an
    instrument of the venue, stored candles that do not cover the range, a range that ends before it starts,
    or an existing account whose configuration (venue, quote currency, mode, run) differs. One line."""


class PreflightNotFound(PreflightError, NotFoundError):
    """A preflight refusal for something that is not there: a venue or symbol the database does not know,
    no stored candles in the range, an account to replay that does not exist or never closed an hour."""


class ClusterError(PredatorError):
    """The embedded PostgreSQL cluster could not be initialised, started or stopped."""


class BackupError(PredatorError):
    """A backup could not be taken or restored: ``pg_dump`` or ``pg_restore`` failed, a dump file whose checksum
    does not match (tampered or truncated), or a restore target database that already exists. One line, with
    the tool's own error."""


class StatisticsInputError(PredatorError, ValueError):
    """An input of ``predator.ml`` (statistics, labels, validation splits) outside its domain: NaN or ±Infinity,
    a count too small, a kurtosis below 1 + skew² (an excess kurtosis passed for the kurtosis), misaligned label
    spans. The message reads like the database's PD012 refusal of the same input in schema ``ml``:
    ``<routine> refused: <argument> <rule>``."""


class DatabaseRefusal(PredatorError):
    """The database refused an operation. ``sqlstate``, ``detail`` and ``hint`` come from the server."""

    sqlstate: str = ""

    def __init__(self, message: str, sqlstate: str, detail: str | None = None, hint: str | None = None,
                 constraint: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.detail = detail
        self.hint = hint
        self.constraint = constraint

    def __str__(self) -> str:
        text = f"[{self.sqlstate}] {self.args[0]}"
        if self.detail:
            text += f" ({self.detail})"
        if self.hint:
            text += f" — {self.hint}"
        return text


class AppendOnlyViolation(DatabaseRefusal):
    """PD001: UPDATE, DELETE or TRUNCATE on an append-only table."""


class UnbalancedTransaction(DatabaseRefusal):
    """PD002: journal postings that do not sum to zero per currency, or a transaction posted in pieces."""


class NegativeBalance(DatabaseRefusal):
    """PD003: a trading balance would go below zero (no leverage, no shorting)."""


class ContinuityViolation(DatabaseRefusal):
    """PD004: a posting whose seq or running balance does not continue its chain."""


class IllegalTransition(DatabaseRefusal):
    """PD005: an order event that is not a legal state transition."""


class Overfill(DatabaseRefusal):
    """PD006: fills would exceed the order quantity (or filled quantity would shrink)."""


class SellExceedsLots(DatabaseRefusal):
    """PD007: a sell larger than the open FIFO lots."""


class Halted(DatabaseRefusal):
    """PD008: an order was created while a halt covers it."""


class ChainViolation(DatabaseRefusal):
    """PD009: an insert that does not continue its hash chain."""


class ConflictingResubmission(DatabaseRefusal):
    """PD010: a signal, fill or run resubmitted under the same key with different content."""


class UnknownReference(DatabaseRefusal):
    """PD011: an unknown account, strategy, instrument, order or venue."""


class InvalidArgument(DatabaseRefusal):
    """PD012: an argument outside its domain (including NaN or ±Infinity in any number)."""


class TimeRegression(DatabaseRefusal):
    """PD013: business time going backwards (a fill before its order, an hour closed out of order, an hour
    that would count a fill dated after it)."""


class ResumeRefused(DatabaseRefusal):
    """PD014: a resume that is not allowed (nothing halted, reconciliation dirty, severity-1 incident open), or an
    operator release (``api.resume_reducing``) of a risk state that holds nothing for an operator."""


class BusinessTimeOutOfBounds(DatabaseRefusal):
    """PD015: a business time that is infinite, or later than the wall clock plus the operator's
    ``max_clock_skew_seconds``. The caller's fault (a wrong clock or venue timestamp): nothing was stored;
    fix the clock or the time and retry."""


class CorrectionRefused(DatabaseRefusal):
    """PD016: a book correction (``api.post_venue_transfer``, ``api.void_fill``) refused: the incident it cites is
    resolved, the book is not halted, its latest reconciliation is clean, the transfer is posted or the fill
    voided already, or the void is outside what is built (a sell, a lot consumed by later sells, an older lot)
    (docs/live.md "Corrections")."""


class ApprovalRequired(DatabaseRefusal):
    """PD017: a high-risk action (a resume of the global halt, a limit above its policy ceiling, a ceiling raised or
    lifted, the two-person rule turned off, the reconciliation tolerance or the clock skew raised, a live lane's
    budget raised, a session promoted or demoted) without a second operator's approval of this login's request, while
    the two-person rule holds (docs/operator.md "Two-person rule")."""


class ApprovalRefused(DatabaseRefusal):
    """PD018: an approval refused: the login asked for it itself, is not an operator, or the request is already
    approved or has expired."""


class IllegalRiskTransition(DatabaseRefusal):
    """PD020: a move of a book's or a strategy's risk state (normal, reducing, halted, cooldown) that is not a
    row of ``risk.state_transition``, does not start from that scope's current state, or names a strategy the
    book does not have (docs/risk.md)."""


class IllegalSessionTransition(DatabaseRefusal):
    """PD021: a move of a session's status (scheduled, running, suspended, completed, rolled_back) that is not a row
    of ``ops.session_transition``, or a change of a session outside its events (docs/operator.md "Lanes and
    sessions")."""


class SessionRefused(DatabaseRefusal):
    """PD022: a session action refused by its rules, each named by a reason code in the message (``lane_budget``,
    ``lane_changed``, ``account_has_active_session``, ``halted_global``, ``reconciliation_dirty``,
    ``open_severity1_incident``, ``not_promoted``, ...)."""


class PromotionRefused(DatabaseRefusal):
    """PD023: a promotion live_canary -> live_promoted refused by its rules, each named by a reason code in the
    message (``min_days``, ``drawdown_envelope``, ``open_severity1_incident``, ``lane_budget``, ...); also a model
    strategy registered on a book before its model passed the gate for the book's lane (``model_not_promoted``,
    ``api.register_strategy``, docs/ml.md "Inference")."""


_BY_SQLSTATE: dict[str, type[DatabaseRefusal]] = {
    "PD001": AppendOnlyViolation,
    "PD002": UnbalancedTransaction,
    "PD003": NegativeBalance,
    "PD004": ContinuityViolation,
    "PD005": IllegalTransition,
    "PD006": Overfill,
    "PD007": SellExceedsLots,
    "PD008": Halted,
    "PD009": ChainViolation,
    "PD010": ConflictingResubmission,
    "PD011": UnknownReference,
    "PD012": InvalidArgument,
    "PD013": TimeRegression,
    "PD014": ResumeRefused,
    "PD015": BusinessTimeOutOfBounds,
    "PD016": CorrectionRefused,
    "PD017": ApprovalRequired,
    "PD018": ApprovalRefused,
    "PD020": IllegalRiskTransition,
    "PD021": IllegalSessionTransition,
    "PD022": SessionRefused,
    "PD023": PromotionRefused,
}


def from_psycopg(exc: psycopg.Error) -> DatabaseRefusal:
    """Translate a psycopg error into the matching :class:`DatabaseRefusal` subclass (by SQLSTATE)."""
    diag = exc.diag
    sqlstate = exc.sqlstate or ""
    cls = _BY_SQLSTATE.get(sqlstate, DatabaseRefusal)
    return cls(diag.message_primary or str(exc), sqlstate, diag.message_detail, diag.message_hint,
               diag.constraint_name)


class VenueError(PredatorError):
    """A venue (exchange) call failed."""


class TransientVenueError(VenueError):
    """A venue failure worth retrying: timeout, network error, rate limit, venue unavailable."""


class PermanentVenueError(VenueError):
    """A venue failure that retrying will not fix: bad request, insufficient funds, invalid order."""


class OutcomeUnknownError(TransientVenueError):
    """An order submission (or cancel) that left the outcome unknown: a timeout, a 5xx, a dropped connection
    or a garbled answer after the request was sent. The venue may hold the order: it is resolved by client
    order id (then by trades), never by sending it again blind."""


class VenueRefusedError(PermanentVenueError):
    """The venue answered and refused the request (insufficient funds, invalid order, unknown symbol, an
    order it does not know): nothing happened at the venue. ``not_found``: the venue does not know the order
    the request named."""

    def __init__(self, message: str, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found


class VenueHaltError(PermanentVenueError):
    """A venue error that must halt trading: the key was refused or lost its rights, the account is locked,
    the address is banned, or the error cannot be classified. Retrying would make it worse or hide it.

    ``outcome_unknown``: on a write (an order submission or cancel), the venue may have acted on the request
    (an error no rule classifies). False (the default) when the venue refused the request before processing
    it (HTTP 418, a refused key or signature, a locked account): an order it named was never placed."""

    def __init__(self, message: str, outcome_unknown: bool = False) -> None:
        super().__init__(message)
        self.outcome_unknown = outcome_unknown


class DataError(PredatorError):
    """Market data input that cannot be read at all (bad header, truncated gzip, unreadable file)."""


class CredentialError(ConfigurationError):
    """An API key that cannot be used: missing, unreadable, malformed, refused by the venue, or kept where
    a secret may not be kept (a secret file readable by others). The message never holds the secret."""


class KeyRightsRefused(CredentialError):
    """An API key whose rights Predator refuses (it may withdraw, deposit or transfer, it accepts nonces out
    of order, or it lacks a right trading needs). ``reasons``: one sentence per refusal."""

    def __init__(self, message: str, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reasons = reasons
