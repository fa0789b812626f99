"""The self-financing status of an account as an operator reads it (``predator treasury status``; the treasury
section of the report; docs/treasury.md).

Nothing here computes a treasury figure: the day's and the rolling window's status are the rows the day close
stored (``api.treasury_status``, recomputed from the journal by gate 21). A window length the account does not
store (``--window`` other than its ``treasury_window_days``) is summed from its daily rows in SQL
(:func:`predator.db.treasury_reads.daily_window`); the policy acts on the stored window only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg

from predator.db import reads, treasury_reads
from predator.db.treasury_reads import DailyWindow, TreasuryStatusRow
from predator.errors import NotFoundError

DEFAULT_WINDOW = 30  # days, as treasury_window_days when unset


@dataclass(frozen=True)
class TreasuryView:
    """An account's treasury on ``day`` (the last closed UTC day with a status, unless asked): the day's status,
    the rolling window's (stored, or summed from daily rows when ``computed``), the policy's actions within the
    window, the ledgers' balances now, the transfers and the operating costs declared."""

    account: str
    day: date
    window_days: int
    day_status: TreasuryStatusRow | None
    window: TreasuryStatusRow | DailyWindow | None
    computed: bool  # the window is summed from daily rows (no stored status of that length)
    actions: tuple[TreasuryStatusRow, ...]
    balances: tuple[treasury_reads.TreasuryBalance, ...]
    transfers: tuple[treasury_reads.TreasuryTransfer, ...]
    costs: tuple[treasury_reads.OperatingCost, ...]


def collect(conn: psycopg.Connection[Any], account: str, window_days: int | None = None,
            day: date | None = None) -> TreasuryView:
    """Read ``account``'s treasury view. ``window_days`` None: the stored rolling window of that day (the
    account's ``treasury_window_days``), 30 days when it stores none. Raises
    :class:`~predator.errors.NotFoundError` for an unknown account or one without any stored status."""
    if reads.account(conn, account) is None:
        names = reads.account_names(conn)
        raise NotFoundError(f"unknown account {account!r}; accounts: {', '.join(names) or 'none yet'}")
    last = treasury_reads.last_day(conn, account=account)
    if last is None:
        raise NotFoundError(f"account {account} has no treasury status yet: a status is stored by the close of "
                            f"00:00 UTC after its first deposit (run it past a UTC midnight first)")
    day = day or last
    stored = treasury_reads.window_lengths(conn, account=account)
    if window_days is None:
        rolling = [w for w in stored
                   if treasury_reads.status(conn, account=account, window_days=w, day=day) is not None]
        window_days = rolling[-1] if rolling else DEFAULT_WINDOW
    day_status = treasury_reads.status(conn, account=account, window_days=1, day=day)
    window: TreasuryStatusRow | DailyWindow | None
    computed = False
    if window_days == 1:
        window = day_status
    else:
        window = treasury_reads.status(conn, account=account, window_days=window_days, day=day)
        if window is None:
            window = treasury_reads.daily_window(conn, account=account, days=window_days, last=day)
            computed = window is not None
    first = date.fromordinal(day.toordinal() - window_days + 1)
    return TreasuryView(
        account=account, day=day, window_days=window_days, day_status=day_status, window=window, computed=computed,
        actions=tuple(treasury_reads.policy_actions(conn, account=account, first=first, last=day)),
        balances=tuple(treasury_reads.balances(conn, account=account)),
        transfers=tuple(treasury_reads.transfers(conn, account=account)),
        costs=tuple(treasury_reads.operating_costs(conn, account=account)),
    )


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _status_lines(label: str, s: TreasuryStatusRow | DailyWindow | None) -> list[str]:
    if s is None:
        return [f"{label}: no status stored"]
    ccy = s.currency or ""
    span = (f"{s.period_from:%Y-%m-%dT%H:%MZ} .. {s.period_to:%Y-%m-%dT%H:%MZ}"
            if s.period_from and s.period_to else "—")
    protected = {True: "yes", False: "NO", None: "—"}[s.principal_protected]
    lines = [
        f"{label}: {span}{'' if s.complete else ' (incomplete: starts before the first deposit)'}",
        f"  realized PnL       {_money(s.realized_pnl):>16} {ccy}",
        f"  trading fees       {_money(s.trading_fees):>16} {ccy}",
        f"  operating costs    {_money(s.operating_costs):>16} {ccy}",
        f"  reserve accrual    {_money(s.reserve_accrual):>16} {ccy}",
        f"  net surplus        {_money(s.surplus):>16} {ccy}",
        f"  equity             {_money(s.equity):>16} {ccy}",
        f"  principal          {_money(s.principal):>16} {ccy}",
        f"  principal protected {protected:>16}",
    ]
    if isinstance(s, TreasuryStatusRow):
        amount = f" ({_money(s.policy_amount)} {ccy})" if s.policy_amount is not None else ""
        lines.append(f"  policy action      {s.policy_action:>16}{amount}")
        if s.budget_scale is not None:
            lines.append(f"  risk budget        {s.budget_scale * 100:>15.2f}% (treasury_deficit_cut_pct)")
    return lines


