"""predator-verify: re-verify a Predator audit export offline (docs/audit.md).

Standalone on purpose: Python's standard library only, nothing from Predator and no database. Copy this one
file anywhere and run ``python3 predator_verify.py DIR`` (or the ``predator-verify DIR`` console script).
Exit code 0 when everything verifies, 1 when anything does not, 2 when DIR is not an export.

It re-implements the canonical row encoding of docs/hashing.md independently of PostgreSQL:

* a row is the JSON object of its non-NULL columns, minus the excluded ones (``book_id``, ``prev_hash``,
  ``row_hash``, ``recorded_at``, ``effective_at``, ``admitted_at``, and the table's extras from the
  manifest); null fields of jsonb values are dropped at any depth (``jsonb_strip_nulls``);
* rendered as jsonb prints it: keys ordered by byte length then bytewise, ``": "`` after a key, ``", "``
  between items, numbers exactly as exported, strings with ``"``, ``\\``, ``\\b \\f \\n \\r \\t`` and other
  control characters (``\\u00XX``) escaped and everything else (UTF-8) as is;
* ``row_hash = sha256(prev_hash || utf8(canonical))``; the first row of a chain links to 32 zero bytes.

The export's CSV cells hold, per column, either the text of a JSON string (``encoding: text``: strings,
timestamps in UTC ISO 8601, bytea as ``\\x…``) or JSON text (``encoding: json``: numbers, booleans, arrays,
jsonb); an unquoted empty cell is NULL and ``""`` is the empty string.

Checks: every chain from the first exported row (its ``prev_hash`` must be the manifest's ``start_hash``,
genesis when it starts at seq 1) to its last (the manifest's ``end_hash``, and the database head of
``chain_heads.csv`` when the export reaches it): seq gapless, each ``prev_hash`` the previous ``row_hash``,
each ``row_hash`` the hash of the row's content; postings' ``balance_after`` continuity; double entry (each
journal transaction's postings sum to zero per currency, as many as its ``legs``); the heads of the book's latest
anchor in range (``anchors.csv``) against the exported rows, which finds the newest rows deleted; the sha256 and
row count of every file in ``manifest.json``, and no file outside it. The first broken row of each chain is named
(file, chain, seq, line).
"""

from __future__ import annotations

import decimal
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

GENESIS = bytes(32)
EXCLUDED = frozenset({"book_id", "prev_hash", "row_hash", "recorded_at", "effective_at", "admitted_at"})
FORMAT = "predator-audit-export/1"
_EXACT = decimal.Context(prec=10_000, traps=[decimal.Inexact, decimal.InvalidOperation])


# --- canonical encoding -----------------------------------------------------------------------------------


class Raw(str):
    """A JSON number kept as its exact text (``1.50`` stays ``1.50``)."""


def parse_json(text: str) -> Any:
    return json.loads(text, parse_float=Raw, parse_int=Raw, parse_constant=Raw)


def _strip_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def _string(s: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), s) + '"'


def render(value: Any) -> str:
    """``value`` as jsonb's text output renders it."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
    return "{" + ", ".join(f"{_string(k)}: {render(value[k])}" for k in keys) + "}"


def canonical(row: dict[str, str | None], encodings: dict[str, str], exclude: frozenset[str]) -> str:
    """The canonical text of an exported row: its cells by column name, each column's encoding."""
    obj: dict[str, Any] = {}
    for name, cell in row.items():
        if cell is None or name in exclude:
            continue
        value = cell if encodings[name] == "text" else _strip_nulls(parse_json(cell))
        if value is not None:
            obj[name] = value
    return render(obj)


def row_hash(prev_hash: bytes, text: str) -> bytes:
    return hashlib.sha256(prev_hash + text.encode()).digest()


def unhex(cell: str | None) -> bytes:
    """``\\x0a1b…`` (PostgreSQL's bytea text) or plain hex -> bytes."""
    text = cell or ""
    return bytes.fromhex(text[2:] if text.startswith("\\x") else text)


# --- CSV as PostgreSQL writes it (an unquoted empty field is NULL) -----------------------------------------

