"""Incremental validation from a recorded, chained checkpoint (``predator validate --account A --incremental``,
``--record``; ``api.record_validation``, ``api.validation_checkpoint``, ``ops.validation_run``).

A populated book (hours 3..9 closed) is validated from its start and recorded: the first checkpoint covers
``[start, hour 9)``. The book then trades three more hours (a buy at hour 10, hours 10..12 closed). An
incremental run judges exactly ``[hour 9, hour 12)`` and becomes the next checkpoint; a violation planted in
that new range is found, the run is recorded as failed and the checkpoint does not move. A row appended
after the checkpoint with a business time inside the range already judged (a fill relayed late) pulls the
next incremental range back to that row. The trade-off: a superuser's edit inside the already-judged range
(of a row no whole-book gate reads) is not looked at by the incremental run, and a full run finds it. The
chain of validation runs verifies, and an edited run is named by ``predator verify``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from predator import gates
from predator.cli import main
from predator.db import api
from predator.db.connection import Target
from predator.errors import InvalidArgument
from tests.conftest import create_database, drop_database
from tests.helpers import Book, ack, build_book, close, close_price, fill, hour, new_account, signal
from tests.integration.test_gates import tamper


@pytest.fixture(scope="module")
def validated(server: Target, template_db: Target) -> Iterator[Book]:
    """A populated book validated from its start and recorded (built once per module; tests work on copies)."""
    target = create_database(server, template=template_db.dbname, prefix="predator_valrun")
    try:
        book = build_book(target)
        code, output = validate(target, "--account", book.account, "--record")
        assert code == 0, output
        yield book
    finally:
        drop_database(server, target.dbname)


@pytest.fixture()
def copy(server: Target, validated: Book) -> Iterator[Book]:
    target = create_database(server, template=validated.target.dbname, prefix="predator_valrun_copy")
    try:
        yield Book(target, validated.account, validated.strategy, dict(validated.orders), list(validated.hours_closed))
    finally:
        drop_database(server, target.dbname)


def validate(target: Target, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--dsn", target.role_dsn("auditor"), *args])
    return result.exit_code, result.output


def runs(target: Target, account: str) -> list[dict[str, Any]]:
    with psycopg.connect(target.role_dsn("auditor")) as conn, conn.cursor() as cur:
        cur.execute("SELECT seq, range_from, range_to, incremental, gates, passed, checkpoint"
                    " FROM api.validation_runs WHERE account = %s ORDER BY seq", (account,))
        names = [c.name for c in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def trade_more_hours(book: Book) -> None:
    """Hours 10..12 of the same book: a BTC buy decided at hour 10 and filled, then hours 11 and 12 closed."""
    with book.target.connect("operator") as conn:
        close(conn, book.account, 10)
        d = signal(conn, book.account, "BTC/USDT", 10, "buy", Decimal("0.05"))
        assert d.outcome == "admitted", d
        book.orders["btc_buy3"] = d.client_order_id
        ack(conn, d.client_order_id, hour(10) + timedelta(seconds=1))
        fill(conn, d.client_order_id, Decimal("0.05"), close_price("BTC/USDT", 10), hour(10) + timedelta(seconds=2))
        close(conn, book.account, 11)
        close(conn, book.account, 12)


def gate_counts(output: str) -> dict[str, str]:
    names = {gates.gate_name(p) for p in gates.gate_files()}
    rows = [line.split() for line in output.splitlines()]
    return {row[0]: row[1] for row in rows if row and row[0] in names}


def test_the_first_recorded_run_is_a_checkpoint_from_the_start(validated: Book) -> None:
    (first,) = runs(validated.target, validated.account)
    assert (first["range_from"], first["range_to"], first["incremental"], first["passed"], first["checkpoint"]) == (
        None, hour(9), False, True, True)
    assert set(first["gates"]) == {gates.gate_name(p) for p in gates.gate_files()}
    assert set(first["gates"].values()) == {0}
    # nothing closed since: an incremental run has nothing to judge and records nothing
    code, output = validate(validated.target, "--account", validated.account, "--incremental")
    assert code == 0 and output.startswith("nothing to validate: ") and "nothing new" in output, output
    assert len(runs(validated.target, validated.account)) == 1


def test_incremental_judges_only_the_new_hours_and_advances_the_checkpoint(copy: Book) -> None:
    trade_more_hours(copy)
    code, output = validate(copy.target, "--account", copy.account, "--incremental")
    assert code == 0, output
    lines = output.strip().splitlines()
    assert lines[0] == (f"scope: account {copy.account}, [{hour(9).isoformat()}, {hour(12).isoformat()})"
                        " (incremental from checkpoint 1)")
    assert lines[-1].endswith(f"over [{hour(9).isoformat()}, {hour(12).isoformat()}): passed, checkpoint"), output
    assert lines[-2] == f"VALIDATION: PASS ({len(gates.gate_files())} gates)"
    *_, second = runs(copy.target, copy.account)
    assert (second["seq"], second["range_from"], second["range_to"], second["incremental"], second["passed"],
            second["checkpoint"]) == (2, hour(9), hour(12), True, True, True)
    with psycopg.connect(copy.target.role_dsn("auditor")) as conn:
        cp = api.validation_checkpoint(conn, copy.account)
    assert cp is not None and (cp.seq, cp.range_to, cp.resume_from, cp.late_rows) == (2, hour(12), hour(12), 0)


def test_a_violation_in_the_new_range_fails_and_does_not_move_the_checkpoint(copy: Book) -> None:
    trade_more_hours(copy)
    # the new buy's fill dated before its order (hour 9:30, still in the new range: gate 12); the edit also
    # breaks the fill's chain (gate 10)
    tamper(copy.target, "UPDATE trading.fill SET ts = ts - interval '30 minutes' WHERE client_order_id = %(coid)s",
           {"coid": copy.orders["btc_buy3"]})
    code, output = validate(copy.target, "--account", copy.account, "--incremental")
    assert code == 1, output
    counts = gate_counts(output)
    assert counts["12_causality"] != "0" and counts["10_hash_chains"] != "0", output
    assert output.strip().splitlines()[-1].endswith("FAILED, not a checkpoint: the next --incremental starts where"
                                                   " the last passed checkpoint left off"), output
    *_, failed = runs(copy.target, copy.account)
    assert (failed["range_from"], failed["range_to"], failed["passed"], failed["checkpoint"]) == (
        hour(9), hour(12), False, False)
    assert failed["gates"]["12_causality"] > 0
    with psycopg.connect(copy.target.role_dsn("auditor")) as conn:
        cp = api.validation_checkpoint(conn, copy.account)
    assert cp is not None and (cp.seq, cp.resume_from) == (1, hour(9))
    # the next incremental run judges the same range again (and fails again)
    code, output = validate(copy.target, "--account", copy.account, "--incremental")
    assert code == 1 and f"[{hour(9).isoformat()}, {hour(12).isoformat()})" in output.splitlines()[0], output


def test_a_violation_in_the_judged_range_is_left_to_a_full_run(copy: Book) -> None:
    # The trade-off. A superuser edits rows dated in the already-judged range: the order-state cache of the
    # order canceled at hour 6, left terminal (gate 07 judges orders by their time; an order made open again
    # would count in the next admission's open buys, which gate 08 recomputes from the order events: below)
    # and the content of the book's first signal, its stored hash left alone (gate 10 verifies from the
    # checkpoint's heads on; gate 11 recomputes only the new hours' outputs).
    tamper(copy.target, "UPDATE trading.order_state SET status = 'expired' WHERE client_order_id = %(coid)s",
           {"coid": copy.orders["eth_canceled"]})
    tamper(copy.target, "UPDATE trading.signal SET confidence = 0.99 WHERE book_id = "
                        "(SELECT book_id FROM trading.account WHERE name = %(account)s) AND seq = 1",
           {"account": copy.account})
    trade_more_hours(copy)
    code, output = validate(copy.target, "--account", copy.account, "--incremental")
    assert code == 0, output
    counts = gate_counts(output)
    assert (counts["07_order_transitions"], counts["10_hash_chains"], counts["11_hourly_state"]) == ("0", "0", "0")
    code, output = validate(copy.target, "--account", copy.account)
    counts = gate_counts(output)
    assert code == 1 and "0" not in (counts["07_order_transitions"], counts["10_hash_chains"]), output
    # recorded, a full run that fails is not a checkpoint either; the incremental checkpoint stays
    code, output = validate(copy.target, "--account", copy.account, "--record")
    assert code == 1, output
    assert [(r["incremental"], r["passed"], r["checkpoint"]) for r in runs(copy.target, copy.account)] == [
        (False, True, True), (True, True, True), (False, False, False)]


def test_an_order_reopened_under_the_checkpoint_fails_the_next_admission_in_the_new_range(copy: Book) -> None:
    # The canceled order's state cache edited back to open in the judged range: the admission at hour 10 counts
    # it in its open buys (portfolio.valuation reads trading.order_state), and gate 08, which recomputes the open
    # buys from the order events recorded before that decision, names the decision in the incremental run.
    tamper(copy.target, "UPDATE trading.order_state SET status = 'open' WHERE client_order_id = %(coid)s",
           {"coid": copy.orders["eth_canceled"]})
    trade_more_hours(copy)
    code, output = validate(copy.target, "--account", copy.account, "--incremental")
    assert code == 1, output
    assert gate_counts(output)["08_caps_respected"] != "0", output
    assert f"{copy.orders['btc_buy3']} | open buys recomputed from the orders violated" in output, output


def test_a_chain_rewritten_under_the_checkpoint_is_caught_by_its_recorded_head(copy: Book) -> None:
    # A superuser edits the book's first signal and recomputes every later hash of the chain (and its head),
    # so that the chain verifies from genesis again: the row at the head the checkpoint recorded no longer
    # carries the recorded hash, which the incremental run's chain verification checks first.
    rewrite = """
        DO $rewrite$
        DECLARE
            r      record;
            v_book integer := (SELECT book_id FROM trading.account WHERE name = %(account)s);
            v_prev bytea := ops.genesis_hash();
        BEGIN
            UPDATE trading.signal SET confidence = 0.99 WHERE book_id = v_book AND seq = 1;
            FOR r IN SELECT * FROM trading.signal WHERE book_id = v_book ORDER BY seq LOOP
                UPDATE trading.signal SET prev_hash = v_prev, row_hash = ops.row_hash(v_prev, to_jsonb(r))
                 WHERE book_id = v_book AND seq = r.seq RETURNING row_hash INTO v_prev;
            END LOOP;
            UPDATE ops.chain_head SET head_hash = v_prev WHERE chain = 'trading.signal:' || v_book;
        END
        $rewrite$"""
    with psycopg.connect(copy.target.dsn) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(rewrite.replace("%(account)s", "'" + copy.account + "'"))
    ok = CliRunner().invoke(main, ["verify", "--dsn", copy.target.role_dsn("auditor"), "--account", copy.account])
    assert ok.exit_code == 0, "the rewritten chain was expected to verify from genesis: " + ok.output
    trade_more_hours(copy)
    code, output = validate(copy.target, "--account", copy.account, "--incremental", "--rows", "1")
    assert code == 1 and gate_counts(output)["10_hash_chains"] == "1", output
    assert "row at the checkpoint's head does not carry the recorded hash" in output, output


def test_a_row_appended_late_into_the_judged_range_is_judged_next(copy: Book) -> None:
    # The order bought at hour 8 is half filled; its second fill is relayed after the checkpoint, dated
    # hour 8 + 10 s (before the checkpoint's end, hour 9), then the book closes hours 10..12.
    late = hour(8) + timedelta(seconds=10)
    with copy.target.connect("operator") as conn:
        fill(conn, copy.orders["eth_buy2"], Decimal("1"), close_price("ETH/USDT", 8), late)
    trade_more_hours(copy)
    with psycopg.connect(copy.target.role_dsn("auditor")) as conn:
        cp = api.validation_checkpoint(conn, copy.account)
    # the fill, its lot and its journal transaction (and the order event it made) are dated hour 8 + 10 s
    assert cp is not None and cp.range_to == hour(9) and cp.resume_from == late and cp.late_rows >= 3, cp
    code, output = validate(copy.target, "--account", copy.account, "--incremental")
    assert code == 0, output
    span = f"[{late.isoformat()}, {hour(12).isoformat()})"
    assert output.splitlines()[0].startswith(
        f"scope: account {copy.account}, {span} (incremental from checkpoint 1, back to the earliest of "), output
    *_, last = runs(copy.target, copy.account)
    assert (last["range_from"], last["range_to"], last["checkpoint"]) == (late, hour(12), True)


def test_the_runs_are_chained_and_an_edit_is_named_by_verify(copy: Book) -> None:
    trade_more_hours(copy)
    assert validate(copy.target, "--account", copy.account, "--incremental")[0] == 0
    assert validate(copy.target, "--record")[0] == 0      # the whole database: book 0's chain
    dsn = copy.target.role_dsn("auditor")
    ok = CliRunner().invoke(main, ["verify", "--dsn", dsn])
    assert ok.exit_code == 0, ok.output
    with psycopg.connect(copy.target.dsn) as conn:
        book = conn.execute("SELECT book_id FROM trading.account WHERE name = %s", (copy.account,)).fetchone()[0]
        heads = conn.execute("SELECT chain, seq FROM ops.chain_head WHERE chain LIKE 'ops.validation_run:%'"
                             " ORDER BY chain").fetchall()
    assert sorted(heads) == sorted([("ops.validation_run:0", 1), (f"ops.validation_run:{book}", 2)])
    # the first attestation widened by a day: the row no longer matches its hash
    tamper(copy.target, "UPDATE ops.validation_run SET range_to = range_to + interval '1 day'"
                        " WHERE book_id = %(book)s AND seq = 1", {"book": book})
    for args in ([], ["--account", copy.account]):
        bad = CliRunner().invoke(main, ["verify", "--dsn", dsn, *args])
        assert bad.exit_code == 1, bad.output
        assert [line for line in bad.output.splitlines() if line.startswith("BROKEN ")] == [
            f"BROKEN ops.validation_run:{book}: table=ops.validation_run book={book} seq=1:"
            " row_hash does not match the row's content"], bad.output
    code, output = validate(copy.target, "--account", copy.account)
    assert code == 1 and gate_counts(output)["10_hash_chains"] == "1", output


def test_incremental_needs_an_account_and_no_range(validated: Book) -> None:
    code, output = validate(validated.target, "--incremental")
    assert code == 2 and "--incremental needs --account" in output, output
    code, output = validate(validated.target, "--account", validated.account, "--incremental", "--from", "2024-03-01")
    assert code == 2 and "takes no --from/--to" in output, output


def test_the_database_refuses_a_bad_record(validated: Book) -> None:
    with psycopg.connect(validated.target.role_dsn("auditor")) as conn:
        for start, end, counts in ((hour(9), hour(3), {"01": 0}), (None, hour(3), {}), (None, hour(3), {"01": -1})):
            with pytest.raises(InvalidArgument), conn.transaction():
                api.record_validation(conn, account=validated.account, start=start, end=end, incremental=False,
                                      gates=counts)
        # nothing written by a refusal; the auditor still writes no business table
        assert len(runs(validated.target, validated.account)) == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("INSERT INTO ops.validation_run (book_id, seq, range_to, incremental, gates, passed,"
                         " checkpoint, heads, prev_hash, row_hash) VALUES (0, 1, now(), false, '{}', true, true,"
                         " '{}', '\\x00', '\\x00')")


def test_a_book_without_a_closed_hour_is_validated_but_not_recorded(server: Target, template_db: Target) -> None:
    target = create_database(server, template=template_db.dbname, prefix="predator_valrun_empty")
    try:
        with target.connect("operator") as conn:
            account = new_account(conn)
        code, output = validate(target, "--account", account, "--record")
        lines = output.strip().splitlines()
        assert code == 0 and lines[-2] == f"VALIDATION: PASS ({len(gates.gate_files())} gates)", output
        assert lines[-1] == f"not recorded: account {account} has no closed hour: nothing to record", output
        code, output = validate(target, "--account", account, "--incremental")
        assert code == 0 and output.startswith("nothing to validate: "), output
        assert runs(target, account) == []
    finally:
        drop_database(server, target.dbname)
