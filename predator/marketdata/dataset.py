"""The dataset hash, reproduced outside the database.

``api.dataset_hash`` is the reference; :func:`dataset_hash_of` computes the same sha256 from bars held in
Python (for example read straight from the candle files), so that a dataset can be checked against the
files it was loaded from, and the canonical form stays documented by code:

* per symbol: sha256 of ``"<epoch seconds>,<open>,<high>,<low>,<close>,<volume>\\n"`` per bar in time
  order, numbers as exact decimals without exponent or trailing zeros (PostgreSQL ``trim_scale``);
* dataset: sha256 of ``"predator-dataset/v1|<venue>|<interval>|<from epoch>|<to epoch>\\n"`` followed by
  ``"<symbol>|<bars>|<symbol sha256 hex>\\n"`` per requested symbol in byte order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal

Bar = tuple[datetime, Decimal, Decimal, Decimal, Decimal, Decimal]


def canonical_number(value: Decimal | str) -> str:
    """A decimal as ``trim_scale(numeric)::text`` prints it: no exponent, no trailing fractional zeros."""
    d = Decimal(value)
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def _epoch(ts: datetime) -> int:
    return int(ts.astimezone(UTC).timestamp())


def symbol_digest(bars: Iterable[Bar]) -> tuple[int, str]:
    """(number of bars, sha256 hex) of one symbol's bars, in time order."""
    h = hashlib.sha256()
    n = 0
    for ts, o, hi, lo, c, v in sorted(bars, key=lambda b: b[0]):
        h.update(f"{_epoch(ts)},{canonical_number(o)},{canonical_number(hi)},{canonical_number(lo)},"
                 f"{canonical_number(c)},{canonical_number(v)}\n".encode())
        n += 1
    return n, h.hexdigest()


def dataset_hash_of(venue: str, interval: str, start: datetime, end: datetime,
                    bars_by_symbol: Mapping[str, Iterable[Bar]]) -> str:
    """The dataset hash of ``bars_by_symbol`` restricted to open times in [start, end)."""
    lines = [f"predator-dataset/v1|{venue}|{interval}|{_epoch(start)}|{_epoch(end)}\n"]
    for symbol in sorted(bars_by_symbol, key=lambda s: s.encode()):
        n, digest = symbol_digest(b for b in bars_by_symbol[symbol] if start <= b[0] < end)
        lines.append(f"{symbol}|{n}|{digest}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()
