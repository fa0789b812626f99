"""``predator audit export``: a deterministic, self-contained evidence package of one book (docs/audit.md).

The package is a directory of CSV files, one per hash-chained table (the journal's transactions and postings,
signals, decisions with their reason codes, orders, order events, fills, lots, allocations, round trips, hourly
states, halts, incidents, recorded validation runs, …), plus ``chain_heads.csv`` (the database's chain heads),
``account.csv``, ``runs.csv`` (the dataset hash of every run), ``gates.csv`` (the validation gates judged on the
same snapshot), a copy of the offline verifier ``predator_verify.py``, and ``manifest.json`` (the sha256 and
row count of every file, the columns and chain spans of every chained file, the range, the code commit).

Determinism: one REPEATABLE READ snapshot, rows in (chain, seq) order, cells as PostgreSQL renders them in UTC,
JSON with sorted keys, and no wall-clock time of the export anywhere, so two exports of the same range of the
same database are byte-identical.

The range is cut at hour closes, the windows of docs/hashing.md §6: ``--from F`` starts each chain after the
heads recorded by the book's last close at or before F (genesis when there is none), ``--to T`` ends it at the
heads of the last close at or before T (the current heads without ``--to``). ``portfolio.hourly_state`` is cut
at the closes' own rows. The journal's postings follow their transactions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from predator import __version__, gates, source
from predator.db import audit
from predator.db import audit_export as db
from predator.tools import predator_verify

FORMAT = predator_verify.FORMAT
HOURLY_STATE = "portfolio.hourly_state"


@dataclass
class Package:
    """The files of an export (name -> bytes) and its manifest."""

    files: dict[str, bytes] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def manifest_bytes(self) -> bytes:
        return (json.dumps(self.manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @property
    def rows(self) -> int:
        return sum(m.get("rows", 0) for m in self.manifest["files"].values() if m.get("kind") == "chain")

    @property
    def chains(self) -> int:
        return sum(len(m.get("chains", {})) for m in self.manifest["files"].values())


def _iso(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat()


def _csv_line(values: list[str | None]) -> str:
    """One CSV line as PostgreSQL's COPY writes it (NULL unquoted empty, the empty string ``""``)."""
    def cell(v: str | None) -> str:
        if v is None:
            return ""
        return '"' + v.replace('"', '""') + '"' if v == "" or any(c in v for c in ',"\r\n') else v
    return ",".join(cell(v) for v in values) + "\n"


def code_commit() -> str | None:
    """The git commit of the Predator code running the export, or None outside a git checkout
    (:func:`predator.source.commit`)."""
    return source.commit()


class UnknownAccount(LookupError):
    """No account has the name asked for."""


def build(conn: psycopg.Connection[Any], account: str, start: datetime | None = None, end: datetime | None = None,
          gate_files: list[Path] | None = None) -> Package:
    """Read the package of ``account`` for the closes in the range, in one snapshot (``conn`` must be idle: the
    snapshot is the transaction this opens). Raises :class:`UnknownAccount`."""
    pkg = Package()
    files: dict[str, dict[str, Any]] = {}
    with conn.transaction():
        db.begin_snapshot(conn)
        book_id = audit.book_id(conn, account)
        if book_id is None:
            raise UnknownAccount(account)
        first = db.hour_close(conn, book_id, start) if start is not None else None
        last = db.hour_close(conn, book_id, end) if end is not None else None
        lo_heads = first.heads | {HOURLY_STATE: first.seq} if first else {}
        hi_heads = (last.heads | {HOURLY_STATE: last.seq} if last else {}) if end is not None \
            else db.current_heads(conn, book_id)
        for table in db.chained_tables(conn):
            window = "ledger.transaction" if table.chain_key else table.name
            lo, hi = lo_heads.get(window, 0), hi_heads.get(window, 0)
            name = f"{table.name}.csv"
            pkg.files[name] = db.table_csv(conn, table, book_id, lo, max(lo, hi))
            spans = db.chain_spans(conn, table, book_id, lo, max(lo, hi))
            files[name] = {
                "kind": "chain", "table": table.name, "chain_key": list(table.chain_key),
                "columns": [{"name": c.name, "type": c.type, "encoding": c.encoding} for c in table.columns],
                "extra_excluded": list(table.extra_excluded),
                "rows": sum(s.rows for s in spans),
                "chains": {s.chain: {"rows": s.rows, "first_seq": s.first_seq, "last_seq": s.last_seq,
                                     "start_hash": s.start_hash, "end_hash": s.end_hash} for s in spans},
            }
        kinds = {"chain_heads.csv": "heads", "anchors.csv": "anchors"}
        for name, data in (("chain_heads.csv", db.chain_heads_csv(conn, book_id)),
                           ("anchors.csv", db.anchor_csv(conn, book_id, last.hour if last else end)),
                           ("account.csv", db.account_csv(conn, account)), ("runs.csv", db.runs_csv(conn, account))):
            pkg.files[name] = data
            files[name] = {"kind": kinds.get(name, "table"), "rows": len(predator_verify.read_csv(data.decode())) - 1}
        results = gates.run_gates(conn, gate_files, gates.Scope(account, start, end))
    header: list[str | None] = ["gate", "passed", "violations", "error"]
    gate_rows = [header] + [[r.name, "true" if r.passed else "false", str(r.violations), r.error] for r in results]
    pkg.files["gates.csv"] = "".join(_csv_line(r) for r in gate_rows).encode()
    files["gates.csv"] = {"kind": "table", "rows": len(results)}
    pkg.files["predator_verify.py"] = Path(predator_verify.__file__).read_bytes()
    files["predator_verify.py"] = {"kind": "verifier"}
    for name, data in pkg.files.items():
        files[name]["sha256"] = hashlib.sha256(data).hexdigest()
    pkg.manifest = {
        "format": FORMAT,
        "account": account,
        "range": {"from": _iso(start), "to": _iso(end), "after_close": _iso(first.hour) if first else None,
                  "through_close": _iso(last.hour) if last else None},
        "predator_version": __version__,
        "commit": code_commit(),
        "hashing": {"genesis": bytes(32).hex(), "excluded_columns": sorted(predator_verify.EXCLUDED),
                    "spec": "docs/hashing.md"},
        "gates_passed": all(r.passed for r in results),
        "files": files,
    }
    return pkg


def write(pkg: Package, out: Path) -> str:
    """Write the package into the directory ``out`` (created; it must not hold files); return the manifest's
    sha256, the one value an auditor keeps to recognise this export later."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    for name, data in sorted(pkg.files.items()):
        (out / name).write_bytes(data)
    manifest = pkg.manifest_bytes
    (out / "manifest.json").write_bytes(manifest)
    return hashlib.sha256(manifest).hexdigest()
