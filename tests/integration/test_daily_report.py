"""The daily report completed (issue 16 item 8, seeds 000 and 002): on a real book with a rejected order, a
reconciliation mismatch, venue API errors (one classified as halt), a deposit during the day and refusals, the
day's report shows the execution quality, API errors, reconciliation status, balance changes per currency by kind
and the limit breaches, each read from its ``api`` function; the functions agree with the rows they summarise."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import psycopg
import pytest

from predator.db import api, report_reads
from predator.db.connection import Target
from predator.reports.report import collect, day_bounds, render
from tests.helpers import T0, build_book, hour

DEPOSIT = Decimal("2500")


def _day_with_everything(db: Target) -> str:
    book = build_book(db)
    account = book.account
    with db.connect("worker") as conn:
        with conn.transaction():
            # 10 venue calls, 3 failed, one error classified as halt (trips venue_fatal_error: a global halt)
            api.run(conn, api.record_venue_health_call(account, hour(9) + timedelta(minutes=5), 10, 3, True,
                                                       {"fatal_errors": 1, "fatal": ["api key revoked"]}))
        with conn.transaction():
            # the venue says 1 USDT less than the book holds: a mismatch
            held = dict(conn.execute("SELECT currency, balance FROM api.balances WHERE account = %s"
                                     " AND account_code = 'trading'", (account,)).fetchall())
            held["USDT"] -= 1
            open_orders = [r[0] for r in conn.execute(
                "SELECT client_order_id FROM api.orders WHERE account = %s AND status IN ('open', 'partially_filled')",
                (account,)).fetchall()]
            rec = api.reconcile(conn, account=account, ts=hour(9) + timedelta(minutes=10),
                                venue_balances=held, venue_open_orders=open_orders)
            assert not rec.clean
    with db.connect("operator") as conn, conn.transaction():
        api.deposit(conn, account, DEPOSIT, hour(9) + timedelta(minutes=20), "top-up during the day")
    return account


def test_the_daily_report_shows_api_errors_reconciliation_balances_and_breaches(db: Target, tmp_path) -> None:  # type: ignore[no-untyped-def]
    account = _day_with_everything(db)
    start, end = day_bounds(T0)
    with db.connect("auditor") as conn:
        d = collect(conn, account, start, end, gates=False)
        fills = conn.execute("SELECT slippage_bps, fee, fee_currency FROM api.fills WHERE account = %s"
                             " AND ts > %s AND ts <= %s AND NOT voided", (account, start, end)).fetchall()
        orders = conn.execute("SELECT count(*), count(*) FILTER (WHERE status = 'rejected') FROM api.orders"
                              " WHERE account = %s", (account,)).fetchone()
        trading = dict(conn.execute("SELECT currency, balance FROM api.balances WHERE account = %s"
                                    " AND account_code = 'trading'", (account,)).fetchall())
        trips = conn.execute("SELECT breaker, count(*) FROM api.breaker_trips WHERE account = %s GROUP BY 1"
                             " ORDER BY 1", (account,)).fetchall()

    # execution quality: the rejected order, the fills' slippage as api.fills defines it
    q = d.quality
    assert (q.orders, q.rejected) == (orders[0], orders[1]) and q.rejected == 1
    assert q.rejection_rate == Decimal(1) / orders[0]
    assert q.fills == len(fills)
    slipped = [f[0] for f in fills if f[0] is not None]
    assert q.mean_slippage_bps == pytest.approx(sum(slipped) / len(slipped))
    assert d.summary.mean_slippage_bps == q.mean_slippage_bps
    assert q.answered_orders == q.orders and q.max_ack_latency_seconds is not None
    assert q.max_ack_latency_seconds >= 0
    assert q.refused == 2 and q.refusal_rate is not None  # insufficient_cash, halted_account

    # API errors: the worker's report
    v = d.venue_errors
    assert (v.reports, v.calls, v.errors, v.fatal_errors, v.fatal) == (1, 10, 3, 1, ["api key revoked"])
    assert v.error_rate == Decimal("0.3")
    assert v.breaker_trips == sum(n for b, n in trips if b in ("api_error_rate", "connectivity_loss",
                                                               "venue_fatal_error")) >= 1

    # reconciliation: one comparison, mismatched on USDT, and it is the latest
    r = d.reconciliation
    assert (r.comparisons, r.clean, r.mismatches) == (1, 0, 1)
    assert r.mismatched == ["balance:USDT"] and r.latest_clean is False
    assert [m.diffs[0]["key"] for m in d.mismatches] == ["USDT"]

    # balance changes: the principal deposited at 00:00 belongs to the day before, the top-up to this one
    by_ccy = {b.currency: b for b in d.balances}
    assert set(by_ccy) == set(trading) | {c for c in by_ccy if by_ccy[c].end_balance == 0}
    usdt = by_ccy["USDT"]
    assert usdt.start_balance == Decimal("100000") and usdt.deposits == DEPOSIT
    for b in d.balances:
        assert b.start_balance + b.fills + b.fees + b.deposits + b.withdrawals + b.transfers + b.voids + b.other \
            == b.end_balance
        assert b.end_balance == trading.get(b.currency, Decimal(0))
    btc_fees = sum((f[1] for f in fills if f[2] == "BTC"), Decimal(0))
    assert by_ccy["BTC"].fees == -btc_fees != 0

    # limit breaches: refusals by reason code, the breaker trips, the system halts with their reasons
    breaches = {(b.kind, b.key): b for b in d.breaches}
    assert breaches[("refusal", "insufficient_cash")].count == 1
    assert breaches[("refusal", "halted_account")].count == 1
    for breaker, n in trips:
        assert breaches[("breaker", breaker)].count == n
    assert "venue_fatal_error" in dict(trips)
    assert breaches[("halt", "global:*")].count >= 1

    md = render(db, account, start, end, fmt="md", out_dir=tmp_path, gates=False).read_text()
    for text in ("## Execution quality", "## API errors", "api key revoked", "## Reconciliation",
                 "**1 mismatched** (balance:USDT)", "**DIRTY**", "## Balance changes", "## Limit breaches",
                 "| refusal | insufficient_cash | 1 |", "| breaker | venue_fatal_error |", "2,500.000000"):
        assert text in md, text
    html = render(db, account, start, end, fmt="html", out_dir=tmp_path, gates=False).read_text()
    for text in ("Execution quality", "API errors", "api key revoked", "Balance changes", "Limit breaches"):
        assert text in html, text


def test_a_day_without_venue_reports_says_no_api_error_is_recorded(db: Target, tmp_path) -> None:  # type: ignore[no-untyped-def]
    book = build_book(db)
    start, end = day_bounds(T0)
    md = render(db, book.account, start, end, fmt="md", out_dir=tmp_path, gates=False).read_text()
    assert "The worker reported no venue health in this period" in md
    assert "0 comparisons with the venue" in md


def test_the_period_reads_refuse_an_unknown_account_and_a_reversed_period(db: Target) -> None:
    start, end = day_bounds(T0)
    with db.connect("auditor") as conn:
        with pytest.raises(psycopg.Error) as e:
            report_reads.venue_errors(conn, account="nobody", start=start, end=end)
        assert e.value.sqlstate == "PD011"
        conn.rollback()
        for fn in ("execution_quality", "venue_errors", "reconciliation_status", "balance_changes", "limit_breaches"):
            with pytest.raises(psycopg.Error) as e:
                conn.execute(f"SELECT * FROM api.{fn}(NULL, %s, %s)", (end, start))
            assert e.value.sqlstate == "PD012", fn
            conn.rollback()
