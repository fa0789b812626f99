"""``predator audit reconstruct``: the book rebuilt from the journal and the fills by SQL alone (docs/audit.md).

A book built through the gateway reconstructs consistently, as the auditor alone: every rule compares rows and
none disagrees. Then one stored figure is planted wrong in a copy of that database (as superuser, with
``session_replication_role = replica`` silencing the triggers that would refuse the edit): a lot's remaining, a
balance head, an hourly equity; the reconstruction names the rule, the row and both values, and the command
exits 1. A paper run of the trend strategy over two weeks of real candles reconstructs consistently.

Reconstruction 05 rebuilds every closed hour of every book: a sync-fed multi-currency book (a USD book trading in
CAD and USDC and holding USDC as cash, its conversion pairs revised between its trades and closes and again after
the closes; tests.helpers.build_multi_currency_book) agrees hour by hour, and a
figure planted wrong in one of its hours is named; a book whose ghost fills (a buy, a partial sell and a trip's
exit) were counted by two closes and then voided agrees before and after the voids, and a figure planted wrong
on either side of them is named.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest
from click.testing import CliRunner

from predator import reconstruct
from predator.cli import main
from predator.db import api, chaos_db
from predator.db.connection import Target
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig
from tests.conftest import create_database, drop_database
from tests.helpers import (
    MH,
    MT0,
    MULTI,
    Book,
    ack,
    approve_global_resume,
    build_book,
    build_multi_currency_book,
    close,
    close_price,
    fill,
    hour,
    load_market,
    new_account,
    signal,
)

#: Every rule the reconstruction files compare.
RULES = {"balance", "last_balance_after", "posting_balance", "position_quantity", "lot", "allocation",
         "cost_basis", "fill_realized", "fee_total", "fee_expense_total", "hour_cash", "hour_positions_value",
         "hour_equity", "hour_peak_equity", "hour_drawdown", "hour_realized_pnl", "hour_fees",
         "hour_unrealized_pnl"}


@dataclass(frozen=True)
class Populated:
    target: Target
    book: Book


@pytest.fixture(scope="module")
def populated(server: Target, template_db: Target) -> Iterator[Populated]:
    target = create_database(server, template=template_db.dbname, prefix="predator_rebuild")
    try:
        yield Populated(target, build_book(target))
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def copy(server: Target, populated: Populated) -> Iterator[Populated]:
    target = create_database(server, template=populated.target.dbname, prefix="predator_rebuild_t")
    try:
        yield Populated(target, populated.book)
    finally:
        drop_database(server, target.dbname)


def tamper(target: Target, statement: str, params: dict[str, object]) -> None:
    with psycopg.connect(target.dsn) as conn:
        conn.execute("SET session_replication_role = replica")
        cur = conn.execute(statement, params)
        assert cur.rowcount == 1, f"the tamper statement changed {cur.rowcount} rows: {statement}"


def rebuild(target: Target, account: str) -> dict[str, reconstruct.RuleResult]:
    with psycopg.connect(target.role_dsn("auditor")) as conn:
        results, errors = reconstruct.run(conn, account)
    assert not errors, errors
    return {r.rule: r for r in results}


def cli(target: Target, account: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "reconstruct", "--dsn", target.role_dsn("auditor"),
                                       "--account", account])
    return result.exit_code, result.output


def test_a_populated_book_reconstructs_consistently_as_the_auditor(populated: Populated) -> None:
    by_rule = rebuild(populated.target, populated.book.account)
    assert set(by_rule) == RULES
    failed = {r: by_rule[r].mismatches[:3] for r in by_rule if not by_rule[r].passed}
    assert not failed
    with psycopg.connect(populated.target.role_dsn("auditor")) as conn:
        lots, allocs, fills, hours = conn.execute(
            "SELECT (SELECT count(*) FROM trading.lot), (SELECT count(*) FROM trading.lot_allocation),"
            " (SELECT count(*) FROM trading.fill), (SELECT count(*) FROM portfolio.hourly_state)").fetchone()
    assert by_rule["lot"].compared == lots > 0
    assert by_rule["allocation"].compared == allocs > 0
    assert by_rule["fill_realized"].compared == fills
    assert by_rule["hour_equity"].compared == hours > 0
    code, out = cli(populated.target, populated.book.account)
    assert code == 0, out
    assert out.strip().splitlines()[-1].startswith(f"RECONSTRUCTION: CONSISTENT ({len(RULES)} rules")
    code, out = cli(populated.target, "nosuch")
    assert code == 5 and "unknown account 'nosuch'; accounts: " in out  # not found (docs/cli.md, exit codes)


def test_a_planted_lot_remaining_is_named(copy: Populated) -> None:
    tamper(copy.target, "UPDATE trading.lot SET remaining = remaining - 0.01"
                        " WHERE symbol = 'ETH/USDT' AND lot_no = 2", {})
    by_rule = rebuild(copy.target, copy.book.account)
    bad = by_rule["lot"].mismatches
    assert [(r[2], r[3]) for r in bad] == [("ETH/USDT", "lot 2")]
    assert "remaining" in bad[0][4] and bad[0][4] != bad[0][5]
    code, out = cli(copy.target, copy.book.account)
    assert code == 1
    assert "lot (03_fifo_lots_pnl): 1 mismatch(es)" in out
    assert out.strip().splitlines()[-1].startswith("RECONSTRUCTION: MISMATCH (1 of")


def test_a_planted_balance_is_named(copy: Populated) -> None:
    tamper(copy.target, "UPDATE ledger.balance SET balance = balance + 5"
                        " WHERE account_code = 'trading' AND currency = 'USDT'", {})
    by_rule = rebuild(copy.target, copy.book.account)
    assert {r for r in by_rule if not by_rule[r].passed} == {"balance"}
    [row] = by_rule["balance"].mismatches
    assert row[2] == "trading:USDT"
    assert Decimal(row[4]) - Decimal(row[5]) == 5


def test_a_planted_hourly_equity_is_named(copy: Populated) -> None:
    with psycopg.connect(copy.target.dsn) as conn:
        hour = conn.execute("SELECT max(hour) FROM portfolio.hourly_state").fetchone()[0]
    # equity_adds_up and peak_is_at_least_equity are CHECKs (replica mode does not silence them): cash moves
    # with equity, both planted 7 lower.
    tamper(copy.target, "UPDATE portfolio.hourly_state SET equity = equity - 7, cash = cash - 7"
                        " WHERE hour = %(h)s", {"h": hour})
    by_rule = rebuild(copy.target, copy.book.account)
    key = hour.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    for rule in ("hour_equity", "hour_cash"):
        [row] = by_rule[rule].mismatches
        assert row[2] == key and Decimal(row[4]) - Decimal(row[5]) == -7
    code, out = cli(copy.target, copy.book.account)
    assert code == 1 and "hour_equity (05_hourly_state): 1 mismatch(es)" in out


def test_a_paper_run_of_the_trend_strategy_reconstructs_consistently(market_db: Target) -> None:
    cfg = RunConfig(account="paper1", symbols=("BTC/USDT", "ETH/USDT"), strategy="trend",
                    params=effective_params(load_strategy("trend", {"fast": 12, "slow": 48, "vol_window": 48})),
                    start=datetime(2023, 2, 1, tzinfo=UTC), end=datetime(2023, 2, 22, tzinfo=UTC),
                    venue=PaperConfig(seed=11))
    runner = HourRunner(market_db, cfg)
    try:
        runner.run()
    finally:
        runner.close()
    by_rule = rebuild(market_db, "paper1")
    failed = {r: by_rule[r].mismatches[:3] for r in by_rule if not by_rule[r].passed}
    assert not failed
    assert by_rule["allocation"].compared > 0 and by_rule["hour_equity"].compared >= 21 * 24
    code, out = cli(market_db, "paper1")
    assert code == 0, out


# --- Reconstruction 05 over a multi-currency book -----------------------------------------------------------------

@pytest.fixture(scope="module")
def multi(server: Target, template_db: Target) -> Iterator[Target]:
    """The multi-currency book of :func:`tests.helpers.build_multi_currency_book`: its conversion pairs revised
    between trades and closes, then after every close."""
    target = create_database(server, template=template_db.dbname, prefix="predator_rebuild_multi")
    try:
        build_multi_currency_book(target)
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def multi_copy(server: Target, multi: Target) -> Iterator[Target]:
    target = create_database(server, template=multi.dbname, prefix="predator_rebuild_multi_t")
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


HOUR_RULES = sorted(r for r in RULES if r.startswith("hour_"))


def test_every_hour_of_a_multi_currency_book_reconstructs(multi: Target) -> None:
    with psycopg.connect(multi.dsn) as conn:
        hours = conn.execute("SELECT count(*) FROM portfolio.hourly_state").fetchone()[0]  # type: ignore[index]
        realized = conn.execute("SELECT realized_pnl FROM portfolio.hourly_state WHERE hour = %s",
                                (MT0 + 5 * MH,)).fetchone()[0]  # type: ignore[index]
        recorded = conn.execute("SELECT (valuation -> 'currencies' -> 'CAD' ->> 'rate')::numeric"
                                " FROM portfolio.hourly_state WHERE hour = %s", (MT0 + 5 * MH,)).fetchone()
        now_rate = conn.execute("SELECT rate FROM market.conversion_rate('kraken', 'CAD', 'USD', %s)",
                                (MT0 + 5 * MH,)).fetchone()
        stale = conn.execute("SELECT stale_marks FROM portfolio.hourly_state WHERE hour = %s",
                             (MT0 + 200 * MH,)).fetchone()
    # the revisions moved the rates the database gives now: only the rates as each close knew them agree
    assert recorded is not None and now_rate is not None and recorded[0] != now_rate[0]
    assert hours == 5 and realized != 0 and stale == (["BTC/USD", "BTC/USDC"],)
    by_rule = rebuild(multi, MULTI)
    for rule in HOUR_RULES:
        assert by_rule[rule].compared == hours, rule
    failed = {r: by_rule[r].mismatches[:3] for r in HOUR_RULES if not by_rule[r].passed}
    assert not failed
    code, out = cli(multi, MULTI)
    assert code == 0, out


MULTI_TAMPERS = [
    ("realized PnL of the hour that counted the CAD and USDC sells", {"hour_realized_pnl": 1},
     "UPDATE portfolio.hourly_state SET realized_pnl = realized_pnl + 1 WHERE hour = %(h)s", 5),
    # equity_adds_up and peak_is_at_least_equity are CHECKs: cash moves with equity, both lower
    ("cash of an hour holding three currencies", {"hour_cash": -7, "hour_equity": -7},
     "UPDATE portfolio.hourly_state SET cash = cash - 7, equity = equity - 7 WHERE hour = %(h)s", 6),
]


@pytest.mark.parametrize(("what", "deltas", "statement", "n"), MULTI_TAMPERS, ids=[t[0] for t in MULTI_TAMPERS])
def test_a_planted_figure_of_a_multi_currency_hour_is_named(multi_copy: Target, what: str, deltas: dict[str, int],
                                                            statement: str, n: int) -> None:
    tamper(multi_copy, statement, {"h": MT0 + n * MH})
    by_rule = rebuild(multi_copy, MULTI)
    assert {r for r in HOUR_RULES if not by_rule[r].passed} == set(deltas), what
    key = (MT0 + n * MH).strftime("%Y-%m-%dT%H:%MZ")
    for rule, delta in deltas.items():
        [row] = by_rule[rule].mismatches
        assert row[2] == key and Decimal(row[4]) - Decimal(row[5]) == delta, row
    code, out = cli(multi_copy, MULTI)
    assert code == 1 and f"{next(iter(deltas))} (05_hourly_state): 1 mismatch(es)" in out


# --- Reconstruction 05 across fill voids ---------------------------------------------------------------------------

GHOSTED = "ghosted"


def ghost_trade(w: psycopg.Connection, account: str, symbol: str, n: int, direction: str, parts: list[Decimal],
                trade_id: str, strategy: str = "trend") -> None:
    """A signal at hour(n) for the parts' sum, acknowledged and filled in those parts (fills trade_id-0, -1, …)."""
    dec = signal(w, account, symbol, n, direction, quantity=sum(parts, Decimal(0)), strategy=strategy)
    assert dec.outcome == "admitted", dec
    assert dec.client_order_id is not None
    ack(w, dec.client_order_id, hour(n))
    for i, qty in enumerate(parts):
        fill(w, dec.client_order_id, qty, close_price(symbol, n), hour(n) + timedelta(minutes=1 + i),
             trade_id=f"{trade_id}-{i}")


