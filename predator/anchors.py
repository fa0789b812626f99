"""Anchored chains, the file side: the export the operator keeps where it chooses, and the verification report.

The export (``predator audit anchor export``) is JSON lines, one anchor a line, ordered by (book, seq), keys
sorted, no spaces: two exports of the same database are byte-identical, and a later export extends an earlier
one line for line. ``predator verify --anchors FILE`` reads it back and lets the database check it
(:func:`predator.db.anchors.verify`). The SQL runs in :mod:`predator.db.anchors`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from predator.db.anchors import AnchorProblem

#: The fields of an exported anchor line.
FIELDS = frozenset({"book_id", "seq", "kind", "hour", "heads", "key_id", "prev_signature", "signature"})


class BadAnchorFile(ValueError):
    """The file is not an anchor export (the message names the line)."""


def write(path: Path, anchors: list[dict[str, Any]]) -> None:
    """Write ``anchors`` as JSON lines to ``path`` atomically (a temporary file beside it, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for a in anchors:
            f.write(json.dumps(a, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


def read(path: Path) -> list[dict[str, Any]]:
    """The anchors of an export, in file order. Raises :class:`BadAnchorFile` on a line that is not a JSON
    object with the anchor fields."""
    anchors: list[dict[str, Any]] = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise BadAnchorFile(f"{path}: not a text file (UTF-8: {e.reason} at byte {e.start}); give an anchor export "
                            "(predator audit anchor export)") from None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise BadAnchorFile(f"{path}:{n}: not JSON ({e.msg})") from e
        if not isinstance(obj, dict) or not obj.keys() >= FIELDS:
            raise BadAnchorFile(f"{path}:{n}: not an anchor (needs {', '.join(sorted(FIELDS))})")
        anchors.append(obj)
    return anchors


@dataclass(frozen=True)
class AnchorVerification:
    """What ``api.verify_anchors`` found for an export of ``anchors`` anchors covering ``chains`` chains."""

    anchors: int
    chains: int
    problems: list[AnchorProblem]

    @property
    def ok(self) -> bool:
        return not any(p.breaks for p in self.problems)


def chains_covered(anchors: list[dict[str, Any]]) -> int:
    """How many distinct chains the anchors name."""
    return len({h.get("chain") for a in anchors for h in (a.get("heads") or []) if isinstance(h, dict)})


def report(v: AnchorVerification) -> str:
    """One line per problem (``ANCHOR BROKEN`` or ``ANCHOR NOT TRUSTED``) then ``ANCHORS: OK (n anchors, m
    chains)`` or ``ANCHORS: FAIL (k problems)``."""
    lines = [f"ANCHOR {'BROKEN' if p.breaks else 'NOT TRUSTED'} {p.subject}"
             + (f" seq={p.seq}" if p.seq is not None else "") + f": {p.problem}" for p in v.problems]
    broken = sum(1 for p in v.problems if p.breaks)
    covered = f"{v.anchors} anchors, {v.chains} chains"
    lines.append(f"ANCHORS: OK ({covered})" if v.ok
                 else f"ANCHORS: FAIL ({broken} problem{'s' if broken != 1 else ''}; {covered})")
    return "\n".join(lines)
