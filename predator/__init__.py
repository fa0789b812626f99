"""Predator: a database-enforced trading core for crypto spot markets.

The database (PostgreSQL) is the authority: every invariant lives in constraints, triggers and governed
procedures in schema ``api``. This package is the thin layer around it: the embedded cluster, migrations,
the typed gateway, market data loading, strategies, venues, the hour runner, reports and the CLI.
"""

from __future__ import annotations

__version__ = "0.1.0"