_UNQUOTED = re.compile(r"[^,\n]*")


def read_csv(text: str) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    row: list[str | None] = []
    i, n = 0, len(text)
    while i < n:
        value: str | None
        if text[i] == '"':
            parts, j = [], i + 1
            while True:
                k = text.index('"', j)          # ValueError: an unterminated quote
                parts.append(text[j:k])
                if text.startswith('"', k + 1):
                    parts.append('"')
                    j = k + 2
                else:
                    i = k + 1
                    break
            value = "".join(parts)
        else:
            m = _UNQUOTED.match(text, i)
            assert m is not None
            value, i = (m.group() or None), m.end()
        row.append(value)
        if i >= n or text[i] == "\n":
            rows.append(row)
            row, i = [], i + 1
        elif text[i] == ",":
            i += 1
        else:
            raise ValueError(f"malformed CSV at character {i}")
    return rows


# --- verification -----------------------------------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []

    def fail(self, text: str) -> None:
        self.problems.append(text)


def _records(path: Path) -> Iterator[tuple[int, dict[str, str | None]]]:
    header, *rows = read_csv(path.read_text(encoding="utf-8"))
    for line, cells in enumerate(rows, start=2):
        if len(cells) != len(header):
            raise ValueError(f"{path.name} line {line}: {len(cells)} fields, the header has {len(header)}")
        yield line, dict(zip((str(h) for h in header), cells, strict=True))


def verify_chain_file(directory: Path, name: str, meta: dict[str, Any], report: Report,
                      ) -> list[dict[str, str | None]]:
    """Walk every chain of one chained-table file; return its rows (for the double-entry check)."""
    encodings = {c["name"]: c["encoding"] for c in meta["columns"]}
    exclude = EXCLUDED | frozenset(meta.get("extra_excluded", ()))
    chains: dict[str, dict[str, Any]] = meta["chains"]
    state: dict[str, tuple[int, bytes, Decimal | None, int]] = {}   # chain -> (seq, row_hash, balance, rows)
    broken: set[str] = set()
    rows = []
    for line, rec in _records(directory / name):
        rows.append(rec)
        if list(rec) != list(encodings):
            report.fail(f"{name}: the columns are not the manifest's")
            return rows
        chain = ":".join([meta["table"], *(str(rec[k]) for k in meta.get("chain_key", ()))])
        if chain in broken:
            continue
        seq = int(rec["seq"] or 0)
        where = f"{name}: chain {chain}, seq {seq} (line {line})"
        if chain not in chains:
            report.fail(f"{where}: a chain the manifest does not list")
            broken.add(chain)
            continue
        if chain in state:
            last_seq, expected_prev, balance, count = state[chain]
            expected_seq = last_seq + 1
        else:
            expected_seq, expected_prev = chains[chain]["first_seq"], unhex(chains[chain]["start_hash"])
            balance, count = None, 0
            if expected_seq == 1 and expected_prev != GENESIS:
                report.fail(f"{where}: the chain starts at seq 1 but its start hash is not genesis")
        prev, stored = unhex(rec["prev_hash"]), unhex(rec["row_hash"])
        problem = None
        if seq != expected_seq:
            problem = f"sequence gap: expected seq {expected_seq}"
        elif prev != expected_prev:
            problem = "prev_hash is not the previous row's row_hash"
        elif row_hash(prev, canonical(rec, encodings, exclude)) != stored:
            problem = "row_hash does not match the row's content"
        elif "balance_after" in rec:
            amount, after = Decimal(rec["amount"] or "0"), Decimal(rec["balance_after"] or "0")
            start = Decimal(0) if seq == 1 else balance
            if start is not None and _EXACT.add(start, amount) != after:
                problem = "balance_after breaks continuity"
            balance = after
        if problem:
            report.fail(f"{where}: {problem}")
            broken.add(chain)
            continue
        state[chain] = (seq, stored, balance, count + 1)
    for chain, want in sorted(chains.items()):
        if chain in broken:
            continue
        got = state.get(chain)
        if got is None:
            report.fail(f"{name}: chain {chain}: no rows, the manifest lists {want['rows']}")
        elif (got[0], got[1].hex(), got[3]) != (want["last_seq"], unhex(want["end_hash"]).hex(), want["rows"]):
            report.fail(f"{name}: chain {chain}: ends at seq {got[0]} after {got[3]} rows, the manifest says seq"
                        f" {want['last_seq']} after {want['rows']} rows with end hash {want['end_hash']}"
                        " (rows deleted or added at the end)")
    return rows


