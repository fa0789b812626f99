"""Multi-currency books (issue 13 item 6) and the gates that recompute their valuation (issue 17 items 1 and 2).

A USD book on a hand-made Kraken market holds USD, CAD (rate from USD/CAD, inverted) and USDC (rate from USDC/USD)
and trades BTC/USD, BTC/CAD and BTC/USDC, each against its own quote cash, through the gateway; hours close over
it. Every gate passes, gate 20 included. Then, in copies of that database, wrong figures are planted: a rate an
hour recorded, a mark an hour used (planted consistently, so that the hour's own arithmetic still adds up and gate
11 is satisfied), a decision's rate. Gate 20, which recomputes from postings, fills and candles, reports each.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from predator import gates
from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.helpers import MULTI_SETUP

T0 = datetime(2024, 1, 1, tzinfo=UTC)
H = timedelta(hours=1)
CLOSES = {"BTC/USD": "100", "BTC/CAD": "135", "USD/CAD": "1.35", "USDC/USD": "0.99", "BTC/USDC": "101"}
ACCOUNT = "multi"



def load_bars(conn: psycopg.Connection, symbol: str, close: str, hours: int = 24) -> None:
    key = conn.execute("SELECT api.begin_candle_load()").fetchone()[0]  # type: ignore[index]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO market.candle_stage (load_key, raw) VALUES (%s, %s)",
            [(key, f"{(T0 + i * H).strftime('%Y-%m-%dT%H:%M:%SZ')},{close},{close},{close},{close},1000")
             for i in range(hours)])
    conn.execute("SELECT * FROM api.load_candles(%s, 'kraken', %s, '1h', 'test', now())", (key, symbol))


def trade(conn: psycopg.Connection, symbol: str, hour: int, direction: str, qty: str | None, price: str,
          fee: str, trade_id: str) -> None:
    ts = T0 + hour * H
    row = conn.execute(
        "SELECT outcome, client_order_id, quantity, reasons"
        " FROM api.submit_signal(%s, 's1', %s, %s, %s, 0.6, 50, %s, %s)",
        (ACCOUNT, symbol, ts, direction, ts + H, qty)).fetchone()
    assert row is not None and row[0] == "admitted", row
    conn.execute("SELECT api.record_order_event(%s, 'acknowledged', %s, %s)", (row[1], ts, "V-" + trade_id))
    conn.execute("SELECT api.record_fill(%s, %s, %s, %s, %s, %s, 'taker', %s)",
                 (row[1], trade_id, row[2], price, fee, symbol.split("/")[1], ts + timedelta(minutes=1)))


@pytest.fixture(scope="module")
def book(server: Target, template_db: Target) -> Iterator[Target]:
    target = create_database(server, template=template_db.dbname, prefix="predator_multi")
    try:
        with psycopg.connect(target.dsn) as conn:
            for symbol, close in CLOSES.items():
                load_bars(conn, symbol, close)
            conn.execute(MULTI_SETUP)  # the book tests.helpers builds too (build_multi_currency_book)
            trade(conn, "BTC/CAD", 2, "buy", "1", "135", "0.351", "C1")
            trade(conn, "BTC/USDC", 2, "buy", "1", "101", "0.26", "U1")
            trade(conn, "BTC/USD", 2, "buy", "0.5", "100", "0.13", "D1")
            for h in (3, 4):
                conn.execute("SELECT * FROM api.close_hour(%s, %s)", (ACCOUNT, T0 + h * H))
            trade(conn, "BTC/CAD", 4, "exit", None, "135", "0.351", "C2")
            for h in (5, 6):
                conn.execute("SELECT * FROM api.close_hour(%s, %s)", (ACCOUNT, T0 + h * H))
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def copy(server: Target, book: Target) -> Iterator[Target]:
    target = create_database(server, template=book.dbname, prefix="predator_multi_tamper")
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


def gate_results(target: Target) -> dict[str, gates.GateResult]:
    with psycopg.connect(target.role_dsn("auditor")) as conn:
        return {r.name: r for r in gates.run_gates(conn)}


def test_a_multi_currency_book_passes_every_gate(book: Target) -> None:
    with psycopg.connect(book.dsn) as conn:
        equity, valuation = conn.execute(
            "SELECT h.equity, h.valuation FROM portfolio.hourly_state h JOIN trading.account a USING (book_id)"
            " WHERE a.name = %s AND h.hour = %s", (ACCOUNT, T0 + 3 * H)).fetchone()  # type: ignore[misc]
    rate_cad = Decimal("0.740740740741")
    cad = (Decimal(1350) - 135 - Decimal("0.351")) * rate_cad + 1 * 135 * rate_cad
    usdc = (Decimal(500) - 101 - Decimal("0.26")) * Decimal("0.99") + 1 * 101 * Decimal("0.99")
    usd = Decimal(10000) - 50 - Decimal("0.13") + Decimal("0.5") * 100
    assert equity == usd + cad + usdc
    assert valuation["currencies"]["CAD"]["symbol"] == "USD/CAD"
    assert valuation["currencies"]["CAD"]["inverted"] is True
    assert Decimal(str(valuation["currencies"]["USDC"]["rate"])) == Decimal("0.99")
    failed = {name: (r.error, r.rows[:3]) for name, r in gate_results(book).items() if not r.passed}
    assert not failed
    assert "20_multi_currency_valuation" in gate_results(book)


BOOK = f"(SELECT book_id FROM trading.account WHERE name = '{ACCOUNT}')"
TAMPERS = [
    ("a rate an hour recorded", "rate CAD",
     f"UPDATE portfolio.hourly_state SET valuation = jsonb_set(valuation, '{{currencies,CAD,rate}}', '0.75')"
     f" WHERE book_id = {BOOK} AND hour = '2024-01-01T03:00:00Z'"),
    ("a wrong mark, planted consistently (equity = cash + positions, positions = the exposures)", "positions_value",
     f"UPDATE portfolio.hourly_state SET positions_value = positions_value + 1, equity = equity + 1,"
     f" peak_equity = greatest(peak_equity, equity + 1),"
     f" drawdown = greatest(0, 1 - (equity + 1) / greatest(peak_equity, equity + 1)),"
     f" exposures = jsonb_set(exposures, '{{0,notional}}', to_jsonb((exposures -> 0 ->> 'notional')::numeric + 1))"
     f" WHERE book_id = {BOOK} AND hour = '2024-01-01T06:00:00Z'"),
    ("a decision's recorded rate", "decision",
     f"UPDATE risk.decision SET figures = jsonb_set(figures, '{{valuation,rate}}', '0.8')"
     f" WHERE book_id = {BOOK} AND symbol = 'BTC/CAD' AND outcome = 'admitted' AND ts = '2024-01-01T02:00:00Z'"),
]


@pytest.mark.parametrize(("what", "figure", "statement"), TAMPERS, ids=[t[0] for t in TAMPERS])
def test_gate_20_reports_a_planted_wrong_figure(copy: Target, what: str, figure: str, statement: str) -> None:
    with psycopg.connect(copy.dsn) as conn:
        conn.execute("SET session_replication_role = replica")
        assert conn.execute(statement).rowcount == 1, what
    results = gate_results(copy)
    gate = results["20_multi_currency_valuation"]
    assert gate.error is None, gate.error
    assert any(figure in str(row[2]) for row in gate.rows), (what, gate.rows)
    if figure == "positions_value":
        # The hour's own arithmetic still adds up: only a gate that recomputes from the source sees it.
        assert results["11_hourly_state"].violations == 0, results["11_hourly_state"].rows


def test_gate_20_judges_a_sync_fed_hour_on_the_rate_it_knew(copy: Target) -> None:
    # Hour 7 closes as a sync-fed hour does: api.record_hour_knowledge first, in the same transaction. Then the
    # USD/CAD bar it used (open 06:00) is revised by a later load. Gate 20 takes the rate among the revisions the
    # hour knew (market.bar_known with its known load, the rule market.conversion_rate applies), so the revision
    # is not held against the hour; the rate the database gives now (every revision) has moved.
    hour7 = T0 + 7 * H
    with psycopg.connect(copy.dsn) as conn:
        conn.execute("SELECT * FROM api.record_hour_knowledge(%s, %s, %s)", (ACCOUNT, hour7, list(CLOSES)))
        conn.execute("SELECT * FROM api.close_hour(%s, %s)", (ACCOUNT, hour7))
        conn.commit()
        key = conn.execute("SELECT api.begin_candle_load()").fetchone()[0]  # type: ignore[index]
        conn.execute("INSERT INTO market.candle_stage (load_key, raw) VALUES (%s, %s)",
                     (key, f"{(T0 + 6 * H).strftime('%Y-%m-%dT%H:%M:%SZ')},1.40,1.40,1.40,1.40,1000"))
        conn.execute("SELECT * FROM api.load_candles(%s, 'kraken', 'USD/CAD', '1h', 'test: revision', now())", (key,))
        conn.commit()
        now_rate = conn.execute("SELECT rate FROM market.conversion_rate('kraken', 'CAD', 'USD', %s)",
                                (hour7,)).fetchone()
        recorded = conn.execute(
            "SELECT (h.valuation -> 'currencies' -> 'CAD' ->> 'rate')::numeric FROM portfolio.hourly_state h"
            " JOIN trading.account a USING (book_id) WHERE a.name = %s AND h.hour = %s", (ACCOUNT, hour7)).fetchone()
    assert now_rate is not None and recorded is not None and now_rate[0] != recorded[0], (now_rate, recorded)
    gate = gate_results(copy)["20_multi_currency_valuation"]
    assert gate.error is None and gate.violations == 0, gate.rows
