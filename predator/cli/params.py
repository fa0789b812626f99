"""Parameter types and checks shared by the commands: numbers that must be finite and within a range, refused by
click with a usage error (exit 2) naming the option, before anything is read or written (docs/cli.md, "Exit
codes"); output paths that must be writable and input files that must be UTF-8 text (ConfigurationError, exit 2).

click's own :class:`click.FloatRange` lets NaN through (every comparison with NaN is false) and has no Decimal
form; these refuse NaN and ±Infinity in any spelling and say which bound was crossed."""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from predator.errors import ConfigurationError


def _bounds(low: Decimal | None, low_open: bool, high: Decimal | None, high_open: bool) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high}")
    return " and ".join(parts)


class FiniteNumber(click.ParamType[Any]):
    """A finite number (``Decimal``, or ``float`` with ``as_float``) within ``[low, high]`` (an open end with
    ``low_open``/``high_open``; None: unbounded). NaN, ±Infinity and values out of range are usage errors."""

    def __init__(self, low: float | Decimal | None = None, high: float | Decimal | None = None, *,
                 low_open: bool = False, high_open: bool = False, as_float: bool = False) -> None:
        self.low = None if low is None else Decimal(str(low))
        self.high = None if high is None else Decimal(str(high))
        self.low_open = low_open
        self.high_open = high_open
        self.as_float = as_float
        self.name = "float" if as_float else "decimal"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return "NUMBER"

    def __repr__(self) -> str:
        return f"FiniteNumber({_bounds(self.low, self.low_open, self.high, self.high_open) or 'any'})"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        bounds = _bounds(self.low, self.low_open, self.high, self.high_open)
        if not number.is_finite():
            self.fail(f"{value} is not a finite number; give one{' ' + bounds if bounds else ''}", param, ctx)
        if ((self.low is not None and (number < self.low or (self.low_open and number == self.low)))
                or (self.high is not None and (number > self.high or (self.high_open and number == self.high)))):
            self.fail(f"{value} is out of range; give a number {bounds}", param, ctx)
        if self.as_float:
            return float(number)
        return number


#: A finite Decimal >= 0 (fees, slippage, impact in basis points).
NON_NEGATIVE = FiniteNumber(0)
#: A finite Decimal > 0 (a principal).
POSITIVE = FiniteNumber(0, low_open=True)


def finite_float(low: float | None = None, high: float | None = None, *, low_open: bool = False,
                 high_open: bool = False) -> FiniteNumber:
    """A finite ``float`` within the bounds (see :class:`FiniteNumber`)."""
    return FiniteNumber(low, high, low_open=low_open, high_open=high_open, as_float=True)


def writable_dir(path: Path, option: str = "--out") -> Path:
    """``path`` as a directory this process can write into (created with its parents when missing), else a
    ConfigurationError (exit 2) saying why and to choose another ``option``: a parent that is a file, a
    read-only or missing mount, no permission."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigurationError(f"cannot write to {path}: {e.strerror or e}; choose another {option}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigurationError(f"cannot write to {path}: permission denied; choose another {option}")
    return path


def writable_file(path: Path, option: str = "--out") -> Path:
    """``path`` as a file this process can create or replace (its directory created when missing), else a
    ConfigurationError (exit 2), as :func:`writable_dir`."""
    if path.is_dir():
        raise ConfigurationError(f"cannot write to {path}: it is a directory; name a file with {option}")
    writable_dir(path.parent, option)
    return path

