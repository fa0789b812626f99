"""The verdict's run and read (issue 15 item 7, :mod:`predator.tools.treasury_verdict`) on a tiny period: two
weeks of trend on BTC/ETH (February 2023, stored candles) with the verdict's costs and reserve and a 7-day
window. The run's settings reach the database through the api doors; the figures the verdict reads are the
complete rolling windows inside the period, counted again here row by row from ``api.treasury_status``."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from predator.db.connection import Target
from predator.tools import treasury_verdict as tv

PERIOD = tv.Period("tiny", datetime(2023, 2, 1, tzinfo=UTC), datetime(2023, 2, 15, tzinfo=UTC), True)


def test_a_two_week_run_reads_its_complete_windows(market_db: Target) -> None:
    settings = tv.Settings(window_days=7)
    candidate = tv.GRID["trend"][0]
    score = tv.run_one(market_db, candidate, PERIOD, settings)
    account = tv.account_name(candidate, PERIOD)
    with market_db.connect("auditor") as conn:
        rows = conn.execute(
            "SELECT period_from, period_to, complete, surplus, principal_protected FROM api.treasury_status"
            " WHERE account = %s AND window_days = 7 ORDER BY period_to", (account,)).fetchall()
        limits = dict(conn.execute(
            "SELECT limit_name, value FROM api.limits WHERE profile = 'default'"
            "   AND limit_name IN ('treasury_reserve_pct', 'treasury_window_days')").fetchall())
        costs = conn.execute("SELECT amount, period, effective_from FROM api.operating_costs WHERE account = %s",
                             (account,)).fetchall()
    s = score.shares
    inside = [r for r in rows if r[2] and r[0] >= PERIOD.start and r[1] <= PERIOD.end]
    assert [r[1].day for r in inside] == list(range(8, 16)), "a complete window per day from day 7 to the end"
    assert s.windows == len(inside) == 8
    assert s.surplus_ok == sum(1 for r in inside if r[3] >= 0)
    assert s.protected == sum(1 for r in inside if r[4])
    assert s.share_surplus_ok == round(Decimal(100) * s.surplus_ok / s.windows, 2)
    assert s.surplus_min == min(r[3] for r in inside) and s.surplus_max == max(r[3] for r in inside)
    assert (s.first_end, s.last_end) == (datetime(2023, 2, 8, tzinfo=UTC), PERIOD.end)
    assert any(not r[2] for r in rows), "the first windows start before the deposit: incomplete, not counted"
    # 14 days of 20 USDT a month in a 28-day month, declared from the first hour.
    assert s.days == 14
    assert s.day_operating_costs is not None and abs(s.day_operating_costs - Decimal(10)) < Decimal("1e-6")
    assert s.day_trading_fees is not None and s.day_trading_fees > 0 and score.fills > 0
    assert s.principal == Decimal(10000) and s.equity_end == score.final_equity
    assert limits == {"treasury_reserve_pct": Decimal(25), "treasury_window_days": Decimal(7)}
    assert costs == [(Decimal(20), "month", PERIOD.start)]
    assert score.events == (), "two quiet weeks: no halt, no flatten"
