"""The auditor's reconstruction: the book's figures rebuilt from the journal and the fills by SQL alone.

Each file ``validations/reconstruct/NN_name.sql`` is one pure SQL query (no Predator function: the point is a
rebuild independent of the code that wrote the rows) that rebuilds some stored figures (balances, positions,
FIFO lots and allocations, each fill's realized PnL and fee, fee totals, the hourly state) and compares them with
what is stored, row by row. Its columns are ``rule, book_id, key, item, stored, rebuilt, agrees``; by hand
(``psql -v account=A -f …``) it returns the mismatches only; :func:`run` sets ``show=all`` so that it returns
every compared row and counts both, per rule. ``predator audit reconstruct`` prints the result
(docs/audit.md, "Reconstruction"). The SQL runs in :mod:`predator.db.audit`, as the auditor, all files on one
read-only REPEATABLE READ snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from predator.config import PROJECT_ROOT
from predator.db import audit

RECONSTRUCT_DIR = PROJECT_ROOT / "validations" / "reconstruct"

#: The columns every reconstruction file selects, in order.
COLUMNS = ("rule", "book_id", "key", "item", "stored", "rebuilt", "agrees")


@dataclass(frozen=True)
class RuleResult:
    """One rule of one file: how many rows it compared, and the rows that disagree."""

    file: str
    rule: str
    compared: int
    mismatches: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.mismatches


@dataclass(frozen=True)
class FileError:
    """A reconstruction file that could not run (its error message)."""

    file: str
    error: str


def files(directory: Path = RECONSTRUCT_DIR) -> list[Path]:
    """The reconstruction files ``NN_name.sql`` of ``directory``, in name order."""
    return sorted(p for p in directory.glob("*.sql") if p.is_file())


def run(conn: psycopg.Connection, account: str | None = None,
        paths: Sequence[Path] | None = None) -> tuple[list[RuleResult], list[FileError]]:
    """Run every reconstruction file on one read-only snapshot, for one account's book (None: every book), and
    return per rule the rows compared and the mismatching rows (rule order as the files list them), and the files
    that failed to run."""
    results: list[RuleResult] = []
    errors: list[FileError] = []
    variables = {"account": account or "", "show": "all"}
    with audit.read_only_snapshot(conn):
        for path in paths if paths is not None else files():
            out = audit.run_query(conn, text=path.read_text(), variables=variables)
            if out.error is not None:
                errors.append(FileError(path.stem, out.error))
                continue
            if tuple(out.columns) != COLUMNS:
                errors.append(FileError(path.stem, f"columns {out.columns} are not {COLUMNS}"))
                continue
            by_rule: dict[str, list[tuple[Any, ...]]] = {}
            for row in out.rows:
                by_rule.setdefault(str(row[0]), []).append(row)
            for rule, rows in by_rule.items():
                results.append(RuleResult(path.stem, rule, len(rows), [r for r in rows if not r[6]]))
    return results, errors


def report(results: Sequence[RuleResult], errors: Sequence[FileError], show_rows: int = 5) -> tuple[str, bool]:
    """The printed table (rule, rows compared, mismatches), the first mismatching rows of each rule that failed,
    each file error, and the verdict ``RECONSTRUCTION: CONSISTENT (N rules, M rows)`` or ``RECONSTRUCTION:
    MISMATCH (k of N rules: names)`` last. Returns (text, passed)."""
    width = max([len("rule"), *(len(r.rule) for r in results)])
    lines = [f"{'rule':<{width}}  {'compared':>8}  {'mismatches':>10}", f"{'-' * width}  {'-' * 8}  {'-' * 10}"]
    for r in results:
        lines.append(f"{r.rule:<{width}}  {r.compared:>8}  {len(r.mismatches):>10}")
    failed = [r for r in results if not r.passed]
    for r in failed:
        more = f", first {show_rows}:" if len(r.mismatches) > show_rows else ":"
        lines.append("")
        lines.append(f"{r.rule} ({r.file}): {len(r.mismatches)} mismatch(es){more}")
        lines.append("  book | key | item | stored | rebuilt")
        for row in r.mismatches[:show_rows]:
            lines.append("  " + " | ".join("" if v is None else str(v) for v in row[1:6]))
    for e in errors:
        lines.append("")
        lines.append(f"{e.file}: error: {e.error}")
    lines.append("")
    passed = not failed and not errors
    if passed:
        lines.append(f"RECONSTRUCTION: CONSISTENT ({len(results)} rules, {sum(r.compared for r in results)} rows)")
    else:
        names = ", ".join([r.rule for r in failed] + [e.file for e in errors])
        lines.append(f"RECONSTRUCTION: MISMATCH ({len(failed) + len(errors)} of {len(results) + len(errors)}"
                     f" checks: {names})")
    return "\n".join(lines), passed
