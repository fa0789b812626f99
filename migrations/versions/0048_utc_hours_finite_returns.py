"""Hour alignments truncated in UTC whatever the session's TimeZone, and ml.trial.returns starting at subscript 1
with no NaN or ±Infinity (a review of the authority, 2026-12-06; docs/security.md "Session settings").

Revision ID: 0048
Revises: 0047
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0048"
down_revision = "0047"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0048_utc_hours_finite_returns.up.sql")


def downgrade() -> None:
    run_sql_file("0048_utc_hours_finite_returns.down.sql")
