"""``predator validate`` and ``predator verify``: the auditor's checks (exit 0 pass, 1 fail)."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
import psycopg

from predator import anchors, gates
from predator.cli import main
from predator.db import anchors as anchors_db
from predator.db import audit, reads
from predator.db.connection import connect_dsn, default_target


class _UtcTime(click.ParamType[datetime]):
    """An ISO-8601 date or time; naive values are UTC (``2024-01-01``, ``2024-01-01T12:00``, ``…Z``)."""

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            parsed = (datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text or " " in text
                      else datetime.combine(date.fromisoformat(text), datetime.min.time()))
        except ValueError:
            self.fail(f"{text!r} is not an ISO-8601 date or time (e.g. 2024-01-01 or 2024-01-01T12:00Z)", param, ctx)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _connect(dsn: str | None) -> psycopg.Connection:
    # --dsn is the auditor's own DSN (`predator db url --role auditor`), used as given; without it, the
    # configured database's auditor login.
    return connect_dsn(dsn) if dsn else default_target().connect("auditor")


@main.command()
@click.option("--dsn", default=None,
              help="The auditor's libpq DSN, used as given (default: the auditor login of the configured database).")
@click.option("--dir", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=gates.VALIDATIONS_DIR, show_default=True, help="Directory of the NN_name.sql gates.")
@click.option("--rows", "show_rows", type=int, default=5, show_default=True,
              help="Violating rows to print for each failed gate.")
@click.option("--account", default=None,
              help="Judge only this account's book (its time grows with the book, not with the database).")
@click.option("--from", "start", type=_UtcTime(), default=None,
              help="Judge only rows whose business time is at or after this (ISO-8601, UTC).")
@click.option("--to", "end", type=_UtcTime(), default=None,
              help="Judge only rows whose business time is at or before this (ISO-8601, UTC).")
@click.option("--incremental", is_flag=True,
              help="With --account: judge only what is new since the account's last checkpoint (a recorded run that"
                   " passed), up to its last closed hour, and record the run.")
@click.option("--record", is_flag=True,
              help="Record this run (api.record_validation; api.validation_runs lists them): a run that passes from"
                   " the book's start becomes a checkpoint for --incremental.")
def validate(dsn: str | None, directory: Path, show_rows: int, account: str | None, start: datetime | None,
             end: datetime | None, incremental: bool, record: bool) -> None:
    """Run every validation gate as predator_auditor; exit 1 when any gate returns violations.

    Without options the gates judge the whole database. --account narrows every gate to one book, --from and
    --to to a range of business time (rules that need a row's history still read it from the book's start;
    docs/operations.md lists what each gate does with the range). --incremental (with --account) judges the
    business times from the account's last checkpoint up to its last closed hour and records the run; a
    failed run is recorded as failed and leaves the checkpoint where it was. --record records any run."""
    files = gates.gate_files(directory)
    if not files:
        raise click.UsageError(f"no gates (*.sql) in {directory}")
    if start is not None and end is not None and start > end:
        raise click.BadParameter(f"--from {start.isoformat()} is after --to {end.isoformat()}", param_hint="--from")
    if incremental and account is None:
        raise click.UsageError("--incremental needs --account: checkpoints are kept per book")
    if incremental and (start is not None or end is not None):
        raise click.UsageError("--incremental takes no --from/--to: it judges from the account's last checkpoint"
                               " to its last closed hour")
    scope = gates.Scope(account, start, end)
    recorded: gates.RecordedRun | None = None
    not_recorded: str | None = None
    with _connect(dsn) as conn:
        if account is not None and audit.book_id(conn, account) is None:
            raise reads.unknown_account(conn, account)
        results = None
        if incremental or record:
            try:
                scope, results, recorded = gates.run_and_record(conn, files, scope, incremental=incremental)
            except gates.NothingToValidate as e:
                if incremental:
                    click.echo(f"nothing to validate: {e}")
                    sys.exit(0)
                not_recorded = f"not recorded: {e}"   # --record: the gates still run, unrecorded
        if results is None:
            results = gates.run_gates(conn, files, scope)
    text, passed = gates.report(results, show_rows)
    if recorded is not None and incremental:
        cp = recorded.resumed
        since = (f"incremental from checkpoint {cp.seq}"
                 + (f", back to the earliest of {cp.late_rows} row(s) appended since with an earlier business time"
                    if cp.late_rows else "") if cp else "incremental: no checkpoint yet, the book from its start")
        click.echo(f"scope: account {scope.account}, {recorded.span()} ({since})")
    elif scope.account or scope.start or scope.end:
        click.echo(f"scope: {scope.describe()}")
    click.echo(text)
    if recorded is not None:
        click.echo(recorded.describe())
    if not_recorded is not None:
        click.echo(not_recorded)
    sys.exit(0 if passed else 1)


@main.command()
@click.option("--dsn", default=None,
              help="The auditor's libpq DSN, used as given (default: the auditor login of the configured database).")
@click.option("--account", default=None, help="Verify only this account's chains (its time grows with the book).")
@click.option("--anchors", "anchor_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="An anchor export (predator audit anchor export): also check that no chain is behind or differs"
                   " from its signed anchored heads (a deletion of a chain's newest rows).")
def verify(dsn: str | None, account: str | None, anchor_file: Path | None) -> None:
    """Recompute every hash chain as predator_auditor and name the first broken row of each broken chain.

    With --anchors FILE, also check the exported anchors against the database (api.verify_anchors): each
    signature under its key, and every anchored head against the chain's rows; a chain whose newest rows were
    deleted is named with the missing seq range (docs/audit.md, "Anchors"). Exit 1 when anything is broken."""
    anchor_list = None
    if anchor_file is not None:
        try:
            anchor_list = anchors.read(anchor_file)
        except anchors.BadAnchorFile as e:
            raise click.BadParameter(str(e), param_hint="--anchors") from e
        if not anchor_list:
            raise click.BadParameter(f"{anchor_file} holds no anchor", param_hint="--anchors")
    with _connect(dsn) as conn:
        book = None
        if account is not None:
            book = audit.book_id(conn, account)
            if book is None:
                raise reads.unknown_account(conn, account)
        result = gates.verify(conn, book)
        checked = None
        if anchor_list is not None:
            checked = anchors.AnchorVerification(len(anchor_list), anchors.chains_covered(anchor_list),
                                                 anchors_db.verify(conn, anchor_list))
    lines = gates.verify_report(result).splitlines()
    if checked is not None:
        lines[-1:-1] = anchors.report(checked).splitlines()
        if result.ok and not checked.ok:   # the chains verify, their anchors do not
            lines[-1] = f"VERIFY: FAIL (the anchors; {result.chains} chains verify on their own)"
    click.echo("\n".join(lines))
    sys.exit(0 if result.ok and (checked is None or checked.ok) else 1)
