"""Validation gates and chain verification on a real, populated book.

A book built through the gateway passes every gate and ``predator validate`` prints PASS, as the auditor
alone. Then each invariant is broken in a copy of that database, one at a time, as superuser with
``session_replication_role = replica`` (which silences the triggers that would refuse the edit), and the
gate of that invariant reports it while ``predator validate`` fails with exit code 1. ``predator verify``
names exactly the journal row that was edited.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import psycopg
import pytest
from click.testing import CliRunner

from predator import gates
from predator.cli import main
from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.helpers import Book, build_book, candle_lines, close, hour, run_cli, signal, stage_and_load


@dataclass(frozen=True)
class Populated:
    target: Target
    book: Book


@pytest.fixture(scope="module")
def populated(server: Target, template_db: Target) -> Iterator[Populated]:
    """A migrated database holding one populated book (built once per module; tests work on copies)."""
    target = create_database(server, template=template_db.dbname, prefix="predator_book")
    try:
        yield Populated(target, build_book(target))
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def copy(server: Target, populated: Populated) -> Iterator[Populated]:
    """A fresh copy of the populated database, free to be tampered with."""
    target = create_database(server, template=populated.target.dbname, prefix="predator_tamper")
    try:
        yield Populated(target, populated.book)
    finally:
        drop_database(server, target.dbname)


def auditor_dsn(target: Target) -> str:
    return target.role_dsn("auditor")


def validate(target: Target) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--dsn", auditor_dsn(target)])
    return result.exit_code, result.output


def tamper(target: Target, statement: str, params: dict[str, object]) -> None:
    """Apply one edit as superuser with the triggers silenced; the edit must touch at least one row."""
    with psycopg.connect(target.dsn) as conn:
        conn.execute("SET session_replication_role = replica")
        cur = conn.execute(statement, params)
        assert cur.rowcount >= 1, f"the tamper statement changed nothing: {statement}"


def test_every_gate_passes_on_a_populated_book(populated: Populated) -> None:
    with psycopg.connect(auditor_dsn(populated.target)) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM api.fills), (SELECT count(*) FROM api.round_trips),"
            " (SELECT count(*) FROM api.hourly_states), (SELECT count(*) FROM api.halt_events)").fetchone()
        results = gates.run_gates(conn)
    assert counts == (8, 2, 7, 2), "the book is not populated as the builder says"
    assert len(results) >= 13
    failed = {r.name: (r.error, r.rows[:3]) for r in results if not r.passed}
    assert not failed


def test_predator_validate_prints_pass_as_the_auditor(populated: Populated) -> None:
    code, output = validate(populated.target)
    lines = output.strip().splitlines()
    assert code == 0, output
    assert lines[-1] == f"VALIDATION: PASS ({len(gates.gate_files())} gates)"
    assert lines[0].split() == ["gate", "violations", "seconds"]
    assert any(line.startswith("09_no_admission_during_halt ") for line in lines)


def test_predator_validate_runs_as_a_command(populated: Populated) -> None:
    proc = run_cli("validate", "--dsn", auditor_dsn(populated.target))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("VALIDATION: PASS")


def test_the_auditor_can_write_nothing(populated: Populated) -> None:
    with psycopg.connect(auditor_dsn(populated.target)) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE trading.order_state SET status = 'open'")


BOOK = "(SELECT book_id FROM trading.account WHERE name = %(account)s)"

TAMPERS = [
    ("01_balanced_transactions", "a deposit leg's amount edited (balance kept continuous)",
     f"UPDATE ledger.posting SET amount = amount - 1, balance_after = balance_after - 1"
     f" WHERE book_id = {BOOK} AND account_code = 'external' AND seq = 1"),
    ("01_balanced_transactions", "a journal leg deleted",
     f"DELETE FROM ledger.posting WHERE book_id = {BOOK} AND account_code = 'fees' AND currency = 'USDT' AND seq = 3"),
    ("02_ledger_continuity", "a running balance edited",
     f"UPDATE ledger.posting SET balance_after = balance_after + 1"
     f" WHERE book_id = {BOOK} AND account_code = 'fees' AND currency = 'USDT' AND seq = 2"),
    ("02_ledger_continuity", "a balance head moved",
     f"UPDATE ledger.balance SET balance = balance + 5"
     f" WHERE book_id = {BOOK} AND account_code = 'venue' AND currency = 'USDT'"),
    ("03_non_negative_balances", "a trading balance driven negative",
     f"UPDATE ledger.posting SET balance_after = -balance_after"
     f" WHERE book_id = {BOOK} AND account_code = 'trading' AND currency = 'USDT' AND seq = 2"),
    ("04_lots_positions_ledger", "a lot allocation deleted",
     f"DELETE FROM trading.lot_allocation WHERE book_id = {BOOK} AND seq = 1"),
    ("04_lots_positions_ledger", "a position inflated",
     f"UPDATE trading.position SET quantity = quantity + 1 WHERE book_id = {BOOK} AND symbol = 'ETH/USDT'"),
    ("05_fifo_allocations", "a sell allocated from a younger lot while an older one was open",
     f"UPDATE trading.lot_allocation SET lot_no = 2 WHERE book_id = {BOOK} AND symbol = 'BTC/USDT' AND lot_no = 1"),
    ("06_fills_within_orders", "a fill inflated beyond its order",
     "UPDATE trading.fill SET quantity = quantity * 10 WHERE client_order_id = %(eth_buy2)s"),
    ("07_order_transitions", "an order_state status changed",
     "UPDATE trading.order_state SET status = 'open' WHERE client_order_id = %(eth_canceled)s"),
    ("07_order_transitions", "an event's status_before rewritten",
     "UPDATE trading.order_event SET status_before = 'new'"
     " WHERE client_order_id = %(eth_canceled)s AND kind = 'canceled'"),
    ("08_caps_respected", "an admission's recorded cap lowered below its notional",
     "UPDATE risk.decision SET figures = jsonb_set(figures, '{caps,max_order_notional}', '100')"
     " WHERE client_order_id = %(btc_buy)s"),
    ("09_no_admission_during_halt", "an order admitted while the account was halted",
     "UPDATE trading.order_request SET admitted_at = (SELECT effective_at + interval '1 microsecond'"
     " FROM risk.halt_event WHERE action = 'halt' AND scope_kind = 'account') WHERE client_order_id = %(eth_buy2)s"),
    ("10_hash_chains", "a signal's confidence edited",
     f"UPDATE trading.signal SET confidence = 0.99 WHERE book_id = {BOOK} AND seq = 1"),
    ("11_hourly_state", "an hour's cash moved into positions",
     f"UPDATE portfolio.hourly_state SET cash = cash + 1, positions_value = positions_value - 1"
     f" WHERE book_id = {BOOK} AND hour = %(hour5)s"),
    ("20_multi_currency_valuation", "an hour's positions and equity raised together (its own sums still add up)",
     f"UPDATE portfolio.hourly_state SET positions_value = positions_value + 1, equity = equity + 1,"
     f" peak_equity = greatest(peak_equity, equity + 1)"
     f" WHERE book_id = {BOOK} AND hour = %(hour5)s"),
    ("12_causality", "a fill dated before its order",
     "UPDATE trading.fill SET ts = ts - interval '3 hours' WHERE client_order_id = %(eth_buy2)s"),
    ("13_round_trips", "a round trip's PnL edited",
     f"UPDATE trading.round_trip SET net_pnl = net_pnl + 1, gross_pnl = gross_pnl + 1"
     f" WHERE book_id = {BOOK} AND symbol = 'ETH/USDT'"),
    ("14_business_time_bounded", "a fill dated a day after the wall time it was recorded at",
     "UPDATE trading.fill SET ts = recorded_at + interval '1 day' WHERE client_order_id = %(eth_buy2)s"),
    ("14_business_time_bounded", "a fill counted by an hour that closed before the fill's time",
     "UPDATE trading.fill SET ts = ts + interval '1 day' WHERE client_order_id = %(eth_buy2)s"),
    ("14_business_time_bounded", "an hour closed a day ahead of the wall time it was recorded at",
     f"UPDATE portfolio.hourly_state SET hour = date_trunc('hour', recorded_at) + interval '1 day'"
     f" WHERE book_id = {BOOK} AND hour = %(hour5)s"),
    ("18_risk_state", "an entry admitted while the book was halted",
     f"UPDATE trading.order_request SET admitted_at = (SELECT recorded_at + interval '1 microsecond'"
     f" FROM risk.state_event WHERE book_id = {BOOK} AND state_after = 'halted' ORDER BY seq LIMIT 1)"
     f" WHERE client_order_id = %(eth_buy2)s"),
    ("18_risk_state", "a move rewritten to start from another state",
     f"UPDATE risk.state_event SET state_before = 'reducing' WHERE book_id = {BOOK} AND state_after = 'halted'"),
    ("18_risk_state", "the current risk state edited",
     f"UPDATE risk.state_current SET state = 'reducing' WHERE book_id = {BOOK}"),
    ("16_sync_hours_know", "an hour's knowledge naming a load that does not exist",
     f"INSERT INTO portfolio.hour_knowledge (book_id, hour, symbol, load_id)"
     f" VALUES ({BOOK}, %(hour5)s, 'BTC/USDT', 999999999)"),
    ("23_account_identity", "an account's mode edited",
     "UPDATE trading.account SET mode = 'shadow' WHERE name = %(account)s"),
    ("23_account_identity", "an account's principal edited",
     "UPDATE trading.account SET initial_principal = initial_principal + 1 WHERE name = %(account)s"),
    ("23_account_identity", "an account moved to a live lane by hand",
     "UPDATE trading.account SET mode = 'shadow', lane = 'live_canary' WHERE name = %(account)s"),
]


@pytest.mark.parametrize(("gate", "what", "statement"), TAMPERS, ids=[f"{g}:{w}" for g, w, _ in TAMPERS])
def test_a_broken_invariant_is_reported_by_its_gate_and_fails_validation(copy: Populated, gate: str, what: str,
                                                                           statement: str) -> None:
    params: dict[str, object] = {"account": copy.book.account, "hour5": hour(5), **copy.book.orders}
    tamper(copy.target, statement, params)

    with psycopg.connect(auditor_dsn(copy.target)) as conn:
        results = {r.name: r for r in gates.run_gates(conn)}
    assert gate in results
    assert results[gate].error is None, results[gate].error
    assert results[gate].violations > 0, f"{gate} did not report: {what}"

    code, output = validate(copy.target)
    last = output.strip().splitlines()[-1]
    assert code == 1, output
    assert last.startswith("VALIDATION: FAIL (") and gate in last, last


def test_predator_verify_passes_then_names_exactly_the_edited_journal_row(copy: Populated) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["verify", "--dsn", auditor_dsn(copy.target)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip().splitlines()[-1].startswith("VERIFY: OK (")

    with psycopg.connect(copy.target.dsn) as conn:
        book_id, seq = conn.execute(
            "SELECT book_id, seq FROM ledger.posting WHERE account_code = 'fees' AND currency = 'USDT'"
            " ORDER BY seq OFFSET 1 LIMIT 1").fetchone()
        conn.execute("SET session_replication_role = replica")
        conn.execute("UPDATE ledger.posting SET ts = ts + interval '1 second'"
                     " WHERE book_id = %s AND account_code = 'fees' AND currency = 'USDT' AND seq = %s", (book_id, seq))

    bad = runner.invoke(main, ["verify", "--dsn", auditor_dsn(copy.target)])
    lines = bad.output.strip().splitlines()
    assert bad.exit_code == 1, bad.output
    broken = [line for line in lines if line.startswith("BROKEN ")]
    assert broken == [f"BROKEN ledger.posting:{book_id}:fees:USDT: table=ledger.posting book={book_id} seq={seq}:"
                      " row_hash does not match the row's content"], bad.output
    assert lines[-1].startswith("VERIFY: FAIL (1 of ")


def test_predator_verify_names_an_edited_journal_header(copy: Populated) -> None:
    with psycopg.connect(copy.target.dsn) as conn:
        conn.execute("SET session_replication_role = replica")
        book_id = conn.execute(f"UPDATE ledger.transaction SET ref = 'forged' WHERE book_id = {BOOK} AND seq = 3"
                               " RETURNING book_id", {"account": copy.book.account}).fetchone()[0]
    result = CliRunner().invoke(main, ["verify", "--dsn", auditor_dsn(copy.target)])
    broken = [line for line in result.output.splitlines() if line.startswith("BROKEN ")]
    assert result.exit_code == 1
    assert broken == [f"BROKEN ledger.transaction:{book_id}: table=ledger.transaction book={book_id} seq=3:"
                      " row_hash does not match the row's content"], result.output


def gate_rows(target: Target, gate: str) -> list[tuple[object, ...]]:
    with psycopg.connect(auditor_dsn(target)) as conn:
        (result,) = gates.run_gates(conn, [p for p in gates.gate_files() if gates.gate_name(p) == gate])
    assert result.error is None, result.error
    return [tuple(r) for r in result.rows]


def test_a_wrong_mark_in_the_admission_arithmetic_fails_gate_08(copy: Populated) -> None:
    """Issue 17 item 2: a bug planted in admission (the decision price read 1% above the candle's close) is
    consistent with every figure the decision recorded, so only the gate that recomputes the mark from the
    candles catches it, naming that decision."""
    assert gate_rows(copy.target, "08_caps_respected") == []
    with psycopg.connect(copy.target.dsn) as conn:   # the planted bug: market.last_bar marks 1% too high
        conn.execute("""
            CREATE OR REPLACE FUNCTION market.last_bar(p_venue text, p_symbol text, p_at timestamptz)
            RETURNS TABLE (ts timestamptz, close numeric, bar_close timestamptz)
            LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
                SELECT b.ts, b.close * 1.01, b.bar_close
                  FROM market.bar_known(p_venue, p_symbol, p_at, NULL, interval '7 days') b $$""")
    with copy.target.connect("operator") as conn:
        d = signal(conn, copy.book.account, "ETH/USDT", 10, "buy", Decimal("0.1"))
    assert d.outcome == "admitted", d

    rows = gate_rows(copy.target, "08_caps_respected")
    # the buy's notional at the wrong mark also moved the exposures it recorded after the trade
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (d.signal_seq, d.client_order_id, "exposures recomputed violated"),
        (d.signal_seq, d.client_order_id, "mark recomputed from the candles violated")], rows


def test_a_wrong_cash_consistent_with_the_admission_fails_gate_08(copy: Populated) -> None:
    """The cash an admission relied on, raised in every figure that carries it (its own checks still add up):
    the journal's balance before the decision says otherwise."""
    tamper(copy.target,
           "UPDATE risk.decision SET figures = jsonb_set(jsonb_set(jsonb_set(figures,"
           " '{cash}', to_jsonb((figures ->> 'cash')::numeric + 1000)),"
           " '{valuation,quote_cash}', to_jsonb((figures -> 'valuation' ->> 'quote_cash')::numeric + 1000)),"
           " '{valuation,rates,USDT,cash}',"
           " to_jsonb((figures -> 'valuation' -> 'rates' -> 'USDT' ->> 'cash')::numeric + 1000))"
           " WHERE client_order_id = %(btc_buy)s", copy.book.orders)
    rows = gate_rows(copy.target, "08_caps_respected")
    assert sorted((r[2], r[3]) for r in rows) == [
        (copy.book.orders["btc_buy"], "cash per currency recomputed from the journal violated"),
        (copy.book.orders["btc_buy"], "cash recomputed from the journal violated")], rows


def test_a_position_inflated_in_an_admission_fails_gate_08(copy: Populated) -> None:
    """A sell that relied on more than the fills before it had bought."""
    tamper(copy.target,
           "UPDATE risk.decision SET figures = jsonb_set(figures, '{position_qty}',"
           " to_jsonb((figures ->> 'position_qty')::numeric + 1)) WHERE client_order_id = %(btc_sell)s",
           copy.book.orders)
    rows = gate_rows(copy.target, "08_caps_respected")
    assert [(r[2], r[3]) for r in rows] == [
        (copy.book.orders["btc_sell"], "position recomputed from the fills violated")], rows


def raised(figure: str, by: str = "1") -> str:
    """The jsonb_set of one of a decision's numeric figures (a path) raised by ``by``."""
    path = "{" + figure.replace(".", ",") + "}"
    value = "figures" + "".join(f" -> '{k}'" for k in figure.split(".")[:-1]) + f" ->> '{figure.split('.')[-1]}'"
    return f"'{path}', to_jsonb(({value})::numeric + {by})"


# Issue 17 item 2: figures an admission relied on that gate 08 recomputes from the orders, fills, lots, journal and
# candles before the decision. The ETH buy at hour 2 was decided while the BTC buy (0.1 of 0.3 filled) was open.
RECOMPUTED_TAMPERS = [
    ("open buys raised with the portfolio exposure they are part of", "eth_buy",
     f"jsonb_set(jsonb_set(figures, {raised('open_buy_notional')}), {raised('portfolio_after')})",
     ["exposures recomputed", "open buys recomputed from the orders"]),
    ("positions value and equity raised together (equity = cash + positions still adds up)", "eth_buy",
     f"jsonb_set(jsonb_set(figures, {raised('positions_value')}), {raised('equity')})",
     ["equity recomputed", "positions value recomputed from fills and candles"]),
    ("a sell's instrument exposure raised", "btc_sell",
     f"jsonb_set(figures, {raised('instrument_after', '0.000000000000000001')})",
     ["exposures recomputed"]),
    ("a buy's cluster exposure lowered under its cap", "eth_buy",
     f"jsonb_set(figures, {raised('cluster_after', '-1')})",
     ["exposures recomputed"]),
]


@pytest.mark.parametrize(("what", "order", "figures", "rules"), RECOMPUTED_TAMPERS,
                         ids=[w for w, _, _, _ in RECOMPUTED_TAMPERS])
def test_a_figure_an_admission_relied_on_is_recomputed_by_gate_08(copy: Populated, what: str, order: str,
                                                                   figures: str, rules: list[str]) -> None:
    assert gate_rows(copy.target, "08_caps_respected") == []
    tamper(copy.target, f"UPDATE risk.decision SET figures = {figures} WHERE client_order_id = %(coid)s",
           {"coid": copy.book.orders[order]})
    rows = gate_rows(copy.target, "08_caps_respected")
    assert sorted((r[2], r[3]) for r in rows) == [(copy.book.orders[order], f"{rule} violated") for rule in rules], (
        what, rows)


def test_a_wrong_open_buy_term_in_the_valuation_fails_gate_08(copy: Populated) -> None:
    """A bug planted in the admission arithmetic itself: portfolio.valuation forgets that a canceled or rejected
    order commits nothing (its open buys sum every buy order's unfilled quantity). Every figure an admission
    records then agrees with the others, and the hour closes go on; gate 08, recomputing the open buys from the
    order events recorded before each decision, names every decision taken with the bug and none before it."""
    with psycopg.connect(copy.target.dsn) as conn:
        (definition,) = conn.execute(
            "SELECT pg_get_functiondef('portfolio.valuation(integer, timestamptz)'::regprocedure)").fetchone()
        right = "s.status IN ('new', 'open', 'partially_filled') AND s.side = 'buy'"
        assert definition.count(right) == 1, "the open-buy term of portfolio.valuation moved: update the planted bug"
        conn.execute(definition.replace(right, "s.side = 'buy'"))
    admitted = []
    with copy.target.connect("operator") as conn:
        for n, symbol in ((10, "BTC/USDT"), (11, "ETH/USDT"), (12, "BTC/USDT")):
            close(conn, copy.book.account, n)
            d = signal(conn, copy.book.account, symbol, n, "buy", Decimal("0.01"))
            assert d.outcome == "admitted", d
            admitted.append(d.client_order_id)
        close(conn, copy.book.account, 13)
    rows = gate_rows(copy.target, "08_caps_respected")
    assert {r[2] for r in rows} == set(admitted), rows
    assert all((coid, "open buys recomputed from the orders violated") in {(r[2], r[3]) for r in rows}
               for coid in admitted), rows


def test_a_position_without_a_recent_bar_is_valued_at_its_rebuilt_cost_basis(copy: Populated) -> None:
    """Without a bar of ETH within 7 days the valuation values the open ETH position at its cost basis. Gate 08
    rebuilds that cost basis from the fills and lots recorded before the decision (as record_fill keeps it, so
    that quantity × (cost basis / quantity) rounds alike) and agrees exactly; a positions value off by 10⁻¹⁸ fails."""
    with copy.target.connect("operator") as conn:
        stage_and_load(conn, "BTC/USDT", candle_lines("BTC/USDT", hour(200), 30))   # BTC only: ETH's bars end at 48
        state = close(conn, copy.book.account, 220)
        d = signal(conn, copy.book.account, "BTC/USDT", 220, "buy", Decimal("0.01"))
        assert d.outcome == "admitted", d
    assert state.stale_marks == ["ETH/USDT"], state
    assert gate_rows(copy.target, "08_caps_respected") == []
    tamper(copy.target, f"UPDATE risk.decision SET figures = jsonb_set(figures, "
                        f"{raised('positions_value', '0.000000000000000001')}) WHERE client_order_id = %(coid)s",
           {"coid": d.client_order_id})
    rows = gate_rows(copy.target, "08_caps_respected")
    assert [(r[2], r[3]) for r in rows] == [
        (d.client_order_id, "positions value recomputed from fills and candles violated")], rows


CAUSALITY_TAMPERS = [
    ("an order event dated before the order's previous event", "precedes the previous event",
     "UPDATE trading.order_event SET ts = ts + interval '1000 days' WHERE client_order_id = %(eth_canceled)s"
     " AND event_no = (SELECT max(event_no) - 1 FROM trading.order_event WHERE client_order_id = %(eth_canceled)s)",
     "SELECT ts FROM trading.order_event WHERE client_order_id = %(eth_canceled)s ORDER BY event_no DESC LIMIT 1"),
    ("a signal recorded after the hour after its time had closed", "recorded after hour",
     f"UPDATE trading.signal SET ts = ts - interval '90 minutes'"
     f" WHERE book_id = {BOOK} AND seq = (SELECT max(seq) FROM trading.signal WHERE book_id = {BOOK})",
     f"SELECT ts FROM trading.signal WHERE book_id = {BOOK} ORDER BY seq DESC LIMIT 1"),
]


@pytest.mark.parametrize(("what", "problem", "statement", "judged_at"), CAUSALITY_TAMPERS,
                         ids=[w for w, _, _, _ in CAUSALITY_TAMPERS])
def test_gate_12_finds_each_causality_break_in_the_whole_book_and_in_a_window(
        copy: Populated, what: str, problem: str, statement: str, judged_at: str) -> None:
    # Gate 12 looks up an event's previous event and a signal's next hour per judged row (its cost follows the
    # window, not the history): the break is found both by a whole-book run and by a run over a window that
    # holds only the broken row's time.
    params: dict[str, object] = {"account": copy.book.account, **copy.book.orders}
    tamper(copy.target, statement, params)
    with psycopg.connect(copy.target.dsn) as conn:
        row = conn.execute(judged_at, params).fetchone()
    assert row is not None and row[0] is not None
    at = row[0]
    gate12 = [p for p in gates.gate_files() if p.stem == "12_causality"]
    for scope in (None, gates.Scope(account=copy.book.account, start=at, end=at)):
        with psycopg.connect(auditor_dsn(copy.target)) as conn:
            (result,) = gates.run_gates(conn, gate12, scope)
        assert result.error is None, result.error
        assert any(problem in str(r[-1]) for r in result.rows), (what, scope, result.rows)
    # and a window before the broken row's time judges nothing there
    with psycopg.connect(auditor_dsn(copy.target)) as conn:
        (early,) = gates.run_gates(conn, gate12, gates.Scope(account=copy.book.account, end=hour(0)))
    assert not any(problem in str(r[-1]) for r in early.rows), early.rows
