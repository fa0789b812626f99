"""The gates judge each decision and each hour close as it knew the market (issue 17 item 2).

The book of :func:`tests.helpers.build_multi_currency_book` is a USD book trading BTC in USD, CAD and USDC, closed
hour by hour as a sync-fed run closes them. Its conversion pairs (USD/CAD, USDC/USD) are revised twice: between the
trades of hour 2 and the close of hour 3 (the decisions and fills of hour 2 never saw that revision; every close and
the decisions of hour 4 did), then after every close, together with the BTC/CAD marks (nothing the book recorded
saw that one). Every gate passes on it: gate 08 recomputes each admission's rates and marks from the revisions
loaded by its signal (and, in a sync-fed hour, known to that hour), gate 20 each admission's rate likewise, gate 11
each close's fees and realized PnL at the rates that close knew, gate 21 each fill's realized memo at the rates the
fill knew. Then a rate or mark planted in what a decision, a close or a fill recorded, as the revision it could not
have known (or a close's figure as only the fill knew it) is named by its gate, on a copy of the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest
from click.testing import CliRunner

from predator import gates
from predator.cli import main
from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.helpers import MH, MT0, MULTI, build_multi_currency_book

GATE_NAMES = [gates.gate_name(p) for p in gates.gate_files()]


@pytest.fixture(scope="module")
def multi(server: Target, template_db: Target) -> Iterator[Target]:
    target = create_database(server, template=template_db.dbname, prefix="predator_gates_know")
    try:
        build_multi_currency_book(target)
        yield target
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def multi_copy(server: Target, multi: Target) -> Iterator[Target]:
    target = create_database(server, template=multi.dbname, prefix="predator_gates_know_t")
    try:
        yield target
    finally:
        drop_database(server, target.dbname)


def run(target: Target, names: list[str] | None = None) -> dict[str, gates.GateResult]:
    with psycopg.connect(target.role_dsn("auditor")) as conn:
        files = [p for p in gates.gate_files() if names is None or gates.gate_name(p) in names]
        results = {r.name: r for r in gates.run_gates(conn, files)}
    for r in results.values():
        assert r.error is None, (r.name, r.error)
    return results


def rows(target: Target, gate: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in run(target, [gate])[gate].rows]


def tamper(target: Target, statement: str, params: dict[str, object] | None = None) -> None:
    """One edit as superuser with the triggers silenced; it must touch exactly one row."""
    with psycopg.connect(target.dsn) as conn:
        conn.execute("SET session_replication_role = replica")
        cur = conn.execute(statement, params or {})
        assert cur.rowcount == 1, f"the tamper statement changed {cur.rowcount} rows: {statement}"


def scalar(target: Target, query: str, params: dict[str, object] | None = None) -> object:
    with psycopg.connect(target.dsn) as conn:
        row = conn.execute(query, params or {}).fetchone()
    assert row is not None, query
    return row[0]


def test_the_book_was_revised_after_what_it_recorded(multi: Target) -> None:
    """The precondition of every other test: the rates and marks the database gives now are not those the
    decisions and closes recorded, and the hour-2 decisions did not know what the hour-3 close knew."""
    recorded = scalar(multi, "SELECT (figures -> 'valuation' -> 'rates' -> 'CAD' ->> 'rate')::numeric"
                             " FROM risk.decision WHERE signal_seq = 1")
    now = scalar(multi, "SELECT rate FROM market.conversion_rate('kraken', 'CAD', 'USD', %(t)s)", {"t": MT0 + 2 * MH})
    assert recorded == Decimal("0.735294117647") and now != recorded
    closed = scalar(multi, "SELECT (valuation -> 'currencies' -> 'CAD' ->> 'rate')::numeric"
                           " FROM portfolio.hourly_state WHERE hour = %(t)s", {"t": MT0 + 3 * MH})
    assert closed == round(1 / (Decimal("1.37") * Decimal("1.1")), 12)   # the mid revision of USD/CAD's bar 2
    price = scalar(multi, "SELECT (figures ->> 'price')::numeric FROM risk.decision WHERE signal_seq = 5")
    mark = scalar(multi, "SELECT close FROM market.last_bar('kraken', 'BTC/CAD', %(t)s)", {"t": MT0 + 4 * MH})
    assert price == 138 and mark == 276


@pytest.mark.parametrize("gate", GATE_NAMES)
def test_every_gate_passes_on_a_book_revised_after_its_decisions(multi: Target, gate: str) -> None:
    result = run(multi, [gate])[gate]
    assert result.violations == 0, result.rows[:5]


def test_predator_validate_passes_on_the_book(multi: Target) -> None:
    result = CliRunner().invoke(main, ["validate", "--dsn", multi.role_dsn("auditor"), "--account", MULTI])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("VALIDATION: PASS")


# --- A rate or mark planted as a revision the decision, close or fill could not have known -------------------------

#: Decision 1's cash valued at the rates the database gives now (the late revision) instead of those it knew.
CASH_AT_TODAYS_RATES = """
UPDATE risk.decision d
   SET figures = jsonb_set(d.figures, '{cash}', to_jsonb((
           SELECT sum((c.value ->> 'cash')::numeric * r.rate)
             FROM jsonb_each(d.figures -> 'valuation' -> 'rates') c
             CROSS JOIN LATERAL market.conversion_rate('kraken', c.key, 'USD', d.ts) r)))
 WHERE d.signal_seq = 1"""


def test_a_decision_cash_valued_at_a_later_revision_is_named_by_gate_08(multi_copy: Target) -> None:
    before = scalar(multi_copy, "SELECT figures ->> 'cash' FROM risk.decision WHERE signal_seq = 1")
    tamper(multi_copy, CASH_AT_TODAYS_RATES)
    after = scalar(multi_copy, "SELECT figures ->> 'cash' FROM risk.decision WHERE signal_seq = 1")
    assert before != after
    assert [(r[1], r[3]) for r in rows(multi_copy, "08_caps_respected")] == [
        (1, "cash recomputed from the journal violated")]


def test_a_decision_mark_of_a_later_revision_is_named_by_gate_08(multi_copy: Target) -> None:
    """Decision 5 (the BTC/CAD exit of hour 4) recording the close of BTC/CAD's bar 3 as revised after it."""
    tamper(multi_copy, "UPDATE risk.decision SET figures = jsonb_set(figures, '{price}', '276') WHERE signal_seq = 5")
    assert sorted((r[1], r[3]) for r in rows(multi_copy, "08_caps_respected")) == [
        (5, "decision price recorded violated"), (5, "mark recomputed from the candles violated")]


