"""``predator audit reconstruct``: the book rebuilt from the journal and the fills by SQL alone (docs/audit.md).

A book built through the gateway reconstructs consistently, as the auditor alone: every rule compares rows and
none disagrees. Then one stored figure is planted wrong in a copy of that database (as superuser, with
``session_replication_role = replica`` silencing the triggers that would refuse the edit): a lot's remaining, a
balance head, an hourly equity; the reconstruction names the rule, the row and both values, and the command
exits 1. Finally a paper run of the trend strategy over two weeks of real candles reconstructs consistently.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import psycopg
import pytest
from click.testing import CliRunner

from predator import reconstruct
from predator.cli import main
from predator.db.connection import Target
from predator.runner.hour import HourRunner, RunConfig
from predator.strategies.base import effective_params, load_strategy
from predator.venues.paper import PaperConfig
from tests.conftest import create_database, drop_database
from tests.helpers import Book, build_book

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
    assert code == 2 and "no account named 'nosuch'" in out


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
