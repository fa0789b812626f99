"""Paths and settings, resolved from the environment.

* ``PREDATOR_DSN`` — libpq connection string of an existing server (superuser for migrations); when unset
  the embedded cluster under ``PREDATOR_HOME`` is used.
* ``PREDATOR_HOME`` — where the embedded cluster and scratch files live (default ``.predator`` in the source
  checkout, whatever the working directory; ``./.predator`` when Predator runs from an installed package).
* ``PREDATOR_DATA`` — the shared market data (default ``../shared/data`` from the project root).
* ``PREDATOR_PG_BIN`` — directory of PostgreSQL server binaries (default: discovered).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the source tree (holds sql/, migrations/, validations/).
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def home() -> Path:
    """Directory of the embedded cluster and scratch files: ``PREDATOR_HOME``, else ``.predator`` in the
    source checkout (so every command of a checkout shares one cluster, from any directory), else
    ``./.predator``."""
    value = os.environ.get("PREDATOR_HOME")
    if value:
        return Path(value).resolve()
    if (PROJECT_ROOT / "pyproject.toml").exists():
        return PROJECT_ROOT / ".predator"
    return (Path.cwd() / ".predator").resolve()


def data_dir() -> Path:
    """The shared market data directory (``PREDATOR_DATA`` or ``<project>/../shared/data``)."""
    value = os.environ.get("PREDATOR_DATA")
    return Path(value).resolve() if value else (PROJECT_ROOT.parent / "shared" / "data").resolve()


def external_dsn() -> str | None:
    """The ``PREDATOR_DSN`` of an existing server, or None for the embedded cluster."""
    value = os.environ.get("PREDATOR_DSN", "").strip()
    return value or None


DATABASE_NAME = "predator"


DEMO_SYMBOLS: tuple[str, ...] = (
    "BTC/USDT",
    "ETH/USDT",
    "BNB/USDT",
    "XRP/USDT",
    "SOL/USDT",
    "ADA/USDT",
    "LINK/USDT",
    "LTC/USDT",
    "DOT/USDT",
    "TRX/USDT",
)
"""The ten ccxt unified symbols of the demo's paper year, which ``bench/pipeline.py`` also runs."""
