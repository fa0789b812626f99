"""Separate least-privilege login roles; the group roles no longer log in.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0008_login_roles.up.sql")


def downgrade() -> None:
    run_sql_file("0008_login_roles.down.sql")
