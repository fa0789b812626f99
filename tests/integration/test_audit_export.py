"""``predator audit export`` and ``predator-verify`` on a real, populated book (docs/audit.md).

The auditor exports the book twice: the two directories are byte-identical, and the offline verifier (the copy
inside the package, run by a bare interpreter with no site-packages) passes them. Then a copy of the export
is tampered with, one way at a time, and the verifier fails naming what broke: an edited fill price (the
file, the chain and the seq of that row), a deleted row, an edited manifest, and a forger who shifts one
posting and re-hashes its chain, heads and manifest so that only double entry still catches it. Finally the
verifier's canonical encoding is compared with the database's on a table of awkward values.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from predator.audit_export import _csv_line
from predator.cli import main
from predator.db import audit_export as db
from predator.db.connection import Target
from predator.tools import predator_verify as pv
from tests.conftest import create_database, drop_database
from tests.helpers import Book, build_book


@pytest.fixture(scope="module")
def book(server: Target, template_db: Target) -> Iterator[Book]:
    target = create_database(server, template=template_db.dbname, prefix="predator_export")
    try:
        yield build_book(target)
    finally:
        drop_database(server, target.dbname)


def export(book: Book, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["audit", "export", "--dsn", book.target.role_dsn("auditor"),
                                       "--account", book.account, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def exported(book: Book, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "pkg"
    export(book, out)
    return out


@pytest.fixture()
def tampered(exported: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "pkg"
    shutil.copytree(exported, copy)
    return copy


def verify(directory: Path) -> tuple[int, list[str]]:
    proc = subprocess.run([sys.executable, "-I", "-S", str(directory / "predator_verify.py"), str(directory)],
                          capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout.splitlines()


def broken(lines: list[str]) -> list[str]:
    return [line.removeprefix("BROKEN ") for line in lines if line.startswith("BROKEN ")]


def rows_of(path: Path) -> list[list[str | None]]:
    return pv.read_csv(path.read_text())


def write_rows(path: Path, rows: list[list[str | None]]) -> None:
    path.write_text("".join(_csv_line(r) for r in rows))


def cell(rows: list[list[str | None]], seq: int, column: str) -> tuple[int, int]:
    """(row index, column index) of ``column`` in the row whose seq is ``seq`` (single-chain files)."""
    header = rows[0]
    return next(i for i, r in enumerate(rows) if r[header.index("seq")] == str(seq)), header.index(column)


def test_two_exports_are_byte_identical_and_verify_offline(book: Book, exported: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    output = export(book, again)
    assert "AUDIT EXPORT: WRITTEN" in output
    names = sorted(p.name for p in exported.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert all((exported / n).read_bytes() == (again / n).read_bytes() for n in names)
    manifest = json.loads((exported / "manifest.json").read_text())
    assert {"ledger.transaction.csv", "ledger.posting.csv", "trading.order_request.csv", "trading.order_event.csv",
            "trading.fill.csv", "trading.lot.csv", "risk.decision.csv", "portfolio.hourly_state.csv",
            "chain_heads.csv", "runs.csv", "gates.csv", "predator_verify.py"} <= set(manifest["files"])
    assert manifest["gates_passed"] and manifest["files"]["trading.fill.csv"]["rows"] == 8
    assert b"\r" not in (exported / "ledger.posting.csv").read_bytes()
    code, lines = verify(exported)
    assert (code, lines[-1]) == (0, "PREDATOR-VERIFY: PASS"), lines
    assert "18 journal transactions balanced" in lines[-2]


def test_a_range_export_starts_from_its_first_rows_prev_hash_and_verifies(book: Book, tmp_path: Path) -> None:
    out = tmp_path / "range"
    export(book, out, "--from", "2024-03-01T04:00Z", "--to", "2024-03-01T07:00Z")
    manifest = json.loads((out / "manifest.json").read_text())
    fills = manifest["files"]["trading.fill.csv"]["chains"]["trading.fill"]
    assert (fills["first_seq"], fills["last_seq"]) == (4, 6) and fills["start_hash"] != "00" * 32
    assert manifest["range"]["after_close"] == "2024-03-01T04:00:00+00:00"
    code, lines = verify(out)
    assert code == 0, lines


def test_an_edited_fill_price_names_that_file_chain_and_row(tampered: Path) -> None:
    path = tampered / "trading.fill.csv"
    rows = rows_of(path)
    i, j = cell(rows, 3, "price")
    rows[i][j] = str(Decimal(str(rows[i][j])) + 1)
    write_rows(path, rows)
    code, lines = verify(tampered)
    assert code == 1
    assert broken(lines) == [
        "manifest: the sha256 of trading.fill.csv is not the manifest's",
        f"trading.fill.csv: chain trading.fill, seq 3 (line {i + 1}): row_hash does not match the row's content"]


def test_a_deleted_row_is_a_sequence_gap_at_the_next_row(tampered: Path) -> None:
    path = tampered / "trading.signal.csv"
    rows = rows_of(path)
    i, _ = cell(rows, 2, "seq")
    del rows[i]
    write_rows(path, rows)
    code, lines = verify(tampered)
    assert code == 1
    assert f"trading.signal.csv: chain trading.signal, seq 3 (line {i + 1}): sequence gap: expected seq 2" \
        in broken(lines)


def test_a_deleted_last_row_disagrees_with_the_manifest_and_the_heads(tampered: Path) -> None:
    path = tampered / "trading.fill.csv"
    write_rows(path, rows_of(path)[:-1])
    code, lines = verify(tampered)
    assert code == 1
    assert any(p.startswith("trading.fill.csv: chain trading.fill: ends at seq 7 after 7 rows") for p in broken(lines))


@pytest.mark.parametrize("edit", ["sha256", "unlisted"])
def test_an_edited_manifest_fails(tampered: Path, edit: str) -> None:
    path = tampered / "manifest.json"
    manifest = json.loads(path.read_text())
    if edit == "sha256":
        manifest["files"]["ledger.posting.csv"]["sha256"] = "0" * 64
        expected = "manifest: the sha256 of ledger.posting.csv is not the manifest's"
    else:
        del manifest["files"]["gates.csv"]
        expected = "manifest: gates.csv is not listed in manifest.json"
    path.write_text(json.dumps(manifest))
    code, lines = verify(tampered)
    assert (code, broken(lines)) == (1, [expected])


def test_a_forged_posting_rehashed_to_the_end_still_breaks_double_entry(tampered: Path) -> None:
    """The forger adds 1 to one trading/USDT posting (and to every later balance_after of that chain, so the
    running balance continues), re-hashes the chain from there, and rewrites chain_heads.csv and the
    manifest to match: every chain verifies, and double entry names the transaction."""
    path, chain = tampered / "ledger.posting.csv", "ledger.posting:trading:USDT"
    manifest = json.loads((tampered / "manifest.json").read_text())
    meta = manifest["files"]["ledger.posting.csv"]
    encodings = {c["name"]: c["encoding"] for c in meta["columns"]}
    rows = rows_of(path)
    header = [str(h) for h in rows[0]]
    col = header.index
    mine = [r for r in rows[1:] if (r[col("account_code")], r[col("currency")]) == ("trading", "USDT")]
    victim = mine[3]
    prev = pv.unhex(victim[col("prev_hash")])
    for r in mine[3:]:
        if r is victim:
            r[col("amount")] = str(Decimal(str(r[col("amount")])) + 1)
        r[col("balance_after")] = str(Decimal(str(r[col("balance_after")])) + 1)
        r[col("prev_hash")] = "\\x" + prev.hex()
        prev = pv.row_hash(prev, pv.canonical(dict(zip(header, r, strict=True)), encodings, pv.EXCLUDED))
        r[col("row_hash")] = "\\x" + prev.hex()
    write_rows(path, rows)
    meta["chains"][chain]["end_hash"] = prev.hex()
    heads = rows_of(tampered / "chain_heads.csv")
    next(h for h in heads if h[0] == chain)[2] = "\\x" + prev.hex()
    write_rows(tampered / "chain_heads.csv", heads)
    for name in ("ledger.posting.csv", "chain_heads.csv"):
        manifest["files"][name]["sha256"] = hashlib.sha256((tampered / name).read_bytes()).hexdigest()
    (tampered / "manifest.json").write_text(json.dumps(manifest))
    code, lines = verify(tampered)
    problems = broken(lines)
    assert code == 1 and len(problems) == 1, problems
    prefix = f"ledger.posting.csv: transaction tx_seq {victim[col('tx_seq')]}: postings do not balance: USDT sums to "
    assert problems[0].startswith(prefix) and Decimal(problems[0].removeprefix(prefix)) == 1


def test_the_encoder_matches_the_database_on_awkward_values(book: Book) -> None:
    """Rows hashed by the database (ops.canonical, ops.row_hash) against the verifier's encoding of their
    exported cells: strings with quotes, backslashes, control characters and non-ASCII, the empty string,
    numerics with trailing zeros, fractional seconds, nested nulls in jsonb, arrays with nulls, booleans,
    bytea, dates, floats."""
    with book.target.connect("admin") as conn, conn.transaction():
        conn.execute("SET LOCAL TimeZone = 'UTC'")
        conn.execute("SET LOCAL bytea_output = 'hex'")
        conn.execute("""CREATE TEMP TABLE odd (book_id int, seq bigint, s text, n numeric, ts timestamptz,
                        j jsonb, a text[], b boolean, h bytea, d date, f float8, i int, recorded_at timestamptz)""")
        conn.execute("""INSERT INTO odd VALUES
            (1, 1, E'q"\\\\ \\u0001\\t\\n é€', 1000.00, '2024-01-01 00:00:00.5+00',
              '{"z": {"y": null, "x": [null, 1.10]}, "aa": "é", "b": true, "c": []}',
              ARRAY['a', NULL, ''], true, '\\x00ff', '2024-02-29', 0.1, -3, now()),
            (1, 2, '', -0.000000010, '1999-12-31 23:59:59.123456+00', 'null', '{}', false, '\\x', '0001-01-01', 1e-7,
              0, now()),
            (1, 3, NULL, NULL, NULL, '{"k": null}', NULL, NULL, NULL, NULL, 'NaN', NULL, NULL)""")
        table = db.ChainedTable("pg_temp.odd", db.table_columns(conn, "pg_temp.odd"), (), ())
        rows = pv.read_csv(db._copy(conn, db.sql.SQL("SELECT {} FROM pg_temp.odd t ORDER BY t.seq").format(
            db._cells(table))).decode())
        expected = conn.execute(
            "SELECT ops.canonical(to_jsonb(o)), ops.row_hash('\\x00'::bytea, to_jsonb(o)) FROM odd o ORDER BY seq"
        ).fetchall()
    encodings = {c.name: c.encoding for c in table.columns}
    header = [str(h) for h in rows[0]]
    for cells, (text, digest) in zip(rows[1:], expected, strict=True):
        mine = pv.canonical(dict(zip(header, cells, strict=True)), encodings, pv.EXCLUDED)
        assert mine == text
        assert pv.row_hash(b"\x00", mine) == bytes(digest)