def text(v: TreasuryView) -> list[str]:
    """The lines ``predator treasury status`` prints for one account."""
    out = [f"treasury of {v.account} on {v.day:%Y-%m-%d} (UTC day)"]
    out += _status_lines("day", v.day_status)
    label = f"rolling {v.window_days} days" + (" (summed from daily statuses; the policy acts on the stored "
                                              "window only)" if v.computed else "")
    out += _status_lines(label, v.window)
    out.append(f"policy actions in the window: {len(v.actions)}")
    for a in v.actions:
        amount = f" {_money(a.policy_amount)} {a.currency}" if a.policy_amount is not None else ""
        out.append(f"  {a.day:%Y-%m-%d} {a.window_days}d {a.policy_action}{amount}")
    out.append("ledgers now: " + (", ".join(f"{b.ledger} {_money(b.amount)} {b.currency}" for b in v.balances)
                                  or "none"))
    pending = [t for t in v.transfers if t.pending]
    posted = [t for t in v.transfers if t.action != "proposed"]
    out.append(f"transfers: {len(posted)} posted ({_money(sum((t.amount for t in posted), Decimal(0)))}), "
               f"{len(pending)} pending"
               + "".join(f"; proposal {t.proposal_no} {_money(t.amount)} {t.currency} of {t.day:%Y-%m-%d}"
                         f" (approve: api.approve_treasury_transfer)" for t in pending))
    out.append("operating costs: " + (", ".join(
        f"{c.name} {_money(c.amount)} {c.currency}/{c.period}{'' if c.active else ' (ended)'}" for c in v.costs)
        or "none declared"))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # datetime is a date
        return value.isoformat()
    return value


def as_json(v: TreasuryView) -> dict[str, Any]:
    """The view as a JSON-ready dict (decimals as strings, exactly as stored; times ISO-8601)."""
    import dataclasses

    def obj(x: Any) -> Any:
        return None if x is None else {k: _plain(val) for k, val in dataclasses.asdict(x).items()}

    return {
        "account": v.account, "day": v.day.isoformat(), "window_days": v.window_days,
        "day_status": obj(v.day_status), "window": obj(v.window), "window_computed": v.computed,
        "policy_actions": [obj(a) for a in v.actions],
        "balances": [obj(b) for b in v.balances],
        "transfers": [obj(t) for t in v.transfers],
        "operating_costs": [obj(c) for c in v.costs],
    }


def period_lines(conn: psycopg.Connection[Any], account: str, first: date, last: date,
                 window_days: int = DEFAULT_WINDOW) -> list[str]:
    """Two lines on the self-financing of ``account`` over the UTC days ``first`` .. ``last`` (``predator demo``
    prints them beside the trading summary): the period's figures summed from the stored daily statuses, and the
    share of complete rolling windows with surplus ≥ 0 and with principal protected. No status: one line
    saying so."""
    days = (last - first).days + 1
    period = treasury_reads.daily_window(conn, account=account, days=days, last=last)
    if period is None:
        return [f"SELF-FINANCING: no treasury status stored for {account} (a status is stored at each 00:00 UTC close)"]
    stored = treasury_reads.window_lengths(conn, account=account)
    window = next((w for w in reversed(stored) if w > 1), window_days)
    share = treasury_reads.window_share(conn, account=account, window_days=window, first=first, last=last)
    ccy = period.currency or ""
    protected = {True: "yes", False: "NO", None: "—"}[period.principal_protected]
    return [
        f"SELF-FINANCING {first:%Y-%m-%d} .. {last:%Y-%m-%d} ({period.rows} days, {ccy}): realized PnL "
        f"{_money(period.realized_pnl)} - fees {_money(period.trading_fees)} - operating costs "
        f"{_money(period.operating_costs)} - reserve {_money(period.reserve_accrual)} = surplus "
        f"{_money(period.surplus)}; principal protected {protected} (equity {_money(period.equity)}, principal "
        f"{_money(period.principal)})",
        f"  rolling {window}-day windows: {share.surplus_non_negative} of {share.windows} with surplus >= 0, "
        f"{share.principal_protected} of {share.windows} with principal protected  (predator treasury status "
        f"--account {account}; docs/treasury.md)",
    ]
