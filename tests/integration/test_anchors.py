"""Anchored chains end to end (issue 17 item 5; docs/audit.md, "Anchors").

The operator sets a signing key, a book is built through the gateway (its hour closes anchor the chain heads),
the auditor exports the anchors with ``predator audit anchor export`` and ``predator verify --anchors FILE``
passes. Then, in a copy of that database, the newest rows of one chain are deleted as superuser with the
triggers silenced (``session_replication_role = replica``, as tests/integration/test_gates.py's ``tamper``) and
the chain's head cache moved back, as a careful tamperer would: plain ``predator verify`` still passes (a hash
chain cannot see a shortened tail), ``predator verify --anchors FILE`` fails, naming the chain and the missing
seq range.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from predator.cli import main
from predator.db import anchors as anchors_db
from predator.db.connection import Target
from tests.conftest import create_database, drop_database
from tests.helpers import build_book


@dataclass(frozen=True)
class Anchored:
    target: Target
    book_id: int


@pytest.fixture(scope="module")
def anchored(server: Target, template_db: Target) -> Iterator[Anchored]:
    """A migrated database with an anchor key set before a populated book was built (built once per module)."""
    target = create_database(server, template=template_db.dbname, prefix="predator_anchor")
    try:
        with target.connect("operator") as conn, conn.transaction():
            anchors_db.set_key(conn, "test: start anchoring")
        book = build_book(target)
        with psycopg.connect(target.dsn) as conn:
            row = conn.execute("SELECT book_id FROM trading.account WHERE name = %s", (book.account,)).fetchone()
        assert row is not None
        yield Anchored(target, row[0])
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def copy(server: Target, anchored: Anchored) -> Iterator[Anchored]:
    """A fresh copy of the anchored database, free to be tampered with."""
    target = create_database(server, template=anchored.target.dbname, prefix="predator_anchor_tamper")
    try:
        yield Anchored(target, anchored.book_id)
    finally:
        drop_database(server, target.dbname)


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def export(target: Target, out: Path) -> str:
    code, output = cli("audit", "anchor", "export", "--out", str(out), "--dsn", target.role_dsn("auditor"))
    assert code == 0, output
    return output


def verify(target: Target, *extra: str) -> tuple[int, str]:
    return cli("verify", "--dsn", target.role_dsn("auditor"), *extra)


def test_every_close_is_anchored_and_an_untouched_export_verifies(anchored: Anchored, tmp_path: Path) -> None:
    with psycopg.connect(anchored.target.dsn) as conn:
        closes, anchors = conn.execute(
            "SELECT (SELECT count(*) FROM portfolio.hourly_state WHERE book_id = %(b)s),"
            " (SELECT count(*) FROM ops.chain_anchor WHERE book_id = %(b)s AND kind = 'close')",
            {"b": anchored.book_id}).fetchone() or (0, 0)
    assert closes > 0 and anchors == closes, "one anchor per hour close"
    out = tmp_path / "anchors.jsonl"
    said = export(anchored.target, out)
    assert said.startswith(f"exported {closes} anchors of ")
    first = out.read_bytes()
    export(anchored.target, out)
    assert out.read_bytes() == first, "two exports of the same database are byte-identical"
    assert len(first.splitlines()) == closes

    code, output = verify(anchored.target, "--anchors", str(out))
    lines = output.strip().splitlines()
    assert code == 0, output
    assert lines[-2].startswith(f"ANCHORS: OK ({closes} anchors, ")
    assert lines[-1].startswith("VERIFY: OK (")


@pytest.mark.parametrize("table", ["portfolio.hourly_state", "trading.fill"])
def test_a_tail_deletion_fails_verification_against_the_anchors(copy: Anchored, tmp_path: Path, table: str) -> None:
    out = tmp_path / "anchors.jsonl"
    export(copy.target, out)
    chain = f"{table}:{copy.book_id}"
    with psycopg.connect(copy.target.dsn) as conn:
        last = conn.execute(f"SELECT max(seq) FROM {table} WHERE book_id = %s", (copy.book_id,)).fetchone()
        assert last is not None and last[0] >= 3
        keep = last[0] - 2
        # The careful tamperer: the two newest rows go, and the head cache is moved back to the row that is left.
        conn.execute("SET session_replication_role = replica")
        cur = conn.execute(f"DELETE FROM {table} WHERE book_id = %s AND seq > %s", (copy.book_id, keep))
        assert cur.rowcount == 2
        conn.execute(f"UPDATE ops.chain_head h SET seq = t.seq, head_hash = t.row_hash FROM {table} t"
                     " WHERE h.chain = %s AND t.book_id = %s AND t.seq = %s", (chain, copy.book_id, keep))

    code, output = verify(copy.target)
    assert code == 0 and output.strip().splitlines()[-1].startswith("VERIFY: OK ("), \
        f"plain verification cannot see a shortened tail:\n{output}"

    code, output = verify(copy.target, "--anchors", str(out))
    assert code == 1, output
    lines = output.strip().splitlines()
    assert (f"ANCHOR BROKEN {chain} seq={keep + 1}: rows deleted: the chain ends at seq {keep}, an anchor holds seq"
            f" {keep + 2} (seq {keep + 1}..{keep + 2} missing)") in lines, output
    assert [line for line in lines if line.startswith("ANCHOR ")] == [
        line for line in lines if line.startswith(f"ANCHOR BROKEN {chain} ")], "only the tampered chain is named"
    assert lines[-2].startswith("ANCHORS: FAIL (1 problem;")
    assert lines[-1].startswith("VERIFY: FAIL (the anchors;")


def test_a_forged_export_and_a_revoked_key(copy: Anchored, tmp_path: Path) -> None:
    out = tmp_path / "anchors.jsonl"
    export(copy.target, out)
    lines = out.read_text().splitlines()
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join([lines[0].replace('"kind":"close"', '"kind":"demand"'), *lines[1:]]) + "\n")
    code, output = verify(copy.target, "--anchors", str(forged))
    assert code == 1 and "the signature does not verify under key 1" in output, output

    with copy.target.connect("operator") as conn, conn.transaction():
        anchors_db.set_key(conn, "test: rotation")
        anchors_db.revoke_key(conn, 1, "test: leaked")
    code, output = verify(copy.target, "--anchors", str(out))
    assert code == 1 and "ANCHOR NOT TRUSTED anchor" in output and "no anchor is trusted" in output, output
    with copy.target.connect("operator") as conn, conn.transaction():
        anchors_db.anchor_now(conn, "test: re-anchor under key 2")
    export(copy.target, out)
    code, output = verify(copy.target, "--anchors", str(out))
    assert code == 0 and output.strip().splitlines()[-2].startswith("ANCHORS: OK ("), output


def test_the_audit_package_carries_the_latest_anchor_and_its_verifier_finds_a_tail_deletion(
        copy: Anchored, tmp_path: Path) -> None:
    # issue 17 item 6: the package holds chain heads and anchors; predator-verify checks the exported rows against
    # the heads of the book's latest anchor, which finds the newest rows deleted even when the head cache (and so
    # chain_heads.csv) was moved back with them.
    with psycopg.connect(copy.target.dsn) as conn:
        account = conn.execute("SELECT name FROM trading.account WHERE book_id = %s", (copy.book_id,)).fetchone()
    assert account is not None

    def package(out: Path) -> tuple[int, list[str]]:
        code, output = cli("audit", "export", "--dsn", copy.target.role_dsn("auditor"), "--account", account[0],
                           "--out", str(out))
        assert code == 0, output
        proc = subprocess.run([sys.executable, "-I", "-S", str(out / "predator_verify.py"), str(out)],
                              capture_output=True, text=True, check=False)
        return proc.returncode, proc.stdout.splitlines()

    code, lines = package(tmp_path / "before")
    anchors = (tmp_path / "before" / "anchors.csv").read_text().splitlines()
    assert code == 0, lines
    assert len(anchors) > 1 and anchors[0] == "anchor_seq,hour,key_id,signature,chain,seq,head"
    matched = [line for line in lines if line.endswith("anchored heads matched the exported rows")]
    assert matched and int(matched[0].split()[-7]) == len(anchors) - 1, lines

    fill = [r.split(",") for r in anchors[1:] if r.split(",")[4] == "trading.fill"]
    assert len(fill) == 1
    anchor_seq, hour, anchored_seq = fill[0][0], fill[0][1], int(fill[0][5])
    keep = anchored_seq - 2
    assert keep >= 1
    with psycopg.connect(copy.target.dsn) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("DELETE FROM trading.fill WHERE book_id = %s AND seq > %s", (copy.book_id, keep))
        conn.execute("UPDATE ops.chain_head h SET seq = t.seq, head_hash = t.row_hash FROM trading.fill t"
                     " WHERE h.chain = %s AND t.book_id = %s AND t.seq = %s",
                     (f"trading.fill:{copy.book_id}", copy.book_id, keep))
    code, lines = package(tmp_path / "after")
    assert code == 1, lines
    line = 2 + [r.split(",")[4] for r in anchors[1:]].index("trading.fill")
    assert [x for x in lines if x.startswith("BROKEN ")] == [
        f"BROKEN anchors.csv line {line}: anchor {anchor_seq} of {hour}, chain trading.fill seq {anchored_seq}:"
        f" the export stops at seq {keep} (the newest rows deleted?)"], lines
