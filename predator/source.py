"""Which code is running: the git commit of the checkout this package runs from (one definition for the audit
export, the model registry's code version and the benchmarks' reports).

Shapes: :func:`commit` returns the full 40-hex commit or None outside a git checkout (or without git);
:func:`label` returns a printable label: the commit (``short``: abbreviated), `` (with uncommitted changes)`` when
tracked files differ from it, or ``unknown``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

#: The package directory: git is asked about the checkout that holds it, whatever the working directory.
_HERE = Path(__file__).resolve().parent


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(_HERE), *args], capture_output=True, text=True, check=True,
                          timeout=30).stdout.strip()


def commit() -> str | None:
    """The git commit (40 hex digits) of the checkout this package runs from, or None outside one."""
    try:
        return _git("rev-parse", "HEAD") or None
    except (OSError, subprocess.SubprocessError):
        return None


def label(*, short: bool = False) -> str:
    """The commit as a report prints it: abbreviated when ``short``, with `` (with uncommitted changes)`` when
    tracked files differ from it; ``unknown`` outside a git checkout."""
    try:
        head = _git("rev-parse", "--short", "HEAD") if short else _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")