@pytest.fixture(scope="module")
def ghosted(server: Target, template_db: Target) -> Iterator[Target]:
    """A book that recorded three fills the venue never made: a BTC sell taking lot 1 and part of lot 2 and the ETH
    trip's exit (counted by hour 3), then a BTC buy (counted by hour 4); all three voided before hour 5 closed. Then
    the real ETH exit and a real BTC sell that takes the lots in another split than the ghost did, and an hour a
    week after the last bar (the BTC left at cost). A twin that never recorded the ghosts gives the venue's balances
    for the reconciliations."""
    target = create_database(server, template=template_db.dbname, prefix="predator_rebuild_void")
    try:
        with target.connect("worker") as w:
            load_market(w, ("BTC/USDT", "ETH/USDT"), hours=12)
            w.commit()
        with target.connect("operator", autocommit=True) as op:
            ghost, twin = new_account(op, name=GHOSTED), new_account(op, name="twin")
        with target.connect("worker", autocommit=True) as w:
            for acct in (ghost, twin):
                ghost_trade(w, acct, "BTC/USDT", 1, "buy", [Decimal("0.02"), Decimal("0.03")], f"{acct}-btc-b")
                ghost_trade(w, acct, "ETH/USDT", 1, "buy", [Decimal("0.5")], f"{acct}-eth-b")
                close(w, acct, 2)
            ghost_trade(w, ghost, "BTC/USDT", 2, "sell", [Decimal("0.035")], "btc-ghost-s")
            ghost_trade(w, ghost, "ETH/USDT", 2, "sell", [Decimal("0.5")], "eth-ghost-s")
            for acct in (ghost, twin):
                close(w, acct, 3)
            ghost_trade(w, ghost, "BTC/USDT", 3, "buy", [Decimal("0.01")], "btc-ghost-b")
            for acct in (ghost, twin):
                close(w, acct, 4)
        with target.connect("auditor") as aud:
            venue = {str(c): Decimal(v) for c, v in aud.execute(
                "SELECT currency, balance FROM ledger.balance b JOIN trading.account a USING (book_id)"
                " WHERE a.name = 'twin' AND b.account_code = 'trading'").fetchall()}
        with target.connect("worker", autocommit=True) as w:
            assert not api.reconcile(w, account=ghost, ts=hour(4) + timedelta(minutes=5), venue_balances=venue,
                                     venue_open_orders=[]).clean
        with target.connect("auditor") as aud:
            incident = next(i for i, sev, _, _ in chaos_db.open_incidents(aud, ghost) if sev == 1)
        with target.connect("operator", autocommit=True) as op:  # newest first: the BTC buy, then the BTC sell
            for n, (symbol, tid) in enumerate((("BTC/USDT", "btc-ghost-b-0"), ("BTC/USDT", "btc-ghost-s-0"),
                                               ("ETH/USDT", "eth-ghost-s-0"))):
                assert api.void_fill(op, ghost, symbol, tid, hour(4) + timedelta(minutes=30 + n),
                                     "test: the venue has no such trade", incident) > 0
        with target.connect("worker", autocommit=True) as w:
            assert api.reconcile(w, account=ghost, ts=hour(4) + timedelta(minutes=40), venue_balances=venue,
                                 venue_open_orders=[]).clean
            for acct in (ghost, twin):
                close(w, acct, 5)
        with target.connect("operator", autocommit=True) as op, target.connect("auditor") as aud:
            for inc, _sev, _c, _t in chaos_db.open_incidents(aud, ghost):
                api.update_incident(op, inc, "acknowledged", "test: reviewed")
                api.update_incident(op, inc, "resolved", "test: ghost fills voided, reconciliation clean")
            aud.commit()
            approve_global_resume(target, op, "test: book corrected")
            api.resume(op, "test: book corrected")
        with target.connect("worker", autocommit=True) as w:
            for acct in (ghost, twin):
                ghost_trade(w, acct, "ETH/USDT", 5, "sell", [Decimal("0.5")], f"{acct}-eth-s")
                ghost_trade(w, acct, "BTC/USDT", 5, "sell", [Decimal("0.025")], f"{acct}-btc-s")
                for n in (6, 7, 200):  # hour 200: no bar within 7 days, the BTC position at cost
                    close(w, acct, n)
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def ghosted_copy(server: Target, ghosted: Target) -> Iterator[Target]:
    target = create_database(server, template=ghosted.dbname, prefix="predator_rebuild_void_t")
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


