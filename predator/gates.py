"""Validation gates and chain verification, as the auditor sees them.

A gate is one SQL query in ``validations/NN_name.sql`` that returns the rows breaking one invariant of
DESIGN.md §3 (empty = pass). :func:`run_gates` runs every gate on one connection inside a single read-only
REPEATABLE READ transaction, so all gates judge the same snapshot; a gate that errors counts as failed and
keeps its error message. :func:`verify` wraps ``api.verify_chains()``. The SQL itself runs in
:mod:`predator.db.audit` (only ``predator.db`` speaks SQL).

A :class:`Scope` narrows every gate to one account's book and/or a business-time range. Each gate reads the
scope from psql variables (``:'account'``, ``:'from'``, ``:'to'``; ``psql -v account=A -f
validations/NN_x.sql`` does the same by hand), and the account's filter sits in every scan of the gate, so
the book's rows are reached through the ``(book_id, …)`` keys: the time it takes grows with that book, not
with the other books of the database (bench/validate_scale.py).

Both work with the ``predator_auditor`` role alone (SELECT on every table, EXECUTE on the read helpers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from predator import seams
from predator.config import PROJECT_ROOT
from predator.db import api, audit

VALIDATIONS_DIR = PROJECT_ROOT / "validations"


@dataclass(frozen=True)
class GateResult:
    """Outcome of one gate: how many rows it returned (violations), how long it took, and the rows."""

    name: str
    violations: int
    seconds: float
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and self.violations == 0


def gate_files(directory: Path = VALIDATIONS_DIR) -> list[Path]:
    """The gate files ``NN_name.sql`` of ``directory``, in name order."""
    return sorted(p for p in directory.glob("*.sql") if p.is_file())


def gate_name(path: Path) -> str:
    """``validations/04_lots_positions_ledger.sql`` -> ``04_lots_positions_ledger``."""
    return path.stem


@dataclass(frozen=True)
class Scope:
    """What the gates judge: one account's book (None: every book) and the business times from ``start`` to
    ``end``, both inclusive (None: unbounded). A gate whose rule needs a row's history (a chain, a running
    balance, FIFO order) still reads that history from the book's start, but reports only the rows in the
    range; the rules about the current state (gate 04), whole chains (10) and whole round trips (13) ignore
    the range. ``checkpoint`` (an incremental run's) has gate 10 verify the book's chains from the heads that
    recorded run kept rather than from genesis. Candle loads belong to no book: an account-scoped run leaves
    them to the whole-database run."""

    account: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    checkpoint: int | None = None

    def variables(self) -> dict[str, str]:
        """The psql variables of the gates: ``account`` ('' = every book), ``from`` and ``to`` (ISO-8601,
        ``-infinity`` / ``infinity`` when unbounded), ``checkpoint`` (the seq of a recorded validation run of
        the book from whose chain heads gate 10 verifies; '' = from genesis)."""
        return {
            "account": self.account or "",
            "from": self.start.isoformat() if self.start else "-infinity",
            "to": self.end.isoformat() if self.end else "infinity",
            "checkpoint": "" if self.checkpoint is None else str(self.checkpoint),
        }

    def describe(self) -> str:
        """``account A, 2024-01-01T00:00:00+00:00 .. infinity`` or ``every account, all time``."""
        who = f"account {self.account}" if self.account else "every account"
        if self.start is None and self.end is None:
            return f"{who}, all time"
        v = self.variables()
        return f"{who}, {v['from']} .. {v['to']}"


def run_gate(conn: psycopg.Connection, path: Path, scope: Scope | None = None) -> GateResult:
    """Run one gate in a savepoint of the caller's transaction (an error does not abort the others),
    narrowed to ``scope`` (default: the whole database)."""
    start = seams.perf_counter()
    result = audit.run_query(conn, text=path.read_text(), variables=(scope or Scope()).variables())
    seconds = seams.perf_counter() - start
    if result.error is not None:
        return GateResult(gate_name(path), 0, seconds, error=result.error)
    return GateResult(gate_name(path), len(result.rows), seconds, list(result.columns), list(result.rows))


def run_gates(conn: psycopg.Connection, files: Iterable[Path] | None = None,
              scope: Scope | None = None) -> list[GateResult]:
    """Run every gate on ``conn``, all against one snapshot (a read-only REPEATABLE READ transaction when the
    connection is idle; inside the caller's transaction otherwise), narrowed to ``scope`` (default: the
    whole database)."""
    paths = list(files) if files is not None else gate_files()
    with audit.read_only_snapshot(conn):
        return [run_gate(conn, p, scope) for p in paths]


#: The resolution of timestamptz: "after T" is exactly "at or after T + 1 µs".
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class RecordedRun:
    """A run of the gates recorded in ``ops.validation_run`` (``api.record_validation``): the business times
    it covers, ``[start, end)`` (``start`` None: from the book's start), the checkpoint it resumed from
    (incremental runs; None: none yet, so the run judged the book from its start) and the recorded row."""

    start: datetime | None
    end: datetime
    incremental: bool
    resumed: api.ValidationCheckpoint | None
    row: api.RecordedValidation

    def span(self) -> str:
        """``[2024-03-01T09:00:00+00:00, 2024-03-01T12:00:00+00:00)``; ``[start, …)`` from the book's start."""
        return f"[{self.start.isoformat() if self.start else 'start'}, {self.end.isoformat()})"

    def describe(self) -> str:
        """``recorded: validation run 3 of book 7 over [a, b): passed, checkpoint`` (or ``FAILED, not a
        checkpoint: …``)."""
        span = self.span()
        verdict = ("passed, checkpoint" if self.row.checkpoint
                   else "passed, not a checkpoint (its range does not reach back to the last checkpoint)"
                   if self.row.passed else "FAILED, not a checkpoint: the next --incremental starts where the last"
                   " passed checkpoint left off")
        return f"recorded: validation run {self.row.seq} of book {self.row.book_id} over {span}: {verdict}"


class NothingToValidate(Exception):
    """An incremental or recorded run with nothing to cover: no closed hour yet, or no new closed hour and no
    row appended since the last checkpoint. The message says which."""


def run_and_record(conn: psycopg.Connection, files: Iterable[Path] | None = None, scope: Scope | None = None,
                   *, incremental: bool = False) -> tuple[Scope, list[GateResult], RecordedRun]:
    """Run the gates and record the run (``api.record_validation``) in one REPEATABLE READ transaction, so the
    record (and the chain heads it keeps) describes exactly the snapshot the gates judged. Returns the scope
    judged, the results and the recorded run.

    Incremental (``scope.account`` required, no ``start``/``end``): from the account's last checkpoint
    (``api.validation_checkpoint``: the inclusive ``resume_from``, which is the checkpoint's exclusive end,
    or earlier when rows appended since carry an earlier business time) up to the close ``T`` of the book's
    last closed hour, exclusive: the gates judge ``[resume_from, T - 1 µs]``. Rows dated ``T`` or later (the
    decisions at ``T`` come after the hour closes) are left to the next run. Without a checkpoint the run
    judges the book from its start. Not incremental: the gates judge ``scope`` as given, and the record
    claims ``[scope.start, min(scope.end + 1 µs, T))``. Gates 04 and 13 judge the whole book either way; gate
    10 verifies the book's chains from the heads the checkpoint recorded (incremental) or from genesis.
    Raises :class:`NothingToValidate` when there is nothing to cover (no closed hour; for an incremental
    run, no new closed hour and no late row). Auditor."""
    scope = scope or Scope()
    if incremental and (scope.account is None or scope.start is not None or scope.end is not None):
        raise ValueError("an incremental run takes an account and no --from/--to: its range is the checkpoint's")
    paths = list(files) if files is not None else gate_files()
    with audit.read_only_snapshot(conn, read_only=False):
        book = audit.book_id(conn, scope.account) if scope.account else None
        if scope.account is not None and book is None:
            raise NothingToValidate(f"no account named {scope.account!r}")
        last = audit.last_closed_hour(conn, book)
        who = f"account {scope.account}" if scope.account else "the database"
        if last is None:
            raise NothingToValidate(f"{who} has no closed hour: nothing to record")
        resumed = None
        if incremental:
            assert scope.account is not None
            resumed = api.validation_checkpoint(conn, scope.account)
            start = resumed.resume_from if resumed else None
            end = last
            if start is not None and start >= end:
                raise NothingToValidate(
                    f"{who} is validated up to {end.isoformat()} (checkpoint {resumed.seq if resumed else '-'}),"
                    " its last closed hour, and nothing was appended before it since: nothing new to validate")
            judged = Scope(scope.account, start, end - MICROSECOND, resumed.seq if resumed else None)
        else:
            start = scope.start
            end = min(scope.end + MICROSECOND, last) if scope.end is not None else last
            if start is not None and start > end:
                raise NothingToValidate(
                    f"--from {start.isoformat()} is after the last closed hour of {who} ({last.isoformat()}):"
                    " nothing closed to record")
            judged = scope
        results = [run_gate(conn, p, judged) for p in paths]
        row = api.record_validation(conn, account=scope.account, start=start, end=end, incremental=incremental,
                                    gates={r.name: None if r.error else r.violations for r in results})
    return judged, results, RecordedRun(start, end, incremental, resumed, row)


def report(results: Sequence[GateResult], show_rows: int = 5) -> tuple[str, bool]:
    """The printed table (gate, violations, seconds), the first rows of each failed gate, and the verdict
    line ``VALIDATION: PASS (N gates)`` / ``VALIDATION: FAIL (k of N gates: names)`` last. Returns
    (text, passed)."""
    width = max([len("gate"), *(len(r.name) for r in results)])
    lines = [f"{'gate':<{width}}  {'violations':>10}  {'seconds':>8}", f"{'-' * width}  {'-' * 10}  {'-' * 8}"]
    for r in results:
        count = "error" if r.error else str(r.violations)
        lines.append(f"{r.name:<{width}}  {count:>10}  {r.seconds:>8.3f}")
    failed = [r for r in results if not r.passed]
    for r in failed:
        lines.append("")
        if r.error:
            lines.append(f"{r.name}: error: {r.error}")
            continue
        more = f", first {show_rows}:" if r.violations > show_rows else ":"
        lines.append(f"{r.name}: {r.violations} violation(s){more}")
        lines.append("  " + " | ".join(r.columns))
        for row in r.rows[:show_rows]:
            lines.append("  " + " | ".join("" if v is None else str(v) for v in row))
    lines.append("")
    if failed:
        names = ", ".join(r.name for r in failed)
        lines.append(f"VALIDATION: FAIL ({len(failed)} of {len(results)} gates: {names})")
    else:
        lines.append(f"VALIDATION: PASS ({len(results)} gates)")
    return "\n".join(lines), not failed


@dataclass(frozen=True)
class Verification:
    """The chains checked and the first broken row of each broken chain."""

    chains: int
    breaks: list[api.ChainBreak]

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify(conn: psycopg.Connection, book: int | None = None) -> Verification:
    """Recompute every hash chain (``api.verify_chains()``), or only those of book ``book``
    (``api.verify_book_chains``, whose time follows the book), and count the chains covered: one per
    (book, table) in ``ops.chain_head`` and one per (book, account, currency) journal posting chain."""
    with audit.read_only_snapshot(conn):
        if book is None:
            return Verification(audit.chain_count(conn), api.verify_chains(conn))
        return Verification(audit.book_chain_count(conn, book), audit.verify_book_chains(conn, book))


def verify_report(v: Verification) -> str:
    """One line per broken chain (chain, table, book, seq, problem) then ``VERIFY: OK (N chains)`` or
    ``VERIFY: FAIL (k of N chains broken)``."""
    lines = [f"BROKEN {b.chain}: table={b.tbl} book={b.book_id} seq={b.seq}: {b.problem}" for b in v.breaks]
    broken = len({b.chain for b in v.breaks})
    lines.append(f"VERIFY: OK ({v.chains} chains)" if v.ok else f"VERIFY: FAIL ({broken} of {v.chains} chains broken)")
    return "\n".join(lines)
