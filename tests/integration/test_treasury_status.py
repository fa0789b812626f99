"""``predator treasury status`` and the report's treasury section over a real-data paper run (issue 15 item 6;
docs/treasury.md, docs/cli.md).

The run of tests/integration/test_treasury.py (two weeks of trend on BTC/ETH, February 2023, stored candles; a
25 % reserve, a 7-day window, 20 USDT a month of infrastructure declared after the first hour) with a transfer
threshold of 0 (a proposal whenever the rolling surplus is positive) and a deficit tolerance of 50 USDT that halts
entries (the run loses: the policy acts): every figure the command prints, as JSON
and as text, equals the row of the api view it reads; a window the account does not store is the sum of its
daily rows; the daily report carries the day's and the window's status and the surplus chart.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from predator.cli import main
from predator.db import api
from predator.db.connection import Target
from predator.reports import report as report_mod
from predator.reports.report import render
from predator.runner.hour import HourRunner
from predator.tools.replay_sweep import SUITE, prepare

CASE = replace({c.name: c for c in SUITE}["plain_trend"], name="treasury_status")
FIGURES = ("realized_pnl", "trading_fees", "operating_costs", "reserve_accrual", "surplus", "equity", "principal")


def _run(target: Target) -> None:
    config = CASE.config()
    with target.connect("operator") as op:
        prepare(op, CASE)
        with op.transaction():
            api.set_limit(op, "default", "treasury_reserve_pct", "pct", Decimal(25), "treasury status test")
            api.set_limit(op, "default", "treasury_window_days", "count", Decimal(7), "treasury status test")
            api.set_limit(op, "default", "treasury_transfer_threshold", "abs", Decimal(0), "treasury status test")
            api.set_limit(op, "default", "treasury_deficit_tolerance", "abs", Decimal(50), "treasury status test")
            api.set_limit(op, "default", "treasury_deficit_halt", "count", Decimal(1), "treasury status test")
    first = HourRunner(target, config, stop_after=1, backtest_fast_commit=True)
    try:
        first.run()
    finally:
        first.close()
    with target.connect("operator") as op, op.transaction():
        api.declare_operating_cost(op, CASE.name, "infrastructure", Decimal(20), "USDT", "month",
                                   CASE.start + timedelta(hours=2), "treasury status test: 20 USDT a month")
    rest = HourRunner(target, config, backtest_fast_commit=True)
    try:
        rest.run()
    finally:
        rest.close()


def _view_rows(target: Target, sql: str, *params: Any) -> list[dict[str, Any]]:
    with target.connect("auditor") as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        names = [d.name for d in cur.description or ()]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _same(printed: dict[str, Any], row: dict[str, Any]) -> None:
    for k in FIGURES + ("policy_amount",):
        if k in printed:
            want = row[k]
            got = printed[k]
            assert (None if got is None else Decimal(got)) == want, (k, got, want)
    for k in ("complete", "principal_protected", "policy_action", "window_days"):
        if k in printed:
            assert printed[k] == row[k], (k, printed[k], row[k])
    assert printed["period_from"] == row["period_from"].isoformat()
    assert printed["period_to"] == row["period_to"].isoformat()


@pytest.fixture()
def treasury_run(market_db: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Target:
    _run(market_db)
    monkeypatch.setenv("PREDATOR_DSN", market_db.dsn)
    monkeypatch.setenv("PREDATOR_LOG", str(tmp_path / "predator.jsonl"))
    return market_db


def test_treasury_status_prints_the_views_and_the_report_carries_them(
    treasury_run: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = treasury_run
    result = CliRunner().invoke(main, ["treasury", "status", "--account", CASE.name, "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)

    (last,) = _view_rows(target, "SELECT max(day) AS day FROM api.treasury_status WHERE account = %s", CASE.name)
    assert printed["day"] == last["day"].isoformat()
    (day_row,) = _view_rows(target, "SELECT * FROM api.treasury_status WHERE account = %s AND window_days = 1"
                                    " AND day = %s", CASE.name, last["day"])
    (roll_row,) = _view_rows(target, "SELECT * FROM api.treasury_status WHERE account = %s AND window_days = 7"
                                     " AND day = %s", CASE.name, last["day"])
    assert printed["window_days"] == 7 and printed["window_computed"] is False
    _same(printed["day_status"], day_row)
    _same(printed["window"], roll_row)
    assert roll_row["complete"], "two weeks hold a complete 7-day window"

    actions = _view_rows(target, "SELECT * FROM api.treasury_status WHERE account = %s AND policy_action <> 'none'"
                                 " AND day > %s::date - 7 AND day <= %s ORDER BY day, seq",
                         CASE.name, last["day"], last["day"])
    assert [(a["day"], a["policy_action"]) for a in printed["policy_actions"]] == \
           [(a["day"].isoformat(), a["policy_action"]) for a in actions]
    acted = _view_rows(target, "SELECT * FROM api.treasury_status WHERE account = %s AND policy_action <> 'none'",
                       CASE.name)
    assert [a["policy_action"] for a in acted] == ["entries_halted"], "the deficit halted entries once"
    # --day: the window ending three days after the action holds it.
    on = acted[0]["day"] + timedelta(days=3)
    then = CliRunner().invoke(main, ["treasury", "status", "--account", CASE.name, "--day", on.isoformat(), "--json"])
    assert then.exit_code == 0, then.output
    then_view = json.loads(then.output)
    assert then_view["day"] == on.isoformat()
    assert [(a["day"], a["policy_action"], Decimal(a["policy_amount"])) for a in then_view["policy_actions"]] == \
           [(acted[0]["day"].isoformat(), "entries_halted", acted[0]["policy_amount"])]
    balances = _view_rows(target, "SELECT ledger, currency, amount FROM api.treasury_balances WHERE account = %s"
                                  " ORDER BY 1, 2", CASE.name)
    assert [(b["ledger"], b["currency"], Decimal(b["amount"])) for b in printed["balances"]] == \
           [(b["ledger"], b["currency"], b["amount"]) for b in balances]
    transfers = _view_rows(target, "SELECT proposal_no, action, amount FROM api.treasury_transfers"
                                   " WHERE account = %s ORDER BY ts, proposal_no, action", CASE.name)
    assert [(t["proposal_no"], t["action"], Decimal(t["amount"])) for t in printed["transfers"]] == \
           [(t["proposal_no"], t["action"], t["amount"]) for t in transfers]
    assert [c["name"] for c in printed["operating_costs"]] == ["infrastructure"]
    assert Decimal(printed["day_status"]["operating_costs"]) > 0, "the declared cost accrued that day"

    # A window the account does not store: the sum of its daily rows (checked here in SQL on the view).
    three = CliRunner().invoke(main, ["treasury", "status", "--account", CASE.name, "--window", "3d", "--json"])
    assert three.exit_code == 0, three.output
    computed = json.loads(three.output)
    assert computed["window_computed"] is True and computed["window_days"] == 3
    (sums,) = _view_rows(target, "SELECT sum(realized_pnl) AS realized_pnl, sum(trading_fees) AS trading_fees,"
                                 " sum(operating_costs) AS operating_costs, sum(reserve_accrual) AS reserve_accrual,"
                                 " sum(surplus) AS surplus FROM api.treasury_status WHERE account = %s"
                                 " AND window_days = 1 AND day > %s::date - 3 AND day <= %s",
                         CASE.name, last["day"], last["day"])
    for k, v in sums.items():
        assert Decimal(computed["window"][k]) == v, k
    assert Decimal(computed["window"]["equity"]) == day_row["equity"]
    # The stored 7-day window equals the sum of its 7 daily rows (the days partition the window).
    from predator.db import treasury_reads

    with target.connect("auditor") as conn:
        summed = treasury_reads.daily_window(conn, account=CASE.name, days=7, last=last["day"])
    assert summed is not None and summed.rows == 7 and summed.complete
    for k in ("realized_pnl", "trading_fees", "operating_costs", "reserve_accrual", "surplus"):
        assert getattr(summed, k) == roll_row[k], k

    # The text form prints the same figures, to the cent.
    text = CliRunner().invoke(main, ["treasury", "status", "--account", CASE.name])
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[0] == f"treasury of {CASE.name} on {last['day']:%Y-%m-%d} (UTC day)"
    for label, key in (("net surplus", "surplus"), ("operating costs", "operating_costs"),
                       ("reserve accrual", "reserve_accrual"), ("principal", "principal")):
        printed_values = [ln.split()[-2] for ln in lines if ln.strip().startswith(label + "  ")]
        assert printed_values == [f"{day_row[key]:,.2f}", f"{roll_row[key]:,.2f}"], (label, printed_values)
    assert f"policy actions in the window: {len(actions)}" in lines
    # Every account with a status, without --account.
    every = CliRunner().invoke(main, ["treasury", "status", "--json"])
    assert every.exit_code == 0 and [json.loads(x)["account"] for x in every.output.splitlines()] == [CASE.name]

    # Exit codes: an unknown account is not found (5); a malformed window is a usage error (2).
    unknown = CliRunner().invoke(main, ["treasury", "status", "--account", "nobody"])
    assert unknown.exit_code == 5 and "unknown account 'nobody'" in unknown.output
    bad = CliRunner().invoke(main, ["treasury", "status", "--account", CASE.name, "--window", "a month"])
    assert bad.exit_code == 2

    # The daily report of that day: the treasury section with the day's and the window's status, and the chart.
    day = datetime.combine(last["day"], datetime.min.time(), UTC)
    md = render(target, CASE.name, day, day + timedelta(days=1), fmt="md", out_dir=tmp_path, gates=False).read_text()
    section = md[md.index("## Treasury"):md.index("## Trades")]
    for row in (day_row, roll_row):
        cells = (f"| {row['day']} | {row['window_days']} d | {row['realized_pnl']:,.2f} | {row['trading_fees']:,.2f}"
                 f" | {row['operating_costs']:,.2f} | {row['reserve_accrual']:,.2f} | {row['surplus']:,.2f} |")
        assert cells in section, (cells, section)
    assert "![net operating surplus](" in section
    html = render(target, CASE.name, day, day + timedelta(days=1), fmt="html", out_dir=tmp_path,
                  gates=False).read_text()
    treasury_html = html[html.index("<h2>Treasury</h2>"):html.index("<h2>Trades")]
    assert "<svg" in treasury_html and f"{roll_row['surplus']:,.2f}" in treasury_html
    # A long period lists the statuses of its last days only, and says so.
    monkeypatch.setattr(report_mod, "TREASURY_TABLE_DAYS", 3)
    whole = render(target, CASE.name, CASE.start - timedelta(hours=1), CASE.end, fmt="md", out_dir=tmp_path,
                   gates=False).read_text()
    listed = whole[whole.index("## Treasury"):whole.index("## Trades")]
    stored = _view_rows(target, "SELECT count(*) AS n FROM api.treasury_status WHERE account = %s", CASE.name)[0]["n"]
    assert listed.count(" d | ") == 6 and f"{stored - 6} earlier statuses of the period are not listed" in listed


def test_gate_21_checks_the_budget_scale_against_the_policy(treasury_run: Target) -> None:
    """Gate 21 finds nothing in the run, then a planted risk budget scale that moved without a policy action."""
    import psycopg

    from predator import gates

    def gate_21() -> list[str]:
        with psycopg.connect(treasury_run.role_dsn("auditor")) as conn:
            (result,) = gates.run_gates(conn, [gates.VALIDATIONS_DIR / "21_treasury.sql"],
                                        gates.Scope(account=CASE.name))
        assert result.error is None, result.error
        return [str(r) for r in result.rows]

    assert gate_21() == []
    with psycopg.connect(treasury_run.dsn) as conn:  # as superuser, bypassing the append-only trigger
        conn.execute("SET session_replication_role = replica")
        conn.execute("UPDATE portfolio.treasury_status SET budget_scale = 0.5 WHERE window_days > 1"
                     " AND day = (SELECT max(day) FROM portfolio.treasury_status)")
        conn.execute("UPDATE portfolio.treasury_status SET budget_scale = 1 WHERE window_days > 1"
                     " AND day = (SELECT max(day) - 1 FROM portfolio.treasury_status)")
        conn.commit()
    found = gate_21()
    assert len(found) == 1 and "budget_mismatch" in found[0], found


def test_gate_21_finds_a_transfer_that_reaches_into_principal(treasury_run: Target) -> None:
    """A planted automatic transfer of 20,000 USDT (the book's equity is below its 10,000 principal): its journal
    transaction is well formed, but it would earmark principal: gate 21 names it transfer_into_principal."""
    import psycopg

    from predator import gates

    with treasury_run.connect("admin") as conn, conn.transaction():
        conn.execute("SET LOCAL ROLE predator_owner")
        conn.execute(
            "WITH x AS (SELECT a.book_id, max(h.hour) AS ts FROM trading.account a"
            " JOIN portfolio.hourly_state h ON h.book_id = a.book_id WHERE a.name = %s GROUP BY 1),"
            " t AS (SELECT x.*, ledger._post(x.book_id, 'transfer', 'operations:99', x.ts,"
            " ARRAY['operations', 'treasury'], ARRAY['USDT', 'USDT'], ARRAY[20000, -20000]::numeric[]) AS tx FROM x)"
            " INSERT INTO ledger.treasury_transfer"
            " (book_id, proposal_no, action, amount, currency, day, tx_seq, reason, actor, ts)"
            " SELECT book_id, 99, 'automatic', 20000, 'USDT', (ts - interval '1 day')::date, tx, 'planted',"
            " 'system', ts FROM t", (CASE.name,))
    with psycopg.connect(treasury_run.role_dsn("auditor")) as conn:
        (result,) = gates.run_gates(conn, [gates.VALIDATIONS_DIR / "21_treasury.sql"], gates.Scope(account=CASE.name))
    assert result.error is None, result.error
    found = [str(r) for r in result.rows]
    assert len(found) == 1 and "transfer_into_principal" in found[0], found