def stored_hours(target: Target, account: str) -> dict[int, tuple[Decimal, ...]]:
    with target.connect("auditor") as aud:
        rows = aud.execute("SELECT hour, cash, positions_value, realized_pnl, fees, stale_marks FROM api.hourly_states"
                           " WHERE account = %s ORDER BY hour", (account,)).fetchall()
    return {round((r[0] - hour(0)) / timedelta(hours=1)): tuple(r[1:]) for r in rows}


def test_hours_before_and_after_a_fill_void_reconstruct(ghosted: Target) -> None:
    ghost, twin = stored_hours(ghosted, GHOSTED), stored_hours(ghosted, "twin")
    assert sorted(ghost) == [2, 3, 4, 5, 6, 7, 200] and ghost[200][-1] == ["BTC/USDT"]
    # hours 3 and 4 valued the ghosts (their figures differ from the twin's); from hour 5 on the book is the twin's
    assert ghost[3] != twin[3] and ghost[4] != twin[4] and all(ghost[n] == twin[n] for n in (2, 5, 6, 7, 200))
    for account in (GHOSTED, "twin"):
        by_rule = rebuild(ghosted, account)
        for rule in HOUR_RULES:
            assert by_rule[rule].compared == len(ghost), (account, rule)
        failed = {r: by_rule[r].mismatches[:3] for r in HOUR_RULES if not by_rule[r].passed}
        assert not failed, account


