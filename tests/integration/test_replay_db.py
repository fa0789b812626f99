"""Replay's SQL in ``predator.db`` (issue 10), against a real database: an operator's incident updates during a
run are read back with the hour they followed and re-applied in the scratch database under its own incident
numbering; the session's commit durability is set as asked."""

from __future__ import annotations

import pytest

from predator.db import ops_reads, reads, replay_db
from predator.db.api import update_incident
from predator.db.connection import Target, set_commit_durability
from predator.runner import replay as replay_mod
from predator.tools.replay_sweep import SUITE, run_case
from tests.conftest import create_database, drop_database


def test_incident_updates_are_read_with_their_hour_and_reapplied_in_the_scratch_database(
    server: Target, market_template: Target
) -> None:
    case = next(c for c in SUITE if c.name == "breaker_slippage")
    db = create_database(server, template=market_template.dbname)
    kept: str | None = None
    try:
        run_case(db, case)
        with db.connect("auditor") as conn:
            incident = next(i for i in ops_reads.incidents(conn, account=case.name) if i.source == "system")
            last = reads.last_closed_hour(conn, case.name)
        with db.connect("operator") as op, op.transaction():
            assert update_incident(op, incident.incident, "acknowledged", "seen by the test") == "acknowledged"
            update_incident(op, incident.incident, "comment", "still watching")

        with db.connect("auditor") as conn:
            book = replay_db.account_book(conn, account=case.name)
            assert book is not None and book.lane == "paper"
            assert replay_db.account_book_id(conn, account=case.name) == book.book_id
            assert replay_db.account_book(conn, account="no_such_account") is None
            actions = replay_db.audit_actions(conn, book_id=book.book_id)
            run = replay_db.latest_run(conn, account=case.name)
        updates = [a for a in actions if a.action.startswith("incident_")]
        assert [(a.action, a.target, a.after_hour) for a in updates] == [
            ("incident_acknowledged", incident.incident, last),
            ("incident_comment", incident.incident, last),
        ]
        assert all(a.first_close is not None and a.recorded_at > a.first_close for a in updates)
        assert run is not None and run.config["account"] == case.name

        result = replay_mod.replay(db, case.name, keep=True)
        kept = result.scratch_database
        assert result.parity and result.unreplayable == [] and result.interventions == 2
        assert kept is not None
        with server.with_dbname(kept).connect("auditor") as conn:
            replayed = [i for i in ops_reads.incidents(conn, include_resolved=True, account=case.name)
                        if i.source == "system" and i.title == incident.title]
        assert replayed and replayed[0].status == "acknowledged"
    finally:
        drop_database(server, db.dbname)
        if kept is not None:
            drop_database(server, kept)


@pytest.mark.parametrize(("before", "fast", "after"), [
    ("on", True, "off"), ("off", False, "on"), ("local", False, "local"), ("off", True, "off"),
])
def test_commit_durability_is_set_for_the_session(db: Target, before: str, fast: bool, after: str) -> None:
    with db.connect("worker") as conn:
        conn.execute(f"SET synchronous_commit = {before}")
        conn.commit()
        set_commit_durability(conn, fast=fast)
        conn.commit()
        row = conn.execute("SHOW synchronous_commit").fetchone()
    assert row == (after,)


def test_a_rolled_back_durability_change_does_not_stick(db: Target) -> None:
    with db.connect("worker") as conn:
        conn.execute("SET synchronous_commit = on")
        conn.commit()
        set_commit_durability(conn, fast=True)
        conn.rollback()
        assert conn.execute("SHOW synchronous_commit").fetchone() == ("on",)
