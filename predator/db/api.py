"""The typed gateway: one Python function per ``api.*`` routine.

Every function takes an open psycopg connection; the caller owns the transaction (``with
conn.transaction():``). Arguments are cast explicitly in the SQL text; results come back as frozen
dataclasses. Database refusals are raised as :class:`predator.errors.DatabaseRefusal` subclasses chosen by
SQLSTATE (registry: ``docs/errors.md``).

Each routine also has a ``*_call`` form returning a :class:`Call`; :func:`run_many` sends many calls in
one network round trip (psycopg pipeline mode), which is how the hour runner batches its writes.

Units throughout: quantities in base currency, prices in quote per base, amounts in the account's base
currency, times as timezone-aware UTC datetimes, edges in basis points.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

import psycopg
from psycopg.rows import class_row

from predator import errors

T = TypeVar("T")


@dataclass(frozen=True)
class Call(Generic[T]):
    """One governed call: SQL text, parameters and the row type (None: a scalar result)."""

    sql: str
    params: tuple[Any, ...]
    row: type[T] | None
    many: bool = False


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise refusals of the governed procedures (SQLSTATE class PD, and class 23) as DatabaseRefusal."""
    try:
        yield
    except psycopg.Error as e:
        if e.sqlstate and (e.sqlstate.startswith("PD") or e.sqlstate.startswith("23")):
            raise errors.from_psycopg(e) from e
        raise


def run(conn: psycopg.Connection, call: Call[T]) -> Any:
    """Execute one call and return its row (dataclass), rows (``many``) or scalar."""
    with translated():
        if call.row is None:
            row = conn.execute(call.sql, call.params).fetchone()
            return row[0] if row else None
        with conn.cursor(row_factory=class_row(call.row)) as typed:
            typed.execute(call.sql, call.params)
            return typed.fetchall() if call.many else typed.fetchone()