VOID_TAMPERS = [
    ("fees of an hour that counted ghost fills", "hour_fees",
     "UPDATE portfolio.hourly_state SET fees = fees + 0.5 WHERE book_id = %(b)s AND hour = %(h)s", 4),
    ("realized PnL of the hour that counted the voids", "hour_realized_pnl",
     "UPDATE portfolio.hourly_state SET realized_pnl = realized_pnl + 0.5 WHERE book_id = %(b)s AND hour = %(h)s", 5),
    ("unrealized PnL after the voids", "hour_unrealized_pnl",
     "UPDATE portfolio.hourly_state SET unrealized_pnl = unrealized_pnl + 0.5 WHERE book_id = %(b)s AND hour = %(h)s",
     6),
]


@pytest.mark.parametrize(("what", "rule", "statement", "n"), VOID_TAMPERS, ids=[t[0] for t in VOID_TAMPERS])
def test_a_planted_figure_around_a_fill_void_is_named(ghosted_copy: Target, what: str, rule: str, statement: str,
                                                      n: int) -> None:
    with psycopg.connect(ghosted_copy.dsn) as conn:
        book = conn.execute("SELECT book_id FROM trading.account WHERE name = %s",
                            (GHOSTED,)).fetchone()[0]  # type: ignore[index]
    tamper(ghosted_copy, statement, {"b": book, "h": hour(n)})
    by_rule = rebuild(ghosted_copy, GHOSTED)
    assert {r for r in HOUR_RULES if not by_rule[r].passed} == {rule}, what
    [row] = by_rule[rule].mismatches
    assert row[2] == hour(n).strftime("%Y-%m-%dT%H:%MZ") and Decimal(row[4]) - Decimal(row[5]) == Decimal("0.5")
