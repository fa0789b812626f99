"""Issue 9, problems 3 and 4, reproduced exactly: non-finite numbers and unbounded business time.

Each case the adversarial review found is replayed through the gateway as the role that would send it,
and must now be refused with its SQLSTATE class (PD012 for NaN/±Infinity, PD015 for a business time that
is infinite or ahead of the wall clock, PD013 for an hour that would count a later fill) with nothing
stored: the row counts of every governed table are the same before and after. Where the issue showed a
consequence (a cap switched off, a mismatch marked clean, an account frozen), the test also shows that
the consequence no longer follows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from predator import errors, gates
from predator.db import api
from predator.db.connection import Target
from tests.helpers import candle_lines, new_account, stage_and_load

H0 = datetime(2023, 6, 1, tzinfo=UTC)
"""The 2023 market of these tests: 48 real hourly BTC bars from here."""

NON_FINITE = [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")]


def at(n: int) -> datetime:
    return H0 + timedelta(hours=n)


def governed_counts(target: Target) -> dict[str, int]:
    """Rows per table of the governed schemas (read as superuser)."""
    with psycopg.connect(target.dsn) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops')"
            " AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1").fetchall()]
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608


@dataclass(frozen=True)
class Market:
    target: Target
    account: str
    equity: Decimal


@pytest.fixture()
def market(db: Target) -> Iterator[Market]:
    """A 10,000 USDT paper account on the default profile (order cap 25 %, instrument cap 30 %), with 48
    real BTC/USDT bars from 2023-06-01."""
    with db.connect("operator") as conn:
        stage_and_load(conn, "BTC/USDT", candle_lines("BTC/USDT", H0, 48))
        account = new_account(conn, principal=Decimal("10000"), deposit_at=H0)
    yield Market(db, account, Decimal("10000"))


def refused(target: Target, role: str, exc: type[errors.DatabaseRefusal], sql: str,
            params: tuple[object, ...] = ()) -> errors.DatabaseRefusal:
    """Run one statement as ``role``; it must be refused with ``exc``, and store nothing."""
    before = governed_counts(target)
    with target.connect(role) as conn, pytest.raises(exc) as caught, conn.transaction(), api.translated():
        conn.execute(sql, params)
    assert governed_counts(target) == before, "a refused call stored something"
    return caught.value


def btc_close(n: int) -> Decimal:
    return Decimal(candle_lines("BTC/USDT", H0, 48)[n - 1].split(",")[4])


SIGNAL = ("SELECT * FROM api.submit_signal(%s::text, 'trend', 'BTC/USDT', %s::timestamptz, %s::text, 0.7::numeric,"
          " %s::numeric, %s::timestamptz, %s::numeric)")


@pytest.mark.parametrize("edge", NON_FINITE, ids=str)
def test_a_non_finite_expected_edge_no_longer_passes_the_minimum_edge_check(market: Market, edge: Decimal) -> None:
    with market.target.connect("operator") as op, op.transaction():
        api.set_limit(op, "default", "min_edge_bps", "bps", Decimal("10"), "issue 9: a minimum edge")
    e = refused(market.target, "worker", errors.InvalidArgument, SIGNAL,
                (market.account, at(2), "buy", edge, at(3), Decimal("0.01")))
    assert e.detail == f"argument=p_edge_bps value={edge}"
    assert e.hint and "finite" in e.hint


def test_a_nan_absolute_limit_no_longer_switches_the_caps_off(market: Market) -> None:
    for limit in ("max_order_notional", "max_instrument_exposure"):
        e = refused(market.target, "operator", errors.InvalidArgument,
                    "SELECT api.set_limit('default', %s, 'abs', 'NaN'::numeric, 'issue 9: NaN cap')", (limit,))
        assert e.detail == "argument=p_value value=NaN"
    # The 25 % and 30 % caps are still in force: a buy of half the equity is refused by both.
    half = (market.equity / 2 / btc_close(2)).quantize(Decimal("0.00001"))
    with market.target.connect("worker") as conn, conn.transaction():
        d = api.submit_signal(
            conn,
            account=market.account,
            strategy="trend",
            symbol="BTC/USDT",
            ts=at(2),
            direction="buy",
            confidence=Decimal("0.7"),
            edge_bps=Decimal("25"),
            expiry=at(3),
            quantity=half,
        )
    assert d.outcome == "refused"
    assert {"order_notional_cap", "instrument_cap"} <= set(d.reasons)
    with market.target.connect("auditor") as conn:
        caps = {r.name: r for r in gates.run_gates(conn)}["08_caps_respected"]
    assert caps.passed


@pytest.mark.parametrize("tolerance", [Decimal("NaN"), Decimal("Infinity")], ids=str)
def test_a_non_finite_tolerance_no_longer_marks_10000_vs_1_usdt_clean(market: Market, tolerance: Decimal) -> None:
    # The tolerance is the operator's setting: a worker cannot pass one at all (no such routine), and the
    # operator cannot set a non-finite one.
    with market.target.connect("worker") as conn, pytest.raises(psycopg.errors.UndefinedFunction):
        conn.execute("SELECT * FROM api.reconcile(%s::text, %s::timestamptz, '{\"USDT\": \"1\"}'::jsonb, '{}'::text[],"
                     " 'hourly', 1e12::numeric)", (market.account, at(2)))
    e = refused(market.target, "operator", errors.InvalidArgument,
                "SELECT api.set_setting('reconcile_tolerance', %s::numeric, 'test')", (tolerance,))
    assert e.detail == f"argument=p_value value={tolerance}"
    # The widest tolerance an operator may set (1) still finds 10,000 vs 1 USDT the mismatch it is (and it
    # halts: no clean record to unlock api.resume with).
    # Raising the tolerance is a two-person action (docs/operator.md).
    with market.target.connect("operator", autocommit=True) as op, \
            market.target.connect("approver", autocommit=True) as ap:
        api.request_and_approve(op, ap, "set_setting", "reconcile_tolerance", "test: widest allowed",
                                value=Decimal(1))
    with market.target.connect("operator") as conn, conn.transaction():
        conn.execute("SELECT api.set_setting('reconcile_tolerance', 1, 'test: widest allowed')")
    refused(market.target, "operator", errors.InvalidArgument,
            "SELECT api.set_setting('reconcile_tolerance', 10001, 'test: wide enough to hide a desync')")
    with market.target.connect("worker") as conn, conn.transaction():
        clean = conn.execute("SELECT clean FROM api.reconcile(%s::text, %s::timestamptz, '{\"USDT\": \"1\"}'::jsonb,"
                             " '{}'::text[])", (market.account, at(2))).fetchone()[0]
    assert clean is False


@pytest.mark.parametrize("balance", ["NaN", "Infinity", "-inf"])
def test_a_non_finite_venue_balance_is_refused(market: Market, balance: str) -> None:
    e = refused(market.target, "worker", errors.InvalidArgument,
                "SELECT * FROM api.reconcile(%s::text, %s::timestamptz, jsonb_build_object('USDT', %s::text),"
                " '{}'::text[])",
                (market.account, at(2), balance))
    assert e.detail == f'argument=p_venue_balances key=USDT value="{balance}"'


@pytest.mark.parametrize("quantity", [Decimal("NaN"), Decimal("Infinity")], ids=str)
@pytest.mark.parametrize("direction", ["buy", "sell"])
def test_non_finite_signal_quantities_are_not_stored(market: Market, quantity: Decimal, direction: str) -> None:
    e = refused(market.target, "worker", errors.InvalidArgument, SIGNAL,
                (market.account, at(2), direction, Decimal("25"), at(3), quantity))
    assert e.detail == f"argument=p_quantity value={quantity}"


@pytest.mark.parametrize("hour", ["2099-01-01T00:00:00Z", "infinity"])
def test_close_hour_in_2099_or_at_infinity_is_refused_and_the_account_goes_on(market: Market, hour: str) -> None:
    e = refused(market.target, "worker", errors.BusinessTimeOutOfBounds,
                "SELECT * FROM api.close_hour(%s::text, %s::timestamptz)", (market.account, hour))
    assert e.sqlstate == "PD015"
    assert e.detail and e.detail.startswith("argument=p_hour ")
    # The account is not frozen: the next real hour closes.
    with market.target.connect("worker") as conn, conn.transaction():
        state = api.close_hour(conn, market.account, at(3))
    assert state.hour == at(3)


def test_a_2099_fill_for_a_2023_order_is_refused(market: Market) -> None:
    with market.target.connect("worker") as conn, conn.transaction():
        d = api.submit_signal(
            conn,
            account=market.account,
            strategy="trend",
            symbol="BTC/USDT",
            ts=at(2),
            direction="buy",
            confidence=Decimal("0.7"),
            edge_bps=Decimal("25"),
            expiry=at(3),
            quantity=Decimal("0.01"),
        )
        assert d.outcome == "admitted", d
        api.record_order_event(
            conn,
            client_order_id=d.client_order_id,
            kind="acknowledged",
            ts=at(2),
            venue_order_id="V-1",
        )
    e = refused(market.target, "worker", errors.BusinessTimeOutOfBounds,
                "SELECT api.record_fill(%s::text, 'T-2099', 0.01::numeric, %s::numeric, 0.01::numeric, 'USDT', 'taker',"
                " '2099-01-01T00:00:00Z'::timestamptz)", (d.client_order_id, btc_close(2)))
    assert e.detail and e.detail.startswith("argument=p_ts value=2099-01-01 00:00:00+00 wall_clock=")

    # A fill dated after the hour that would count it (within the wall clock) is recorded, but that hour
    # does not close over it: the hour at or after the fill does, and gate 14 stays clean.
    with market.target.connect("worker") as conn, conn.transaction():
        api.record_fill(
            conn,
            client_order_id=d.client_order_id,
            venue_trade_id="T-late",
            quantity=Decimal("0.01"),
            price=btc_close(2),
            fee=Decimal("0.01"),
            fee_currency="USDT",
            liquidity="taker",
            ts=at(6) + timedelta(minutes=30),
        )
    refused(market.target, "worker", errors.TimeRegression,
            "SELECT * FROM api.close_hour(%s::text, %s::timestamptz)", (market.account, at(3)))
    with market.target.connect("worker") as conn, conn.transaction():
        assert api.close_hour(conn, market.account, at(7)).hour == at(7)
    with market.target.connect("auditor") as conn:
        gate = {r.name: r for r in gates.run_gates(conn)}["14_business_time_bounded"]
    assert gate.passed, gate.rows