def scalar(conn: psycopg.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first column of the first row of a read query (None when there is no row)."""
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def run_many(conn: psycopg.Connection, calls: Sequence[Call[Any]]) -> list[Any]:
    """Execute calls in order in one round trip (pipeline mode); results in the same order.

    The calls run in the caller's transaction; the first refusal aborts the batch and is raised.
    """
    if not calls:
        return []
    results: list[Any] = []
    with translated(), conn.pipeline():
        cursors = []
        for call in calls:
            cur = conn.cursor(row_factory=class_row(call.row)) if call.row is not None else conn.cursor()
            cur.execute(call.sql, call.params)
            cursors.append(cur)
    for call, cur in zip(calls, cursors, strict=True):
        if call.row is None:
            row = cur.fetchone()
            results.append(row[0] if row else None)
        else:
            results.append(cur.fetchall() if call.many else cur.fetchone())
        cur.close()
    return results


# --- rows -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """The admission gate's verdict on a signal (``api.submit_signal``)."""

    outcome: str  # admitted | refused | hold
    client_order_id: str | None
    side: str | None  # buy | sell
    quantity: Decimal | None  # base units
    decision_price: Decimal | None  # quote per base: close of the last bar closed by the decision time
    reasons: list[str]
    signal_seq: int


@dataclass(frozen=True)
class HourState:
    """The state recorded when an hour closes (``api.close_hour``); amounts in the account's base currency."""

    hour: datetime
    cash: Decimal
    positions_value: Decimal
    equity: Decimal
    peak_equity: Decimal
    drawdown: Decimal  # fraction of peak equity
    daily_pnl: Decimal
    realized_pnl: Decimal
    unrealized_pnl: Decimal
    fees: Decimal
    gross_exposure: Decimal  # fraction of equity
    open_orders: int
    stale_marks: list[str]
    positions: dict[str, Any]  # symbol -> base quantity (JSON number)
    inputs_hash: str
    outputs_hash: str
    halts: list[str]


@dataclass(frozen=True)
class CandleLoad:
    """Accounting of one gated candle load: loaded + duplicate + corrected + quarantined = read."""

    load_id: int
    read: int
    loaded: int
    duplicate: int
    corrected: int
    quarantined: int
    first_ts: datetime | None
    last_ts: datetime | None

    def accounting(self) -> str:
        """``loaded L + duplicate D + corrected C + quarantined Q = read R`` (row counts)."""
        return (f"loaded {self.loaded} + duplicate {self.duplicate} + corrected {self.corrected}"
                f" + quarantined {self.quarantined} = read {self.read}")


@dataclass(frozen=True)
class ChainBreak:
    """The first broken row of a hash chain (``api.verify_chains``)."""

    chain: str
    tbl: str
    book_id: int
    seq: int
    problem: str


@dataclass(frozen=True)
class HourDigest:
    """Recorded and recomputed hashes of a closed hour (``api.hour_digests``)."""

    hour: datetime
    inputs_hash: str
    outputs_hash: str
    recomputed_outputs_hash: str
    state_hash: str
    digests: dict[str, str]
    recomputed: dict[str, str]


# --- operator procedures ------------------------------------------------------------------------------


def create_account(
    conn: psycopg.Connection,
    name: str,
    *,
    mode: str,
    venue: str,
    base_currency: str,
    lane: str,
    initial_principal: Decimal,
    risk_profile: str,
    reason: str,
) -> int:
    """Create a trading account (book) with its ledger accounts; returns its book id. Operator role."""
    return run(
        conn,
        Call(
            "SELECT api.create_account(%s::text, %s::text, %s::text, %s::text, %s::text, %s::numeric,"
            " %s::text, %s::text)",
            (name, mode, venue, base_currency, lane, initial_principal, risk_profile, reason),
            None,
        ),
    )


def deposit(
    conn: psycopg.Connection,
    account: str,
    amount: Decimal,
    ts: datetime,
    reason: str,
    currency: str | None = None,
    ref: str | None = None,
) -> int:
    """Deposit capital (trading +amount, external -amount); returns the journal transaction seq. Operator."""
    return run(
        conn,
        Call(
            "SELECT api.deposit(%s::text, %s::numeric, %s::timestamptz, %s::text, %s::text, %s::text)",
            (account, amount, ts, reason, currency, ref),
            None,
        ),
    )


def register_strategy(
    conn: psycopg.Connection,
    account: str,
    strategy: str,
    params: dict[str, Any],
    reason: str,
    pool: str = "CORE",
    priority: int = 0,
) -> None:
    """Register a strategy on an account with its parameters, its capital pool (``CORE``, ``AGGRESSIVE`` or
    ``TAIL_RISK``) and its arbitration priority (higher wins under the ``priority`` rule). Operator. PD012
    (:class:`~predator.errors.InvalidArgument`) for an unknown pool."""
    run(
        conn,
        Call(
            "SELECT api.register_strategy(%s::text, %s::text, %s::jsonb, %s::text, %s::text, %s::integer)",
            (account, strategy, json.dumps(params, sort_keys=True), reason, pool, priority),
            None,
        ),
    )


def set_lane_pool(conn: psycopg.Connection, lane: str, pool: str, enabled: bool, reason: str) -> int:
    """Enable or disable a capital pool in a lane (``paper``, ``live_canary``, ``live_promoted``); returns the
    revision. Operator, audited; entries of a disabled pool are refused ``pool_disabled``."""
    return run(
        conn,
        Call(
            "SELECT api.set_lane_pool(%s::text, %s::text, %s::boolean, %s::text)", (lane, pool, enabled, reason), None
        ),
    )


def set_arbitration(conn: psycopg.Connection, profile: str, rule: str, reason: str) -> int:
    """Set a risk profile's arbitration rule (``refuse_both``, ``priority`` or ``net``) for strategies that disagree
    on a symbol in the same hour; returns the revision. Operator, audited."""
    return run(conn, Call("SELECT api.set_arbitration(%s::text, %s::text, %s::text)", (profile, rule, reason), None))


def enable_book_currency(conn: psycopg.Connection, account: str, currency: str, reason: str,
                         enabled: bool = True) -> int:
    """Enable (or disable) an extra quote currency of a book: its instruments then trade against their own quote
    cash, valued in the book's reporting currency (docs/risk.md, Multi-currency valuation); returns the revision.
    Operator, audited; PD011 unknown account or currency, PD012 the reporting currency itself or no reason."""
    return run(
        conn,
        Call(
            "SELECT api.enable_book_currency(%s::text, %s::text, %s::text, %s::boolean)",
            (account, currency, reason, enabled),
            None,
        ),
    )


def pause_strategy(conn: psycopg.Connection, account: str, strategy: str, reason: str) -> None:
    """Pause a strategy: its signals are refused with ``strategy_paused``. Operator."""
    run(conn, Call("SELECT api.pause_strategy(%s::text, %s::text, %s::text)", (account, strategy, reason), None))


def resume_strategy(conn: psycopg.Connection, account: str, strategy: str, reason: str) -> None:
    """Resume a paused strategy; also lifts its kill (risk state halted -> cooldown) and a reducing state held for
    an operator (-> normal). Operator."""
    run(conn, Call("SELECT api.resume_strategy(%s::text, %s::text, %s::text)", (account, strategy, reason), None))


def resume_reducing(conn: psycopg.Connection, account: str, reason: str, strategy: str | None = None) -> str:
    """Release a book's (or, with ``strategy``, a strategy's) risk state held for an operator: a paper
    ``drawdown_halt_tier``, a strategy's drawdown or live daily-loss stop, a strategy's kill; returns the state
    after. Operator, audited; ResumeRefused (PD014) when nothing is held."""
    result: str = run(conn, Call("SELECT api.resume_reducing(%s::text, %s::text, %s::text)",
                                 (account, reason, strategy), None))
    return result


def declare_operating_cost(
    conn: psycopg.Connection, account: str, name: str, amount: Decimal, currency: str, period: str,
    effective_from: datetime, reason: str,
) -> int:
    """Declare or change a recurring operating cost of a book from a business hour (docs/treasury.md); returns
    the revision. Operator, audited; accrued by the hour close."""
    result: int = run(conn, Call(
        "SELECT api.declare_operating_cost(%s::text, %s::text, %s::numeric, %s::text, %s::text, %s::timestamptz,"
        " %s::text)",
        (account, name, amount, currency, period, effective_from, reason), None))
    return result


def end_operating_cost(conn: psycopg.Connection, account: str, name: str, effective_from: datetime, reason: str) -> int:
    """End a declared operating cost from a business hour; returns the revision. Operator, audited."""
    result: int = run(conn, Call("SELECT api.end_operating_cost(%s::text, %s::text, %s::timestamptz, %s::text)",
                                 (account, name, effective_from, reason), None))
    return result


def approve_treasury_transfer(
    conn: psycopg.Connection, account: str, proposal_no: int, ts: datetime, reason: str
) -> int:
    """Approve a proposed transfer of surplus to the operations bucket; returns its journal transaction seq.
    Operator, audited; PD012 when it would reach into principal."""
    result: int = run(conn, Call(
        "SELECT api.approve_treasury_transfer(%s::text, %s::integer, %s::timestamptz, %s::text)",
        (account, proposal_no, ts, reason), None))
    return result


def set_limit(
    conn: psycopg.Connection, profile: str, limit: str, mode: str, value: Decimal | None, reason: str, scope: str = "*"
) -> int:
    """Set a risk limit (new revision; None disables it); returns the revision. Operator."""
    return run(
        conn,
        Call(
            "SELECT api.set_limit(%s::text, %s::text, %s::text, %s::numeric, %s::text, %s::text)",
            (profile, limit, mode, value, reason, scope),
            None,
        ),
    )


def halt(conn: psycopg.Connection, reason: str, scope: str = "global", target: str | None = None) -> int:
    """Halt trading at a scope (global by default); returns the halt event seq. Operator."""
    return run(conn, Call("SELECT api.halt(%s::text, %s::text, %s::text)", (reason, scope, target), None))


def resume(conn: psycopg.Connection, reason: str, scope: str = "global", target: str | None = None,
           incidents: Sequence[str] | None = None) -> int:
    """Lift a halt explicitly; returns the halt event seq. Operator. ``incidents``: the incidents (INC-<book>-<seq>)
    the resume answers, resolved by it and kept in its audit row. A global resume consumes a second operator's
    approval while the two-person rule holds (:func:`request_approval`, :func:`approve`; PD017 without one)."""
    return run(conn, Call("SELECT api.resume(%s::text, %s::text, %s::text, %s::text[])",
                          (reason, scope, target, list(incidents) if incidents else None), None))


def request_approval(conn: psycopg.Connection, action: str, target: str, reason: str, mode: str | None = None,
                     value: Decimal | None = None, valid_until: datetime | None = None) -> int:
    """Ask a second operator to approve a high-risk action (``resume`` ``global``; ``set_limit``
    ``profile/limit[/scope]`` with mode and value; ``set_limit_policy`` ``profile/limit`` with mode and ceiling;
    ``set_setting`` ``two_person_rule`` value 0, ``reconcile_tolerance`` / ``max_clock_skew_seconds`` raised to value,
    ``live_burn_in_days`` lowered to value; ``set_lane`` ``<live lane>/<currency>`` with the budget;
    ``promote_session`` ``SES-<n>`` with the allocation; ``demote_session`` ``SES-<n>``); returns the request id.
    Operator, audited."""
    return run(conn, Call("SELECT api.request_approval(%s::text, %s::text, %s::text, %s::text, %s::numeric,"
                          " %s::timestamptz)", (action, target, reason, mode, value, valid_until), None))


def approve(conn: psycopg.Connection, request: int, reason: str) -> int:
    """Approve another operator login's request (PD018 for one's own, a used, approved or expired one); returns the
    request id. Operator, audited."""
    return run(conn, Call("SELECT api.approve(%s::bigint, %s::text)", (request, reason), None))


def request_and_approve(requester: psycopg.Connection, approver: psycopg.Connection, action: str, target: str,
                        reason: str, mode: str | None = None, value: Decimal | None = None) -> int:
    """The two-person rule played by a scripted operator: ``requester`` asks (:func:`request_approval`) and
    ``approver``, a connection of another operator login, approves (:func:`approve`); returns the request id, which
    the requester's next matching action consumes. Both connections in autocommit mode (the approver must see the
    request committed)."""
    request = request_approval(requester, action, target, reason, mode, value)
    approve(approver, request, f"second operator: {reason}")
    return request


def set_limit_policy(conn: psycopg.Connection, profile: str, limit: str, mode: str, ceiling: Decimal | None,
                     reason: str) -> int:
    """Set the policy ceiling of a profile's limit (None lifts it; raising or lifting needs an approval); returns the
    revision. Operator, audited."""
    return run(conn, Call("SELECT api.set_limit_policy(%s::text, %s::text, %s::text, %s::numeric, %s::text)",
                          (profile, limit, mode, ceiling, reason), None))


def apply_safe_mode(conn: psycopg.Connection, profile: str, template: str, reason: str) -> int:
    """Apply a safe-mode template (reduced, minimal) to a risk profile in one audited call; returns the application
    id. Operator."""
    return run(conn, Call("SELECT api.apply_safe_mode(%s::text, %s::text, %s::text)",
                          (profile, template, reason), None))


def revert_safe_mode(conn: psycopg.Connection, profile: str, reason: str) -> int:
    """Revert the safe mode in force on a risk profile; returns the application id reverted. Operator, audited."""
    return run(conn, Call("SELECT api.revert_safe_mode(%s::text, %s::text)", (profile, reason), None))


# --- lanes and sessions (docs/operator.md "Lanes and sessions") ------------------------------------------------


def set_lane(conn: psycopg.Connection, lane: str, capital_budget: Decimal, currency: str, max_drawdown_pct: Decimal,
             max_daily_loss_pct: Decimal, min_days: int, reason: str) -> int:
    """A new revision of a lane's capital budget and risk envelope; returns the revision. Operator, audited. Raising
    a live lane's budget needs a second operator's approval (PD017); PD022 a budget below the lane's allocations."""
    return run(conn, Call("SELECT api.set_lane(%s::text, %s::numeric, %s::text, %s::numeric, %s::numeric, %s::integer,"
                          " %s::text)", (lane, capital_budget, currency, max_drawdown_pct, max_daily_loss_pct, min_days,
                                         reason), None))


def schedule_session(conn: psycopg.Connection, account: str, allocation: Decimal, reason: str,
                     strategy: str | None = None, planned_end: datetime | None = None) -> int:
    """Register a scheduled session of ``account`` (optionally one strategy) in its lane with a capital allocation;
    returns the session id. Operator, audited."""
    return run(conn, Call("SELECT api.schedule_session(%s::text, %s::numeric, %s::text, %s::text, %s::timestamptz)",
                          (account, allocation, reason, strategy, planned_end), None))


#: The session moves, one api routine each (a fixed map: no SQL is built from a caller's string).
_SESSION_MOVES = {
    "start_session": "SELECT api.start_session(%s::bigint, %s::text)",
    "suspend_session": "SELECT api.suspend_session(%s::bigint, %s::text)",
    "resume_session": "SELECT api.resume_session(%s::bigint, %s::text)",
    "complete_session": "SELECT api.complete_session(%s::bigint, %s::text)",
    "roll_back_session": "SELECT api.roll_back_session(%s::bigint, %s::text)",
    "demote_session": "SELECT api.demote_session(%s::bigint, %s::text)",
}


def _move_session(conn: psycopg.Connection, routine: str, session: int, reason: str) -> str:
    return str(run(conn, Call(_SESSION_MOVES[routine], (session, reason), None)))


def start_session(conn: psycopg.Connection, session: int, reason: str) -> str:
    """Start a scheduled session within its lane's budget, lifting its account's halt; returns ``running``. PD021
    unless scheduled, PD022 naming each failed rule. Operator, audited."""
    return _move_session(conn, "start_session", session, reason)


def suspend_session(conn: psycopg.Connection, session: int, reason: str) -> str:
    """Suspend a running session and halt its account; returns ``suspended``. PD021 unless running. Operator."""
    return _move_session(conn, "suspend_session", session, reason)


def resume_session(conn: psycopg.Connection, session: int, reason: str) -> str:
    """Resume a suspended session, lifting its account's halt; returns ``running``. PD021 unless suspended, PD022
    naming each failed rule. Operator, audited."""
    return _move_session(conn, "resume_session", session, reason)


def complete_session(conn: psycopg.Connection, session: int, reason: str) -> str:
    """End a running or suspended session, halting its account; returns ``completed``. PD021 otherwise. Operator."""
    return _move_session(conn, "complete_session", session, reason)


def roll_back_session(conn: psycopg.Connection, session: int, reason: str) -> str:
    """Abandon a session (a scheduled one is cancelled; one that ran leaves its account halted); returns
    ``rolled_back``. PD021 when already final. Operator, audited."""
    return _move_session(conn, "roll_back_session", session, reason)


def promote_session(conn: psycopg.Connection, session: int, allocation: Decimal, reason: str) -> int:
    """Promote a running live_canary session to live_promoted with ``allocation``; returns the new session's id.
    PD023 naming each failed rule, PD017 without a second operator's approval. Operator, audited."""
    return run(conn, Call("SELECT api.promote_session(%s::bigint, %s::numeric, %s::text)",
                          (session, allocation, reason), None))


def demote_session(conn: psycopg.Connection, session: int, reason: str) -> str:
    """Demote a live_promoted session (rolled back, its account back to live_canary and halted); returns the
    account's lane after. A lane change: while the two-person rule holds it uses a second operator's approval of
    ``demote_session`` ``SES-<n>`` (:func:`request_approval`), PD017 without. PD022 not_promoted, PD021 a final
    session. Operator, audited."""
    return _move_session(conn, "demote_session", session, reason)


def post_venue_transfer(
    conn: psycopg.Connection, account: str, kind: str, currency: str, amount: Decimal, ts: datetime, reason: str,
    incident: str, venue_ref: str | None = None,
) -> int:
    """Post a deposit or withdrawal seen on the venue account to the journal (a correction citing the open incident
    it answers, while the book is halted and its reconciliation dirty); returns the journal transaction seq.
    Operator, audited (docs/live.md "Corrections")."""
    result: int = run(conn, Call(
        "SELECT api.post_venue_transfer(%s::text, %s::text, %s::text, %s::numeric, %s::timestamptz, %s::text,"
        " %s::text, %s::text)", (account, kind, currency, amount, ts, reason, incident, venue_ref), None))
    return result


def void_fill(
    conn: psycopg.Connection, account: str, symbol: str, venue_trade_id: str, ts: datetime, reason: str, incident: str
) -> int:
    """Void a fill the venue never made, a buy whose lot is untouched or a sell that is its symbol's newest fill
    (a correction citing the open incident it answers, while the book is halted and its reconciliation dirty);
    returns the reversing journal transaction seq. Operator, audited (docs/live.md "Corrections")."""
    result: int = run(conn, Call(
        "SELECT api.void_fill(%s::text, %s::text, %s::text, %s::timestamptz, %s::text, %s::text)",
        (account, symbol, venue_trade_id, ts, reason, incident), None))
    return result


# --- worker procedures --------------------------------------------------------------------------------


def submit_signal_call(
    *,
    account: str,
    strategy: str,
    symbol: str,
    ts: datetime,
    direction: str,
    confidence: Decimal,
    edge_bps: Decimal,
    expiry: datetime,
    quantity: Decimal | None = None,
    order_type: str = "market",
    limit_price: Decimal | None = None,
    model_id: str | None = None,
) -> Call[Decision]:
    return Call(
        "SELECT * FROM api.submit_signal(%s::text, %s::text, %s::text, %s::timestamptz, %s::text, %s::numeric,"
        " %s::numeric, %s::timestamptz, %s::numeric, %s::text, %s::numeric, %s::text)",
        (account, strategy, symbol, ts, direction, confidence, edge_bps, expiry, quantity, order_type, limit_price,
         model_id),
        Decision,
    )


def submit_signal(
    conn: psycopg.Connection[Any],
    *,
    account: str,
    strategy: str,
    symbol: str,
    ts: datetime,
    direction: str,
    confidence: Decimal,
    edge_bps: Decimal,
    expiry: datetime,
    quantity: Decimal | None = None,
    order_type: str = "market",
    limit_price: Decimal | None = None,
    model_id: str | None = None,
) -> Decision:
    """Record a signal for decision time ``ts`` and run the admission gate (``api.submit_signal``): the
    verdict is ``admitted`` (with the order's deterministic client order id, side, quantity and decision
    price), ``refused`` (reason codes, e.g. ``halted_global``, ``max_order_notional``) or ``hold``.
    ``direction``: buy | sell | hold; ``confidence`` in [0, 1]; ``edge_bps`` expected edge after costs;
    ``quantity`` in base units (None: sized by the caps); ``order_type`` market | limit; ``model_id`` the
    registered model (ml.model) of a model strategy, recorded in ``trading.signal.model_id`` (None for others).

    Raises (docs/errors.md): PD010 ConflictingResubmission (another signal for the same strategy, symbol
    and decision time), PD011 UnknownReference (account, strategy or instrument), PD012 InvalidArgument
    (direction, confidence, expiry, quantity/limit price, a non-finite number), PD013 TimeRegression (a
    decision time before the last closed hour), PD015 BusinessTimeOutOfBounds. A halt is a refusal, not an
    error.
    """
    return run(
        conn,
        submit_signal_call(
            account=account,
            strategy=strategy,
            symbol=symbol,
            ts=ts,
            direction=direction,
            confidence=confidence,
            edge_bps=edge_bps,
            expiry=expiry,
            quantity=quantity,
            order_type=order_type,
            limit_price=limit_price,
            model_id=model_id,
        ),
    )


def record_order_event_call(
    *, client_order_id: str, kind: str, ts: datetime, venue_order_id: str | None = None, reason: str | None = None
) -> Call[str]:
    return Call(
        "SELECT api.record_order_event(%s::text, %s::text, %s::timestamptz, %s::text, %s::text)",
        (client_order_id, kind, ts, venue_order_id, reason),
        None,
    )


def record_order_confusion_call(*, client_order_id: str, kind: str, ts: datetime, detail: str) -> Call[str]:
    return Call(
        "SELECT api.record_order_confusion(%s::text, %s::text, %s::timestamptz, %s::text)",
        (client_order_id, kind, ts, detail),
        None,
    )


def record_order_confusion(conn: psycopg.Connection[Any], *, client_order_id: str, kind: str, ts: datetime,
                           detail: str) -> str:
    """Report order-state confusion (``api.record_order_confusion``): a venue event of ``kind`` at venue time
    ``ts`` for ``client_order_id`` that the order state machine refused (PD005). Opens an execution incident
    and halts the account (a system halt an operator lifts) unless it is already halted; the event itself is
    not recorded. Returns the incident (``INC-<book>-<seq>``). Worker.

    Raises (docs/errors.md): PD011 UnknownReference (unknown order), PD012 InvalidArgument (no kind), PD015
    BusinessTimeOutOfBounds."""
    return run(conn, record_order_confusion_call(client_order_id=client_order_id, kind=kind, ts=ts, detail=detail))


def record_order_event(
    conn: psycopg.Connection[Any],
    *,
    client_order_id: str,
    kind: str,
    ts: datetime,
    venue_order_id: str | None = None,
    reason: str | None = None,
) -> str:
    """Relay an order event (``kind``: acknowledged, rejected, cancel_requested, canceled, expired) at
    venue time ``ts`` (``api.record_order_event``); returns the order's status after.

    Raises (docs/errors.md): PD005 IllegalTransition (not a legal transition of docs/state_machine.md, or
    after a terminal status), PD006 Overfill, PD011 UnknownReference (client order id), PD012
    InvalidArgument (unknown kind), PD013 TimeRegression (before the order's last event), PD015
    BusinessTimeOutOfBounds.
    """
    return run(
        conn,
        record_order_event_call(
            client_order_id=client_order_id, kind=kind, ts=ts, venue_order_id=venue_order_id, reason=reason
        ),
    )


def record_fill_call(
    *,
    client_order_id: str,
    venue_trade_id: str,
    quantity: Decimal,
    price: Decimal,
    fee: Decimal,
    fee_currency: str,
    liquidity: str,
    ts: datetime,
) -> Call[str]:
    return Call(
        "SELECT api.record_fill(%s::text, %s::text, %s::numeric, %s::numeric, %s::numeric, %s::text, %s::text,"
        " %s::timestamptz)",
        (client_order_id, venue_trade_id, quantity, price, fee, fee_currency, liquidity, ts),
        None,
    )


def record_fill(
    conn: psycopg.Connection[Any],
    *,
    client_order_id: str,
    venue_trade_id: str,
    quantity: Decimal,
    price: Decimal,
    fee: Decimal,
    fee_currency: str,
    liquidity: str,
    ts: datetime,
) -> str:
    """Record an execution (``api.record_fill``): ``quantity`` base units at ``price`` (quote per base),
    ``fee`` in ``fee_currency`` (quote or base), ``liquidity`` taker | maker, at venue time ``ts``; posts
    the journal, opens or consumes FIFO lots. Returns ``recorded`` or ``duplicate`` (the same venue trade
    id reported again with the same content).

    Raises (docs/errors.md): PD003 NegativeBalance (a fill costing more cash than the book holds), PD005
    IllegalTransition (the order is not open or partially filled), PD006 Overfill, PD007 SellExceedsLots,
    PD010 ConflictingResubmission (another fill under the same venue trade id), PD011 UnknownReference,
    PD012 InvalidArgument (price/fee/currency not matching the order, a non-finite number), PD013
    TimeRegression (a fill before its order), PD015 BusinessTimeOutOfBounds.
    """
    return run(
        conn,
        record_fill_call(
            client_order_id=client_order_id,
            venue_trade_id=venue_trade_id,
            quantity=quantity,
            price=price,
            fee=fee,
            fee_currency=fee_currency,
            liquidity=liquidity,
            ts=ts,
        ),
    )


def close_hour_call(account: str, hour: datetime) -> Call[HourState]:
    return Call("SELECT * FROM api.close_hour(%s::text, %s::timestamptz)", (account, hour), HourState)


def close_hour(conn: psycopg.Connection, account: str, hour: datetime) -> HourState:
    """Close an hour: hourly state, exposures, input/output hashes, loss limits and breakers; idempotent per
    hour. The hour's symbols (its inputs hash, the stale-data and data-quality breakers) are the database's
    (``portfolio.book_symbols``: the book's latest run's symbols and conversion pairs, held symbols, symbols with
    an open order or signalled in the week before), never an argument."""
    return run(conn, close_hour_call(account, hour))


def close_hours_call(
    account: str,
    hours: Sequence[datetime],
    correlation_ids: Sequence[str],
    venue_balances: Mapping[str, Decimal],
    venue_open_orders: Sequence[str],
    calls: Sequence[int],
    errors: Sequence[int],
) -> Call[HourState]:
    """Quiet hours in one call (``api.close_hours``): for each of ``hours`` (consecutive close times, UTC), under
    its correlation id, the hour's reconciliation against ``venue_balances`` (total per currency) and
    ``venue_open_orders`` (client order ids), its venue-health report (``calls`` and ``errors`` since the previous
    report, reachable) and its close, as the hour step sends them for an hour without venue activity or decisions.
    The states of the hours closed: the call stops after an hour that leaves an order open or a halt in force.
    PD012 (malformed arrays or hours), PD015, and what ``api.reconcile``, ``api.record_venue_health`` and
    ``api.close_hour`` refuse."""
    balances = json.dumps({k: str(v) for k, v in sorted(venue_balances.items())})
    return Call(
        "SELECT * FROM api.close_hours(%s::text, %s::timestamptz[], %s::text[], %s::jsonb, %s::text[],"
        " %s::integer[], %s::integer[])",
        (account, list(hours), list(correlation_ids), balances, sorted(venue_open_orders), list(calls),
         list(errors)),
        HourState,
        many=True,
    )


def register_run(
    conn: psycopg.Connection, run_id: str, account: str, kind: str, config: dict[str, Any], dataset_hash: str | None
) -> str:
    """Register a runner run with its reproducing configuration; idempotent for the same configuration."""
    return run(
        conn,
        Call(
            "SELECT api.register_run(%s::text, %s::text, %s::text, %s::jsonb, %s::text)",
            (run_id, account, kind, json.dumps(config, sort_keys=True), dataset_hash),
            None,
        ),
    )


def load_candles(
    conn: psycopg.Connection,
    load_key: uuid.UUID,
    venue: str,
    symbol: str,
    interval: str,
    source: str,
    clock: datetime | None = None,
    line_offset: int = 1,
) -> CandleLoad:
    """Gate the lines staged in ``market.candle_stage`` under ``load_key`` (see predator.marketdata.loader and
    predator.db.market_api.copy_stage); the staged rows are consumed."""
    return run(
        conn,
        Call(
            "SELECT * FROM api.load_candles(%s::uuid, %s::text, %s::text, %s::text, %s::text,"
            " coalesce(%s::timestamptz, now()), %s::integer)",
            (load_key, venue, symbol, interval, source, clock, line_offset),
            CandleLoad,
        ),
    )


# --- read routines ------------------------------------------------------------------------------------


def verify_chains(conn: psycopg.Connection) -> list[ChainBreak]:
    """Recompute every hash chain; the first broken row of each broken chain (empty: all verify)."""
    return run(conn, Call("SELECT * FROM api.verify_chains() ORDER BY chain, seq", (), ChainBreak, many=True))


def hour_digests(conn: psycopg.Connection, account: str, start: datetime, end: datetime) -> list[HourDigest]:
    """Recorded and recomputed hashes of every closed hour in [start, end]."""
    return run(
        conn,
        Call(
            "SELECT * FROM api.hour_digests(%s::text, %s::timestamptz, %s::timestamptz)",
            (account, start, end),
            HourDigest,
            many=True,
        ),
    )


@dataclass(frozen=True)
class Reconciliation:
    """Result of ``api.reconcile``: clean, or the differences (a mismatch halts globally)."""

    clean: bool
    diffs: list[dict[str, Any]]
    reconciliation_seq: int


def reconcile_call(
    *,
    account: str,
    ts: datetime,
    venue_balances: dict[str, Decimal],
    venue_open_orders: list[str],
    kind: str = "hourly",
) -> Call[Reconciliation]:
    balances = json.dumps({k: str(v) for k, v in sorted(venue_balances.items())})
    return Call(
        "SELECT * FROM api.reconcile(%s::text, %s::timestamptz, %s::jsonb, %s::text[], %s::text)",
        (account, ts, balances, sorted(venue_open_orders), kind),
        Reconciliation,
    )


def reconcile(
    conn: psycopg.Connection[Any],
    *,
    account: str,
    ts: datetime,
    venue_balances: dict[str, Decimal],
    venue_open_orders: list[str],
    kind: str = "hourly",
) -> Reconciliation:
    """Compare the book with the venue at ``ts`` (``api.reconcile``): ``venue_balances`` are totals per
    currency, ``venue_open_orders`` client order ids; ``kind`` hourly | startup. A mismatch beyond the
    operator setting ``reconcile_tolerance`` (``api.set_setting``; never an argument) halts globally and
    opens an incident (a result, not an error).

    Raises (docs/errors.md): PD011 UnknownReference (account), PD012 InvalidArgument (balances not a JSON
    object, a non-finite number), PD015 BusinessTimeOutOfBounds.
    """
    return run(
        conn,
        reconcile_call(
            account=account,
            ts=ts,
            venue_balances=venue_balances,
            venue_open_orders=venue_open_orders,
            kind=kind,
        ),
    )


# --- safety --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KillSwitch:
    """Result of ``api.kill_switch``: the halt event (None when already halted), orders marked for
    cancellation, and reduce-only exit orders created."""

    halt_seq: int | None
    orders_marked: int
    flatten_orders: int


def kill_switch(conn: psycopg.Connection, reason: str, flatten: bool = False) -> KillSwitch:
    """Global halt, every open order marked for cancellation, optionally flatten every position. Operator."""
    return run(conn, Call("SELECT * FROM api.kill_switch(%s::text, %s::boolean)", (reason, flatten), KillSwitch))


def record_venue_health_call(
    account: str, ts: datetime, calls: int, errors: int, connected: bool, detail: dict[str, Any] | None = None
) -> Call[bool]:
    return Call(
        "SELECT api.record_venue_health(%s::text, %s::timestamptz, %s::integer, %s::integer, %s::boolean, %s::jsonb)",
        (account, ts, calls, errors, connected, json.dumps(detail or {}, default=str)),
        None,
    )


def record_venue_health(conn: psycopg.Connection, *args: Any, **kwargs: Any) -> bool:
    """Report venue API calls, errors and connectivity; True when a breaker tripped."""
    return run(conn, record_venue_health_call(*args, **kwargs))


def record_worker_health_call(
    account: str, ts: datetime, rss_kb: int, pid: int | None = None, detail: dict[str, Any] | None = None
) -> Call[bool]:
    """The worker's own resident memory (kB) at the close of hour ``ts`` (``api.record_worker_health``: the
    database trips the worker_rss_mb breaker at its threshold)."""
    return Call(
        "SELECT api.record_worker_health(%s::text, %s::timestamptz, %s::bigint, %s::integer, %s::jsonb)",
        (account, ts, rss_kb, pid, json.dumps(detail or {}, default=str)),
        None,
    )


def record_worker_health(conn: psycopg.Connection, *args: Any, **kwargs: Any) -> bool:
    """Report the worker's resident memory; True when the worker_rss_mb breaker tripped now."""
    return run(conn, record_worker_health_call(*args, **kwargs))


def record_venue_transfer_call(
    account: str, kind: str, currency: str, amount: Decimal, venue_ref: str, ts: datetime
) -> Call[str]:
    return Call(
        "SELECT api.record_venue_transfer(%s::text, %s::text, %s::text, %s::numeric, %s::text, %s::timestamptz)",
        (account, kind, currency, amount, venue_ref, ts),
        None,
    )


def record_venue_transfer(conn: psycopg.Connection, *args: Any, **kwargs: Any) -> str:
    """Relay a deposit or withdrawal seen on the venue; a withdrawal halts globally."""
    return run(conn, record_venue_transfer_call(*args, **kwargs))


def open_incident(
    conn: psycopg.Connection,
    severity: int,
    category: str,
    title: str,
    description: str,
    reason: str,
    account: str | None = None,
    links: dict[str, Any] | None = None,
) -> str:
    """Open an incident by hand; returns its id INC-<book>-<seq>. Operator."""
    return run(
        conn,
        Call(
            "SELECT api.open_incident(%s::integer, %s::text, %s::text, %s::text, %s::text, %s::text, %s::jsonb)",
            (severity, category, title, description, reason, account, json.dumps(links or {})),
            None,
        ),
    )


def update_incident(conn: psycopg.Connection, incident: str, action: str, reason: str) -> str:
    """Acknowledge, resolve or comment on an incident; returns its status. Operator."""
    return run(conn, Call("SELECT api.update_incident(%s::text, %s::text, %s::text)", (incident, action, reason), None))


def set_breaker(
    conn: psycopg.Connection,
    lane: str,
    breaker: str,
    threshold: Decimal | None,
    reason: str,
    account: str = "*",
    window_hours: int | None = None,
    min_events: int | None = None,
    trip_scope: str | None = None,
) -> int:
    """Set a circuit-breaker threshold for a lane or an account of it; returns the revision. Operator."""
    return run(
        conn,
        Call(
            "SELECT api.set_breaker(%s::text, %s::text, %s::numeric, %s::text, %s::text, %s::integer,"
            " %s::integer, %s::text)",
            (lane, breaker, threshold, reason, account, window_hours, min_events, trip_scope),
            None,
        ),
    )


def set_setting(conn: psycopg.Connection, name: str, value: Decimal, reason: str) -> int:
    """Set an operator setting of the database (new revision, audited); returns the revision. Operator.

    ``max_clock_skew_seconds`` (0..3600): how far a business time may run ahead of the wall clock before
    the api routines refuse it with PD015. Raises :class:`~predator.errors.UnknownReference` (PD011) for
    an unknown setting, :class:`~predator.errors.InvalidArgument` (PD012) for a value out of range."""
    return run(
        conn, Call("SELECT api.set_setting(%s::text, %s::numeric, %s::text)", (name, value, reason), None)
    )


# --- shadow mode ---------------------------------------------------------------------------------------------


def pair_shadow(conn: psycopg.Connection, *, shadow: str, reference: str, reason: str) -> int:
    """``api.pair_shadow``: pair a shadow account with the reference account (paper or live, same venue) its
    decisions are compared with every hour; returns the shadow's book id. Operator. PD011 unknown account,
    PD012 not a shadow account, same account or venue mismatch, already paired, no reason."""
    book_id: int = run(conn, Call("SELECT api.pair_shadow(%s::text, %s::text, %s::text)",
                                  (shadow, reference, reason), None))
    return book_id


@dataclass(frozen=True)
class ShadowComparison:
    """One hour compared by ``api.compare_shadow``: decisions in one book and not the other (a count), the
    shadow_divergence threshold in force (None: disabled) and whether the breaker tripped."""

    hour: datetime
    divergence: int
    threshold: Decimal | None
    tripped: bool


def compare_shadow(conn: psycopg.Connection, *, shadow: str, until: datetime) -> list[ShadowComparison]:
    """``api.compare_shadow``: compare the paired shadow account with its reference for every hour both
    closed up to ``until`` (UTC) and not compared yet; trips the shadow_divergence breaker above its
    threshold. Worker. PD011 unknown account, PD012 not a paired shadow, PD015 ``until`` beyond the wall
    clock."""
    rows: list[ShadowComparison] = run(conn, Call("SELECT * FROM api.compare_shadow(%s::text, %s::timestamptz)",
                                                  (shadow, until), ShadowComparison, many=True))
    return rows


# --- recorded validation runs (the auditor's checkpoints) ---------------------------------------------------


@dataclass(frozen=True)
class RecordedValidation:
    """One run recorded by ``api.record_validation``: its chain (book 0: every book) and seq, passed (every
    gate returned 0 rows) and checkpoint (passed and contiguous from the book's start: where the next
    incremental run resumes)."""

    book_id: int
    seq: int
    passed: bool
    checkpoint: bool


def record_validation(conn: psycopg.Connection, *, account: str | None, start: datetime | None, end: datetime,
                      incremental: bool, gates: dict[str, int | None]) -> RecordedValidation:
    """``api.record_validation``: record a run of the gates over the business times ``[start, end)`` (``start``
    None: from the start; ``end`` exclusive) of ``account``'s book (None: every book) with the violating rows
    of each gate (None: the gate errored). Call it in the transaction whose snapshot the gates judged: the
    book's chain heads are read from it. Auditor. PD011 unknown account; PD012 ``start`` after ``end`` or no
    gate; PD015 a bound that is infinite or later than the wall clock."""
    row: RecordedValidation = run(conn, Call(
        "SELECT * FROM api.record_validation(%s::text, %s::timestamptz, %s::timestamptz, %s::boolean, %s::jsonb)",
        (account, start, end, incremental, json.dumps(gates)), RecordedValidation))
    return row


@dataclass(frozen=True)
class ValidationCheckpoint:
    """``api.validation_checkpoint``: the account's last checkpoint (seq, exclusive end ``range_to``) and
    ``resume_from``, the inclusive start of the next incremental range: ``range_to``, or earlier when
    ``late_rows`` rows appended since the checkpoint carry a business time before it."""

    seq: int
    range_to: datetime
    resume_from: datetime
    late_rows: int


def validation_checkpoint(conn: psycopg.Connection, account: str) -> ValidationCheckpoint | None:
    """Where ``predator validate --account A --incremental`` resumes (None: the book has no checkpoint yet).
    Auditor, worker, operator. PD011 unknown account."""
    row: ValidationCheckpoint | None = run(conn, Call("SELECT * FROM api.validation_checkpoint(%s::text)",
                                                      (account,), ValidationCheckpoint))
    return row


# --- recorded replays (the auditor's attestations of replay parity) -----------------------------------------


@dataclass(frozen=True)
class RecordedReplay:
    """One replay recorded by ``api.record_replay``: the account's book, its seq in the book's chain of recorded
    replays, and parity as the database derived it (hours compared, none mismatched, every action re-applied)."""

    book_id: int
    seq: int
    parity: bool


def record_replay(conn: psycopg.Connection, *, account: str, run_id: str, start: datetime, end: datetime,
                  hours: int, mismatches: int, first_mismatch_hour: datetime | None,
                  first_mismatch: Sequence[str] | None, interventions: int, unreplayable: int) -> RecordedReplay:
    """``api.record_replay``: record a replay of ``account``'s run ``run_id`` over the closed hours
    ``[start, end]`` (both inclusive; ``hours`` of them, the book's closed hours there), ``mismatches`` mismatched
    with the first one and its problems (both None exactly when none mismatched; at most 64 problems of at most
    500 characters), ``interventions`` re-applied and ``unreplayable`` not. Auditor. PD011 unknown account or a run
    of another book; PD012 inconsistent counts or range (``hours`` not the closed hours of the range, ``end``
    after the last closed hour); PD015 a time that is infinite or later than the wall clock."""
    row: RecordedReplay = run(conn, Call(
        "SELECT * FROM api.record_replay(%s::text, %s::text, %s::timestamptz, %s::timestamptz, %s::integer,"
        " %s::integer, %s::timestamptz, %s::jsonb, %s::integer, %s::integer)",
        (account, run_id, start, end, hours, mismatches, first_mismatch_hour,
         None if first_mismatch is None else json.dumps(list(first_mismatch)), interventions, unreplayable),
        RecordedReplay))
    return row
