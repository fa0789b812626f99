"""Named reads of the treasury (``predator treasury status``, the report's treasury section; docs/treasury.md).

Only :mod:`predator.db` speaks SQL. Every read takes an open connection (the caller owns the transaction),
keyword-only arguments, and returns frozen dataclasses; they read the ``api`` views ``api.treasury_status``,
``api.treasury_balances``, ``api.treasury_transfers`` and ``api.operating_costs`` (a plain view read raises
no PD error). Amounts are in the account's reporting currency (``currency``), times timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import psycopg

from predator.db.reads import _one, _rows

_STATUS_COLUMNS = (
    "account, day, window_days, period_from, period_to, complete, currency, realized_pnl, trading_fees,"
    " operating_costs, reserve_accrual, surplus, equity, principal, principal_protected, policy_action,"
    " policy_amount, budget_scale, seq"
)


@dataclass(frozen=True)
class TreasuryStatusRow:
    """A stored self-financing status (``api.treasury_status``): one UTC day (``window_days`` 1) or the rolling
    window ending at ``period_to``; figures over the postings dated in [``period_from``, ``period_to``)."""

    account: str
    day: date  # the UTC day that ended at period_to
    window_days: int
    period_from: datetime
    period_to: datetime
    complete: bool  # the window lies after the account's first deposit
    currency: str
    realized_pnl: Decimal
    trading_fees: Decimal
    operating_costs: Decimal
    reserve_accrual: Decimal
    surplus: Decimal  # realized_pnl - trading_fees - operating_costs - reserve_accrual
    equity: Decimal  # at period_to
    principal: Decimal
    principal_protected: bool  # equity >= principal
    policy_action: str  # none | transfer_proposed | transfer_automatic | entries_halted | budget_cut | ...
    policy_amount: Decimal | None
    budget_scale: Decimal | None  # risk budget in force after the close (rolling rows; None: the cut is off)
    seq: int


def status_accounts(conn: psycopg.Connection[Any]) -> list[str]:
    """The accounts with at least one stored status, by name."""
    return [r[0] for r in conn.execute("SELECT DISTINCT account FROM api.treasury_status ORDER BY 1").fetchall()]


def window_lengths(conn: psycopg.Connection[Any], *, account: str) -> list[int]:
    """The rolling window lengths (days, > 1) ``account`` has stored statuses for, shortest first."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT window_days FROM api.treasury_status WHERE account = %s AND window_days > 1 ORDER BY 1",
        (account,)).fetchall()]


def last_day(conn: psycopg.Connection[Any], *, account: str) -> date | None:
    """The last UTC day ``account`` has a stored status for, or None."""
    row = conn.execute("SELECT max(day) FROM api.treasury_status WHERE account = %s", (account,)).fetchone()
    return row[0] if row else None


def status(conn: psycopg.Connection[Any], *, account: str, window_days: int, day: date) -> TreasuryStatusRow | None:
    """The stored status of ``account`` for ``day`` over ``window_days`` (1: the day itself), or None."""
    return _one(conn, TreasuryStatusRow,
                f"SELECT {_STATUS_COLUMNS} FROM api.treasury_status"
                " WHERE account = %s AND window_days = %s AND day = %s", (account, window_days, day))


def statuses(
    conn: psycopg.Connection[Any], *, account: str, window_days: int, first: date, last: date
) -> list[TreasuryStatusRow]:
    """``account``'s stored statuses over ``window_days`` for the days ``first`` .. ``last`` (inclusive), in
    day order."""
    return _rows(conn, TreasuryStatusRow,
                 f"SELECT {_STATUS_COLUMNS} FROM api.treasury_status"
                 " WHERE account = %s AND window_days = %s AND day BETWEEN %s AND %s ORDER BY day",
                 (account, window_days, first, last))


def policy_actions(conn: psycopg.Connection[Any], *, account: str, first: date, last: date) -> list[TreasuryStatusRow]:
    """The stored statuses of ``account`` for the days ``first`` .. ``last`` on which the treasury policy acted
    (``policy_action`` other than none), in day order."""
    return _rows(conn, TreasuryStatusRow,
                 f"SELECT {_STATUS_COLUMNS} FROM api.treasury_status"
                 " WHERE account = %s AND policy_action <> 'none' AND day BETWEEN %s AND %s ORDER BY day, seq",
                 (account, first, last))


@dataclass(frozen=True)
class DailyWindow:
    """A window of ``days`` UTC days ending with ``last``, summed from the stored daily statuses
    (``window_days`` 1): the days partition the window, so its figures are the sums of theirs; equity, principal
    and protection are those of the last day. ``complete``: all ``days`` daily rows are there and the first one
    is complete (the window lies after the first deposit)."""

    account: str
    days: int
    rows: int  # daily statuses found
    period_from: datetime | None
    period_to: datetime | None
    complete: bool
    currency: str | None
    realized_pnl: Decimal
    trading_fees: Decimal
    operating_costs: Decimal
    reserve_accrual: Decimal
    surplus: Decimal
    equity: Decimal | None
    principal: Decimal | None
    principal_protected: bool | None