#: Decision 1's rate of CAD (its quote) as the late revision gives it, its notional value with it.
DECISION_RATE_TODAY = """
UPDATE risk.decision d
   SET figures = jsonb_set(jsonb_set(d.figures, '{valuation,rate}', to_jsonb(r.rate)),
                           '{valuation,notional_value}', to_jsonb((d.figures ->> 'notional')::numeric * r.rate))
  FROM market.conversion_rate('kraken', 'CAD', 'USD', %(t)s) r
 WHERE d.signal_seq = 1"""


def test_a_decision_rate_of_a_later_revision_is_named_by_gate_20(multi_copy: Target) -> None:
    tamper(multi_copy, DECISION_RATE_TODAY, {"t": MT0 + 2 * MH})
    [row] = rows(multi_copy, "20_multi_currency_valuation")
    assert row[1] == MT0 + 2 * MH and row[2] == "decision 1 rate CAD", row
    assert '"rate": 0.735294117647' in str(row[4]) and '"symbol": "USD/CAD"' in str(row[4]), row   # as it knew it


def test_an_hour_rate_of_a_later_revision_is_named_by_gates_20_and_11(multi_copy: Target) -> None:
    """Hour 5's recorded rate of CAD as the late revision gives it: gate 20 recomputes the rate as the close
    knew it, gate 11 the cash from the recorded rates (it no longer adds up)."""
    tamper(multi_copy, "UPDATE portfolio.hourly_state h SET valuation = jsonb_set(h.valuation, '{currencies,CAD,rate}',"
                       " to_jsonb(r.rate)) FROM market.conversion_rate('kraken', 'CAD', 'USD', %(t)s) r"
                       " WHERE h.hour = %(t)s", {"t": MT0 + 5 * MH})
    results = run(multi_copy, ["11_hourly_state", "20_multi_currency_valuation"])
    assert [(r[1], r[2]) for r in results["20_multi_currency_valuation"].rows] == [(MT0 + 5 * MH, "rate CAD")]
    assert [(r[1], r[2]) for r in results["11_hourly_state"].rows] == [(MT0 + 5 * MH, "cash")]


def test_an_hour_fees_as_only_the_fills_knew_them_are_named_by_gate_11(multi_copy: Target) -> None:
    """Hour 3 counted the fills of hour 2 and converted their fees at the rates it knew (the mid revision); the
    fills' own memos converted them at the rates they knew (before it). Hour 3's fees set to the memos' sum."""
    memos = scalar(multi_copy, "SELECT sum(p.amount) FROM ledger.transaction t"
                               " JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq"
                               " WHERE t.kind = 'realized' AND t.ref IN ('C1', 'U1', 'D1', 'S1')"
                               " AND p.account_code = 'fee_expense'")
    stored = scalar(multi_copy, "SELECT fees FROM portfolio.hourly_state WHERE hour = %(t)s", {"t": MT0 + 3 * MH})
    assert memos != stored
    tamper(multi_copy, "UPDATE portfolio.hourly_state SET fees = %(f)s WHERE hour = %(t)s",
           {"f": memos, "t": MT0 + 3 * MH})
    [row] = rows(multi_copy, "11_hourly_state")
    assert (row[1], row[2], Decimal(str(row[3])), Decimal(str(row[4]))) == (MT0 + 3 * MH, "fees", memos, stored), row


def test_a_fill_memo_at_its_close_rate_is_named_by_gate_21(multi_copy: Target) -> None:
    """Fill C1's fee expense converted at the rate its counting close knew (the mid revision) instead of the one
    the fill knew."""
    # the rate of the fill's time (its bar 1) as close 3 knew it: the mid revision of USD/CAD's bar 1
    rate = round(1 / (Decimal("1.36") * Decimal("1.1")), 12)
    tamper(multi_copy, "UPDATE ledger.posting p SET amount = 0.351 * %(r)s FROM ledger.transaction t"
                       " WHERE t.book_id = p.book_id AND t.seq = p.tx_seq AND t.kind = 'realized' AND t.ref = 'C1'"
                       " AND p.account_code = 'fee_expense'", {"r": rate})
    assert [(r[0], r[3].split(":")[0]) for r in rows(multi_copy, "21_treasury")] == [
        ("realized_mismatch", "fill BTC/CAD C1")]