def verify_double_entry(transactions: list[dict[str, str | None]], postings: list[dict[str, str | None]],
                        report: Report) -> int:
    """Each transaction's postings sum to zero per currency and number its legs; returns how many balance."""
    legs: dict[int, list[dict[str, str | None]]] = {}
    for p in postings:
        legs.setdefault(int(p["tx_seq"] or 0), []).append(p)
    balanced = 0
    for tx in transactions:
        seq = int(tx["seq"] or 0)
        mine = legs.pop(seq, [])
        sums: dict[str, Decimal] = {}
        for p in mine:
            sums[str(p["currency"])] = _EXACT.add(sums.get(str(p["currency"]), Decimal(0)), Decimal(p["amount"] or 0))
        off = {c: s for c, s in sorted(sums.items()) if s != 0}
        if len(mine) != int(tx["legs"] or 0):
            report.fail(f"ledger.posting.csv: transaction tx_seq {seq}: {len(mine)} postings, its header says"
                        f" {tx['legs']} legs")
        elif off:
            report.fail(f"ledger.posting.csv: transaction tx_seq {seq}: postings do not balance: "
                        + ", ".join(f"{c} sums to {s}" for c, s in off.items()))
        else:
            balanced += 1
    for seq in sorted(legs):
        report.fail(f"ledger.posting.csv: tx_seq {seq}: postings of a transaction not in ledger.transaction.csv")
    return balanced


def verify_heads(directory: Path, manifest: dict[str, Any], report: Report) -> None:
    """The exported chains against the database's chain heads at export time (``chain_heads.csv``)."""
    heads = {str(r["chain"]): (int(r["seq"] or 0), unhex(r["head_hash"])) for _, r in
             _records(directory / "chain_heads.csv")}
    to_head = manifest["range"].get("to") is None
    for name, meta in sorted(manifest["files"].items()):
        for chain, c in sorted(meta.get("chains", {}).items()):
            seq, head = heads.get(chain, (0, GENESIS))
            if c["last_seq"] > seq:
                report.fail(f"{name}: chain {chain}: exported up to seq {c['last_seq']}, past its head {seq}")
            elif c["last_seq"] == seq and unhex(c["end_hash"]) != head:
                report.fail(f"{name}: chain {chain}: seq {seq} is not the chain head of chain_heads.csv")
            elif to_head and c["last_seq"] < seq:
                report.fail(f"{name}: chain {chain}: the export stops at seq {c['last_seq']}, the head is {seq}")


