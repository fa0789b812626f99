"""Named reads of the self-financing verdict (issue 15 item 7, ``bench/treasury_verdict.py``,
:mod:`predator.tools.treasury_verdict`; docs/treasury.md "Verdict").

Only :mod:`predator.db` speaks SQL. The figures are counted and summed by SQL over the stored status rows of
``api.treasury_status`` (the rows the hour close wrote and gate 21 recomputes from the journal); Python only
shows them. A read takes an open connection (the caller owns the transaction) and keyword-only arguments, and
returns a frozen dataclass. Amounts in the book's reporting currency, shares in percent (2 decimals).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg

from predator.db.reads import _one


@dataclass(frozen=True)
class WindowShares:
    """The complete rolling windows of one account whose whole period lies in [``period_from``, ``period_to``)
    (``api.treasury_status`` rows with ``window_days`` the window and ``complete`` true), and the UTC days of
    that interval (``window_days`` 1).

    ``windows``: how many; ``surplus_ok``: of which net operating surplus ≥ 0; ``protected``: of which principal
    protected (equity at the window's end ≥ principal); ``both``: both; ``share_*``: those counts in percent of
    ``windows`` (None without a window). ``surplus_median``/``surplus_min``/``surplus_max``: of the windows'
    surpluses. ``first_end``/``last_end``: the first and last window end. ``days`` and the ``day_*`` sums: the
    complete daily rows of the interval (their surpluses add up to the interval's surplus, as the days do not
    overlap). ``equity_end``: equity at the last day's end; ``principal``: principal then."""

    windows: int
    surplus_ok: int
    protected: int
    both: int
    share_surplus_ok: Decimal | None
    share_protected: Decimal | None
    share_both: Decimal | None
    surplus_median: Decimal | None
    surplus_min: Decimal | None
    surplus_max: Decimal | None
    first_end: datetime | None
    last_end: datetime | None
    days: int
    day_realized_pnl: Decimal | None
    day_trading_fees: Decimal | None
    day_operating_costs: Decimal | None
    day_reserve_accrual: Decimal | None
    day_surplus: Decimal | None
    equity_end: Decimal | None
    principal: Decimal | None


_WINDOW_SHARES = """
WITH w AS (
    SELECT s.surplus, s.principal_protected, s.period_to
      FROM api.treasury_status s
     WHERE s.account = %(account)s AND s.window_days = %(window_days)s AND s.complete
       AND s.period_from >= %(period_from)s AND s.period_to <= %(period_to)s),
d AS (
    SELECT s.realized_pnl, s.trading_fees, s.operating_costs, s.reserve_accrual, s.surplus, s.equity, s.principal,
           s.period_to
      FROM api.treasury_status s
     WHERE s.account = %(account)s AND s.window_days = 1 AND s.complete
       AND s.period_from >= %(period_from)s AND s.period_to <= %(period_to)s),
wa AS (
    SELECT count(*)::integer AS windows,
           count(*) FILTER (WHERE surplus >= 0)::integer AS surplus_ok,
           count(*) FILTER (WHERE principal_protected)::integer AS protected,
           count(*) FILTER (WHERE surplus >= 0 AND principal_protected)::integer AS both,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY surplus) AS surplus_median,
           min(surplus) AS surplus_min, max(surplus) AS surplus_max,
           min(period_to) AS first_end, max(period_to) AS last_end
      FROM w),
da AS (
    SELECT count(*)::integer AS days, sum(realized_pnl) AS day_realized_pnl, sum(trading_fees) AS day_trading_fees,
           sum(operating_costs) AS day_operating_costs, sum(reserve_accrual) AS day_reserve_accrual,
           sum(surplus) AS day_surplus
      FROM d),
last_day AS (SELECT equity, principal FROM d ORDER BY period_to DESC LIMIT 1)
SELECT wa.windows, wa.surplus_ok, wa.protected, wa.both,
       round(100.0 * wa.surplus_ok / nullif(wa.windows, 0), 2) AS share_surplus_ok,
       round(100.0 * wa.protected / nullif(wa.windows, 0), 2) AS share_protected,
       round(100.0 * wa.both / nullif(wa.windows, 0), 2) AS share_both,
       wa.surplus_median, wa.surplus_min, wa.surplus_max, wa.first_end, wa.last_end,
       da.days, da.day_realized_pnl, da.day_trading_fees, da.day_operating_costs, da.day_reserve_accrual,
       da.day_surplus, l.equity AS equity_end, l.principal
  FROM wa CROSS JOIN da LEFT JOIN last_day l ON true
"""


def window_shares(conn: psycopg.Connection[Any], *, account: str, window_days: int, period_from: datetime,
                  period_to: datetime) -> WindowShares:
    """The verdict's figures of ``account`` over [``period_from``, ``period_to``): see :class:`WindowShares`."""
    row = _one(conn, WindowShares, _WINDOW_SHARES, {"account": account, "window_days": window_days,
                                                     "period_from": period_from, "period_to": period_to})
    assert row is not None  # an aggregate always returns its row
    return row
