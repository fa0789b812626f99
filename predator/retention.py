"""Retention of the files Predator writes (issue 17 item 9; docs/recovery.md, "Retention").

Three classes of file, each kept for the days of its operator setting (``api.set_setting``; 0 = for ever):

* **logs** (``retention_log_days``): the JSON log (``PREDATOR_LOG``, else ``PREDATOR_HOME/logs/predator.jsonl``)
  and the files retention rotated out of it (``predator.jsonl.<UTC time>``). A rotated file is deleted once its
  last write is older than the retention; the live log is deleted when nothing was written to it since, and
  rotated (renamed, so a writer reopens a new one: ``logging.handlers.WatchedFileHandler``) when it holds lines
  older than the retention beside newer ones. A log line is so kept at least the retention, and deleted at
  the first ``apply`` after the newest line of its file is that old. A log that is not a regular file
  (``PREDATOR_LOG=/dev/null``) is left alone.
* **reports** (``retention_report_days``): every entry of ``PREDATOR_HOME/reports`` (a report file, or a directory
  by its newest file) whose last write is older.
* **chaos** (``retention_chaos_days``): every entry of ``PREDATOR_HOME/chaos`` (a campaign's plan, its worker
  log) whose newest file is older.

Predator writes no feature cache and no model artefact to disk today (features are recomputed per run in
memory; there is no model registry on disk), so there is nothing of those kinds to keep or delete; a class is
added here with its setting when one appears.

Nothing else is ever a candidate: not the cluster's data (``PREDATOR_HOME/pg``), not the secrets, not backups,
and never a row of the database. The journal and every chained table are append-only in the database
(UPDATE, DELETE and TRUNCATE are refused by their triggers, and no login role holds DELETE on them); this
module issues no SQL and reads only the settings (:mod:`predator.db.retention_reads`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from predator import config
from predator.db.retention_reads import RetentionSetting


@dataclass(frozen=True)
class Candidate:
    """One file or directory retention would remove (``delete``) or rotate (``rotate``: the live log renamed to
    ``rotated_to``), with its class, size, last write and why."""

    path: Path
    kind: str
    action: str
    size: int
    newest: datetime
    reason: str
    rotated_to: Path | None = None

    def describe(self) -> str:
        what = f"rotate {self.path} -> {self.rotated_to}" if self.action == "rotate" else f"delete {self.path}"
        return f"{what} ({self.kind}, {self.size} bytes, last written {self.newest.isoformat()}): {self.reason}"


def log_path(home: Path | None = None) -> Path:
    """The live JSON log file (``PREDATOR_LOG`` or ``PREDATOR_HOME/logs/predator.jsonl``)."""
    return Path(os.environ.get("PREDATOR_LOG") or ((home or config.home()) / "logs" / "predator.jsonl"))


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.lstat().st_mtime, tz=UTC)


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _tree(path: Path) -> tuple[int, datetime]:
    """Size and newest write of a file, or of the files under a directory (symlinks not followed)."""
    if not path.is_dir() or path.is_symlink():
        return path.lstat().st_size, _mtime(path)
    size, newest = 0, None
    for root, _dirs, files in os.walk(path, followlinks=False):
        for name in files:
            st = (Path(root) / name).lstat()
            size += st.st_size
            t = datetime.fromtimestamp(st.st_mtime, tz=UTC)
            newest = t if newest is None or t > newest else newest
    return size, newest or _mtime(path)   # an empty directory: its own last change


def _first_line_time(path: Path) -> datetime | None:
    """The ``timestamp`` of the file's first JSON line (None when unreadable)."""
    import json

    try:
        with path.open("r", errors="replace") as f:
            line = f.readline()
        value = json.loads(line).get("timestamp")
        ts = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return ts if ts.tzinfo else ts.replace(tzinfo=UTC)
    except (OSError, ValueError, AttributeError):
        return None


def _log_candidates(live: Path, days: int, now: datetime) -> list[Candidate]:
    if not _regular(live):
        return []
    cutoff = now - timedelta(days=days)
    why = f"older than retention_log_days = {days}"
    out = []
    for rotated in sorted(live.parent.glob(live.name + ".*")):
        if _regular(rotated) and _mtime(rotated) < cutoff:
            out.append(Candidate(rotated, "logs", "delete", rotated.stat().st_size, _mtime(rotated),
                                 f"rotated log, last line {why}"))
    newest = _mtime(live)
    if newest < cutoff:
        out.append(Candidate(live, "logs", "delete", live.stat().st_size, newest, f"nothing logged since: {why}"))
    else:
        first = _first_line_time(live)
        if first is not None and first < cutoff:
            to = live.with_name(f"{live.name}.{now.strftime('%Y%m%dT%H%M%SZ')}")
            out.append(Candidate(live, "logs", "rotate", live.stat().st_size, newest,
                                 f"its first lines are {why}: rotated now, deleted once its last line is", to))
    return out


def _dir_candidates(kind: str, setting: str, root: Path, days: int, now: datetime) -> list[Candidate]:
    if not root.is_dir() or root.is_symlink():
        return []
    cutoff = now - timedelta(days=days)
    out = []
    for entry in sorted(root.iterdir()):
        if entry.is_symlink():
            continue
        size, newest = _tree(entry)
        if newest < cutoff:
            out.append(Candidate(entry, kind, "delete", size, newest, f"older than {setting} = {days}"))
    return out


def plan(settings: list[RetentionSetting], now: datetime, home: Path | None = None,
         log: Path | None = None) -> list[Candidate]:
    """What :func:`apply` would do at ``now`` under ``settings`` (a class whose days are 0 is kept for ever), for
    the files of ``home`` (default ``PREDATOR_HOME``) and the log ``log`` (default :func:`log_path`)."""
    days = {s.kind: s.days for s in settings}
    home = home or config.home()
    out: list[Candidate] = []
    if days.get("logs", 0) > 0:
        out += _log_candidates(log or log_path(home), days["logs"], now)
    if days.get("reports", 0) > 0:
        out += _dir_candidates("reports", "retention_report_days", home / "reports", days["reports"], now)
    if days.get("chaos", 0) > 0:
        out += _dir_candidates("chaos", "retention_chaos_days", home / "chaos", days["chaos"], now)
    return out


def apply(candidates: list[Candidate]) -> list[Candidate]:
    """Carry out ``candidates`` (from :func:`plan`): delete or rotate each one still there; returns those done."""
    done = []
    for c in candidates:
        if not c.path.exists() or c.path.is_symlink():
            continue
        if c.action == "rotate" and c.rotated_to is not None:
            c.path.rename(c.rotated_to)
        elif c.path.is_dir():
            shutil.rmtree(c.path)
        else:
            c.path.unlink()
        done.append(c)
    return done