def daily_window(conn: psycopg.Connection[Any], *, account: str, days: int, last: date) -> DailyWindow | None:
    """``account``'s window of ``days`` days ending with ``last``, from its daily statuses, or None when it has
    no daily status in it."""
    row = _one(conn, DailyWindow,
               "SELECT %(account)s AS account, %(days)s AS days, count(*)::int AS rows,"
               "       min(period_from) AS period_from, max(period_to) AS period_to,"
               "       count(*) = %(days)s AND bool_and(complete) AS complete, min(currency) AS currency,"
               "       coalesce(sum(realized_pnl), 0) AS realized_pnl, coalesce(sum(trading_fees), 0) AS trading_fees,"
               "       coalesce(sum(operating_costs), 0) AS operating_costs,"
               "       coalesce(sum(reserve_accrual), 0) AS reserve_accrual, coalesce(sum(surplus), 0) AS surplus,"
               "       (array_agg(equity ORDER BY day DESC))[1] AS equity,"
               "       (array_agg(principal ORDER BY day DESC))[1] AS principal,"
               "       (array_agg(principal_protected ORDER BY day DESC))[1] AS principal_protected"
               "  FROM api.treasury_status"
               " WHERE account = %(account)s AND window_days = 1"
               "   AND day > %(last)s::date - %(days)s AND day <= %(last)s::date",
               {"account": account, "days": days, "last": last})
    return row if row is not None and row.rows > 0 else None


@dataclass(frozen=True)
class TreasuryBalance:
    """A treasury ledger's balance (``api.treasury_balances``) with its natural sign: principal deposited,
    realized PnL gained, fees as charged (per currency), fee expense, operating costs, reserve, operations
    bucket, treasury (free capital)."""

    ledger: str
    currency: str
    amount: Decimal


def balances(conn: psycopg.Connection[Any], *, account: str) -> list[TreasuryBalance]:
    """``account``'s treasury ledgers now, by ledger then currency."""
    return _rows(conn, TreasuryBalance,
                 "SELECT ledger, currency, amount FROM api.treasury_balances WHERE account = %s ORDER BY 1, 2",
                 (account,))


@dataclass(frozen=True)
class TreasuryTransfer:
    """A transfer of surplus to the operations bucket (``api.treasury_transfers``)."""

    proposal_no: int
    action: str  # proposed | approved | automatic
    amount: Decimal
    currency: str
    day: date
    tx_seq: int | None
    reason: str
    actor: str
    ts: datetime  # business time
    pending: bool  # a proposal not yet approved


def transfers(conn: psycopg.Connection[Any], *, account: str) -> list[TreasuryTransfer]:
    """``account``'s transfers, proposals and approvals, in business time order."""
    return _rows(conn, TreasuryTransfer,
                 "SELECT proposal_no, action, amount, currency, day, tx_seq, reason, actor, ts, pending"
                 " FROM api.treasury_transfers WHERE account = %s ORDER BY ts, proposal_no, action",
                 (account,))


@dataclass(frozen=True)
class OperatingCost:
    """The current revision of a declared operating cost (``api.operating_costs``)."""

    name: str
    revision: int
    active: bool  # false: ended
    amount: Decimal  # per period, in currency
    currency: str
    period: str  # day | week | month | year
    effective_from: datetime  # business time
    reason: str


def operating_costs(conn: psycopg.Connection[Any], *, account: str) -> list[OperatingCost]:
    """The latest revision of each operating cost declared on ``account``, by name."""
    return _rows(conn, OperatingCost,
                 "SELECT DISTINCT ON (name) name, revision, active, amount, currency, period, effective_from, reason"
                 " FROM api.operating_costs WHERE account = %s ORDER BY name, revision DESC",
                 (account,))


def statuses_closing(
    conn: psycopg.Connection[Any], *, account: str, start: datetime, end: datetime
) -> list[TreasuryStatusRow]:
    """``account``'s stored statuses (every window) stored by the closes in (``start``, ``end``]: their
    ``period_to`` lies there; in day order, the day's row first."""
    return _rows(conn, TreasuryStatusRow,
                 f"SELECT {_STATUS_COLUMNS} FROM api.treasury_status"
                 " WHERE account = %s AND period_to > %s AND period_to <= %s ORDER BY day, window_days",
                 (account, start, end))


@dataclass(frozen=True)
class WindowShare:
    """How many of ``account``'s complete stored rolling windows of ``window_days`` ending on the days
    ``first`` .. ``last`` had a net surplus ≥ 0 and had principal protected (``api.treasury_status``)."""

    window_days: int
    windows: int
    surplus_non_negative: int
    principal_protected: int


def window_share(conn: psycopg.Connection[Any], *, account: str, window_days: int, first: date,
                 last: date) -> WindowShare:
    """The share of complete rolling windows with surplus ≥ 0 and with principal protected (issue 15's
    self-financing measure), counted in SQL over the stored statuses."""
    row = _one(conn, WindowShare,
               "SELECT %(w)s AS window_days, count(*)::int AS windows,"
               "       (count(*) FILTER (WHERE surplus >= 0))::int AS surplus_non_negative,"
               "       (count(*) FILTER (WHERE principal_protected))::int AS principal_protected"
               "  FROM api.treasury_status"
               " WHERE account = %(a)s AND window_days = %(w)s AND complete AND day BETWEEN %(f)s AND %(l)s",
               {"a": account, "w": window_days, "f": first, "l": last})
    assert row is not None
    return row
