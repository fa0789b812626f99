"""The gates narrowed to one account's book and a business-time range (``predator validate --account --from
--to``; the gates' psql variables ``account``, ``from``, ``to``).

Two populated books share one database. Each invariant of tests/integration/test_gates.py is broken the same
way (as superuser, triggers silenced), first in the *other* book only: validating the first book's account
passes, validating the other's fails on that gate, the whole database fails too. Then the same edit in the
first book: the account run reports only its own book's rows, the whole-database run both books'. The
gate files still run as plain ``psql -f`` (whole database) and ``psql -v account=… -f`` (one book), with the
same rows as ``predator validate``.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from predator import gates
from predator.cli import main
from predator.db import audit
from predator.db.cluster import find_bindir
from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.helpers import Book, build_book, hour
from tests.integration.test_gates import TAMPERS, tamper

# The halt that gate 09's edit moves an order into must be the edited book's own (two books: two halts).
_ACCOUNT_HALT = "WHERE action = 'halt' AND scope_kind = 'account')"
SCOPED_TAMPERS = [
    (gate, what, statement.replace(_ACCOUNT_HALT, "WHERE action = 'halt' AND scope_kind = 'account'"
                                                  " AND scope_key = %(account)s)"))
    for gate, what, statement in TAMPERS
]


@dataclass(frozen=True)
class TwoBooks:
    target: Target
    mine: Book
    other: Book


@pytest.fixture(scope="module")
def two_books(server: Target, template_db: Target) -> Iterator[TwoBooks]:
    """A migrated database holding two populated books (built once per module; tests work on copies)."""
    target = create_database(server, template=template_db.dbname, prefix="predator_books")
    try:
        yield TwoBooks(target, build_book(target), build_book(target))
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def copy(server: Target, two_books: TwoBooks) -> Iterator[TwoBooks]:
    target = create_database(server, template=two_books.target.dbname, prefix="predator_tamper")
    try:
        yield TwoBooks(target, two_books.mine, two_books.other)
    finally:
        drop_database(server, target.dbname)


def book_id(target: Target, account: str) -> int:
    with psycopg.connect(target.dsn) as conn:
        row = conn.execute("SELECT book_id FROM trading.account WHERE name = %s", (account,)).fetchone()
    assert row is not None
    return int(row[0])


def gate_books(target: Target, gate: str, scope: gates.Scope) -> list[int]:
    """The book ids of the rows gate ``gate`` returns under ``scope`` (asserting it ran without error)."""
    with psycopg.connect(target.role_dsn("auditor")) as conn:
        (result,) = gates.run_gates(conn, [gates.VALIDATIONS_DIR / f"{gate}.sql"], scope)
    assert result.error is None, result.error
    column = result.columns.index("book_id")
    return [row[column] for row in result.rows]


def validate(target: Target, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--dsn", target.role_dsn("auditor"), *args])
    return result.exit_code, result.output


def plant(target: Target, book: Book, statement: str) -> None:
    tamper(target, statement, {"account": book.account, "hour5": hour(5), **book.orders})


def test_both_books_pass_every_gate_alone_and_together(two_books: TwoBooks) -> None:
    for args in ([], ["--account", two_books.mine.account], ["--account", two_books.other.account]):
        code, output = validate(two_books.target, *args)
        assert code == 0, output
        assert output.strip().splitlines()[-1] == f"VALIDATION: PASS ({len(gates.gate_files())} gates)"
    code, output = validate(two_books.target, "--account", two_books.mine.account)
    assert output.splitlines()[0] == f"scope: account {two_books.mine.account}, all time"


@pytest.mark.parametrize(("gate", "what", "statement"), SCOPED_TAMPERS, ids=[f"{g}:{w}" for g, w, _ in SCOPED_TAMPERS])
def test_account_scope_finds_its_own_violation_and_ignores_another_books(copy: TwoBooks, gate: str, what: str,
                                                                          statement: str) -> None:
    mine, other = copy.mine.account, copy.other.account
    mine_id, other_id = book_id(copy.target, mine), book_id(copy.target, other)

    plant(copy.target, copy.other, statement)
    # gate 09's halt_state check and gate 15 are not per book; every edit above lands in a book's rows
    assert gate_books(copy.target, gate, gates.Scope(account=mine)) == [], f"{gate} blamed {mine} for: {what}"
    assert set(gate_books(copy.target, gate, gates.Scope(account=other))) == {other_id}, what
    assert set(gate_books(copy.target, gate, gates.Scope())) == {other_id}, what
    code, output = validate(copy.target, "--account", mine)
    assert code == 0, output
    code, output = validate(copy.target, "--account", other)
    assert code == 1 and gate in output.strip().splitlines()[-1], output

    plant(copy.target, copy.mine, statement)
    assert set(gate_books(copy.target, gate, gates.Scope(account=mine))) == {mine_id}, what
    assert set(gate_books(copy.target, gate, gates.Scope())) == {mine_id, other_id}, what
    code, output = validate(copy.target)
    assert code == 1 and gate in output.strip().splitlines()[-1], output


def test_a_time_range_judges_only_the_rows_inside_it(copy: TwoBooks) -> None:
    # a fill of hour 8 dated before its order: gate 12 (causality) reports the fill at its business time
    plant(copy.target, copy.mine, "UPDATE trading.fill SET ts = ts - interval '3 hours'"
                                  " WHERE client_order_id = %(eth_buy2)s")
    mine = copy.mine.account
    inside = gates.Scope(account=mine, start=hour(4), end=hour(9))
    before = gates.Scope(account=mine, end=hour(4))
    assert gate_books(copy.target, "12_causality", inside) != []
    assert gate_books(copy.target, "12_causality", before) == []
    # (the edit also breaks the fill's hash chain: gate 10 verifies whole chains whatever the range)
    def causality_count(*args: str) -> str:
        _, output = validate(copy.target, "--account", mine, *args)
        return next(line.split()[1] for line in output.splitlines() if line.startswith("12_causality "))

    assert causality_count("--to", hour(4).isoformat()) == "0"
    assert causality_count("--from", hour(4).isoformat()) != "0"


def test_unknown_account_and_reversed_range_are_refused(two_books: TwoBooks) -> None:
    code, output = validate(two_books.target, "--account", "nosuch")
    assert code == 5 and "unknown account 'nosuch'; accounts: " in output, output  # not found
    code, output = validate(two_books.target, "--from", "2024-02-01", "--to", "2024-01-01")
    assert code == 2 and "is after --to" in output, output
    code, output = validate(two_books.target, "--from", "yesterday")
    assert code == 2 and "not an ISO-8601 date" in output, output


def _psql(target: Target, path: Path, *variables: str) -> subprocess.CompletedProcess[str]:
    psql = shutil.which("psql", path=str(find_bindir())) or shutil.which("psql")
    assert psql, "psql is not installed"
    args = [psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
    for v in variables:
        args += ["-v", v]
    return subprocess.run([*args, "-d", target.role_dsn("auditor"), "-f", str(path)],
                          capture_output=True, text=True, check=False)


def test_gate_files_run_under_psql_whole_and_scoped(copy: TwoBooks) -> None:
    plant(copy.target, copy.other, "UPDATE trading.fill SET ts = ts - interval '3 hours'"
                                   " WHERE client_order_id = %(eth_buy2)s")
    for path in gates.gate_files():
        whole = _psql(copy.target, path)
        assert whole.returncode == 0, f"psql -f {path.name}: {whole.stderr}"
        scoped = _psql(copy.target, path, f"account={copy.other.account}", f"from={hour(0).isoformat()}")
        assert scoped.returncode == 0, f"psql -v account=… -f {path.name}: {scoped.stderr}"
        with psycopg.connect(copy.target.role_dsn("auditor")) as conn:
            (ours,) = gates.run_gates(conn, [path], gates.Scope(account=copy.other.account, start=hour(0)))
        assert len(scoped.stdout.splitlines()) == ours.violations, path.name
    whole = _psql(copy.target, gates.VALIDATIONS_DIR / "12_causality.sql")
    mine = _psql(copy.target, gates.VALIDATIONS_DIR / "12_causality.sql", f"account={copy.mine.account}")
    assert whole.stdout.strip() and not mine.stdout.strip()


def test_render_gate_substitutes_like_psql() -> None:
    text = ("-- a gate\n\\if :{?account} \\else \\set account '' \\endif\n"
            "\\if :{?to} \\else \\set to infinity \\endif\n"
            "SELECT :'account' = '' AS all_books, :'to' AS upto;")
    assert audit.render_gate(text) == "-- a gate\nSELECT '' = '' AS all_books, 'infinity' AS upto;"
    assert audit.render_gate(text, {"account": "o'brien"}).endswith(
        "SELECT 'o''brien' = '' AS all_books, 'infinity' AS upto;")
    looked_up: list[str] = []

    def gset(query: str) -> dict[str, str]:
        looked_up.append(query)
        return {"book": "7"}

    gated = text + "\nSELECT 1 AS book \\gset\nSELECT x::bigint FROM t WHERE book_id = :book AND note = ':book' -- :b"
    assert audit.render_gate(gated, {"account": "a"}, gset).endswith(
        "SELECT x::bigint FROM t WHERE book_id = 7 AND note = ':book' -- :b")
    assert looked_up == ["SELECT 1 AS book"]
    with pytest.raises(ValueError, match="needs a database connection"):
        audit.render_gate(gated)
    with pytest.raises(ValueError, match="unsupported psql meta-command"):
        audit.render_gate("\\set x 1\nSELECT 1")
    with pytest.raises(ValueError, match="no value and no default"):
        audit.render_gate("SELECT :'nope'")


def test_verify_account_checks_only_that_books_chains(copy: TwoBooks) -> None:
    other_id = book_id(copy.target, copy.other.account)
    plant(copy.target, copy.other, "UPDATE trading.signal SET confidence = 0.99"
                                   " WHERE book_id = (SELECT book_id FROM trading.account WHERE name = %(account)s)"
                                   " AND seq = 1")
    dsn = copy.target.role_dsn("auditor")
    mine = CliRunner().invoke(main, ["verify", "--dsn", dsn, "--account", copy.mine.account])
    assert mine.exit_code == 0 and mine.output.strip().splitlines()[-1].startswith("VERIFY: OK ("), mine.output
    other = CliRunner().invoke(main, ["verify", "--dsn", dsn, "--account", copy.other.account])
    assert other.exit_code == 1, other.output
    assert [line for line in other.output.splitlines() if line.startswith("BROKEN ")] == [
        f"BROKEN trading.signal:{other_id}: table=trading.signal book={other_id} seq=1:"
        " row_hash does not match the row's content"]
    whole = CliRunner().invoke(main, ["verify", "--dsn", dsn])
    assert whole.exit_code == 1 and f"book={other_id}" in whole.output


def test_two_accounts_whose_names_were_swapped_are_each_reported_by_gate_23(copy: TwoBooks) -> None:
    """The audit review's swap (2026-12-06): two accounts' names exchanged in trading.account, so that asking for
    one hands over the other book's history while every chain and anchor still verifies. Gate 23 compares each
    account with its book's chained creation record: both books are reported, whole and under either name."""
    mine, other = copy.mine.account, copy.other.account
    mine_id, other_id = book_id(copy.target, mine), book_id(copy.target, other)
    with psycopg.connect(copy.target.dsn) as conn:
        conn.execute("SET session_replication_role = replica")  # past trading.account's guard, as an attacker
        for was, now in ((mine, "swap_tmp"), (other, mine), ("swap_tmp", other)):
            conn.execute("UPDATE trading.account SET name = %s WHERE name = %s", (now, was))
    assert book_id(copy.target, mine) == other_id
    assert sorted(gate_books(copy.target, "23_account_identity", gates.Scope())) == sorted([mine_id, other_id])
    assert gate_books(copy.target, "23_account_identity", gates.Scope(account=mine)) == [other_id]
    code, output = validate(copy.target, "--account", mine)
    assert code == 1 and "23_account_identity" in output.strip().splitlines()[-1], output