def verify_anchors(directory: Path, manifest: dict[str, Any], rows: dict[str, list[dict[str, str | None]]],
                   report: Report) -> int:
    """The exported chains against the heads of the book's latest anchor in range (``anchors.csv``: the signed
    checkpoint the database took at an hour close, the export's names). A plain hash chain cannot tell that its
    newest rows were deleted; an anchor can: each anchored head within a chain's exported rows must be that row's
    ``row_hash``, and a head past the chain's last exported row (or of a chain with no exported row, when the
    export starts at genesis) names rows the export lacks. A head before the exported rows is outside the range
    and not checked. The anchor's HMAC is not checked here (it needs the operator's key: ``predator verify
    --anchors``). Returns how many heads matched."""
    spans: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}   # chain -> (file, file meta, chain meta)
    for name, meta in manifest["files"].items():
        for chain, c in meta.get("chains", {}).items():
            spans[chain] = (name, meta, c)
    from_genesis = manifest["range"].get("from") is None
    matched = 0
    for line, rec in _records(directory / "anchors.csv"):
        chain, seq, head = str(rec["chain"]), int(rec["seq"] or 0), str(rec["head"] or "")
        where = f"anchors.csv line {line}: anchor {rec['anchor_seq']} of {rec['hour']}, chain {chain} seq {seq}"
        if chain not in spans:
            if from_genesis and seq > 0:
                report.fail(f"{where}: the export holds no row of this chain (rows deleted?)")
            continue
        name, meta, c = spans[chain]
        if seq < c["first_seq"]:
            continue
        if seq > c["last_seq"]:
            report.fail(f"{where}: the export stops at seq {c['last_seq']} (the newest rows deleted?)")
            continue
        key = meta.get("chain_key", ())
        found = next((r for r in rows.get(meta["table"], [])
                      if int(r["seq"] or 0) == seq
                      and ":".join([meta["table"], *(str(r[k]) for k in key)]) == chain), None)
        if found is None or unhex(found["row_hash"]).hex() != head:
            report.fail(f"{where}: {name} row seq {seq} is not the anchored row (hash {head})")
            continue
        matched += 1
    return matched


def verify_manifest(directory: Path, manifest: dict[str, Any], report: Report) -> None:
    files = manifest["files"]
    present = {p.name for p in directory.iterdir() if p.is_file()} - {"manifest.json"}
    for name in sorted(present - set(files)):
        report.fail(f"manifest: {name} is not listed in manifest.json")
    for name, meta in sorted(files.items()):
        path = directory / name
        if not path.is_file():
            report.fail(f"manifest: {name} is missing")
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta["sha256"]:
            report.fail(f"manifest: the sha256 of {name} is not the manifest's")
        if "rows" in meta:
            try:
                count = len(read_csv(data.decode("utf-8"))) - 1
            except ValueError as e:
                report.fail(f"manifest: {name} is not readable CSV: {e}")
                continue
            if count != meta["rows"]:
                report.fail(f"manifest: {name} has {count} rows, the manifest lists {meta['rows']}")


def verify(directory: Path) -> Report:
    """Every check of an export directory; the report's problems are empty when it verifies."""
    report = Report()
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError(f"manifest.json is not a {FORMAT} manifest")
    verify_manifest(directory, manifest, report)
    rows: dict[str, list[dict[str, str | None]]] = {}
    chains = total = 0
    for name, meta in sorted(manifest["files"].items()):
        if meta.get("kind") == "chain" and (directory / name).is_file():
            try:
                rows[meta["table"]] = verify_chain_file(directory, name, meta, report)
            except (ValueError, KeyError, ArithmeticError) as e:
                report.fail(f"{name}: unreadable: {e!r}")
                continue
            chains += len(meta["chains"])
            total += len(rows[meta["table"]])
    balanced = 0
    try:
        balanced = verify_double_entry(rows.get("ledger.transaction", []), rows.get("ledger.posting", []), report)
        if (directory / "chain_heads.csv").is_file():
            verify_heads(directory, manifest, report)
        if (directory / "anchors.csv").is_file():
            anchored = verify_anchors(directory, manifest, rows, report)
            report.notes.append(f"{anchored} anchored heads matched the exported rows")
    except (ValueError, KeyError, ArithmeticError) as e:
        report.fail(f"unreadable: {e!r}")
    report.notes.append(f"{total} rows in {chains} chains, {balanced} journal transactions balanced,"
                        f" manifest sha256 {hashlib.sha256((directory / 'manifest.json').read_bytes()).hexdigest()}")
    return report


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: predator-verify DIR  (an export of `predator audit export`; docs/audit.md)", file=sys.stderr)
        return 2
    directory = Path(args[0])
    try:
        report = verify(directory)
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {directory} is not a readable audit export: {e}", file=sys.stderr)
        return 2
    for line in report.problems:
        print(f"BROKEN {line}")
    for line in report.notes:
        print(line)
    print(f"PREDATOR-VERIFY: {'FAIL' if report.problems else 'PASS'}"
          + (f" ({len(report.problems)} problems)" if report.problems else ""))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
