"""Progress of long steps (paper, replay, demo, a candle load) on any output.

On a terminal a :mod:`tqdm` bar; anywhere else (a log file, a pipe, CI) one plain line on stderr every
``every_pct`` percent (10 by default, ``PREDATOR_PROGRESS_PCT`` to change it), e.g.
``paper demo: 30% (2628/8761 h) 2023-04-20``, so that a three-minute step does not print nothing in a log.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, TextIO

#: Default step of the plain progress lines, in percent.
EVERY_PCT = 10


def _every_pct() -> int:
    try:
        value = int(os.environ.get("PREDATOR_PROGRESS_PCT", EVERY_PCT))
    except ValueError:
        return EVERY_PCT
    return min(max(value, 1), 100)


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"  # pragma: no cover


class Progress:
    """Progress over ``total`` units (``unit`` ``h`` for hours, ``B`` for bytes). ``tty`` None: a bar when
    ``stream`` (default stderr) is a terminal, plain lines otherwise. ``enabled`` False: silent.
    Use as a context manager or call :meth:`close`."""

    def __init__(self, total: float, desc: str, unit: str = "h", *, stream: TextIO | None = None,
                 tty: bool | None = None, enabled: bool = True, every_pct: int | None = None) -> None:
        self.total = total
        self.desc = desc
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and total > 0
        self.done = 0.0
        self.note = ""
        self.every = every_pct if every_pct is not None else _every_pct()
        self._next = self.every
        self._bar: Any = None
        self._lock = threading.Lock()  # a parallel load reports from several threads
        is_tty = tty if tty is not None else bool(getattr(self.stream, "isatty", lambda: False)())
        if self.enabled and is_tty:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=unit, unit_scale=unit == "B", desc=desc, dynamic_ncols=True,
                             leave=False, file=self.stream)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _amount(self, n: float) -> str:
        return _size(n) if self.unit == "B" else f"{n:.0f}"

    def update(self, n: float = 1, note: str | None = None) -> None:
        """``n`` more units done; ``note`` (e.g. the current day) replaces the previous one."""
        if not self.enabled:
            return
        with self._lock:
            self._update(n, note)

    def _update(self, n: float, note: str | None) -> None:
        self.done += n
        if note is not None:
            self.note = note
        if self._bar is not None:
            self._bar.update(n)
            if note is not None:
                self._bar.set_postfix_str(note, refresh=False)
            return
        pct = int(self.done * 100 // self.total)
        if pct >= self._next:
            self._next = (pct // self.every + 1) * self.every
            unit = "" if self.unit == "B" else f" {self.unit}"
            line = f"{self.desc}: {pct}% ({self._amount(self.done)}/{self._amount(self.total)}{unit})"
            self.stream.write(line + (f" {self.note}" if self.note else "") + "\n")
            self.stream.flush()

    def write(self, line: str, file: TextIO | None = None) -> None:
        """Print a line without breaking the bar (to ``file``, default stdout)."""
        out = file if file is not None else sys.stdout
        if self._bar is not None:
            from tqdm import tqdm

            tqdm.write(line, file=out)
        else:
            out.write(line + "\n")
            out.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
