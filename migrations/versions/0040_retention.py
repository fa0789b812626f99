"""Retention of Predator's files (issue 17 item 9): the operator settings retention_log_days,
retention_report_days and retention_chaos_days (ops.setting, api.set_setting) that `predator retention show|apply`
read. The database's own rows are never deleted by retention. Also drops the redundant foreign key
ops.incident_update.update_has_incident, which maps a column other than the book's onto the book (the schema
distributable by book, issue 17 item 8).

Revision ID: 0040
Revises: 0038
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0040_retention.up.sql")


def downgrade() -> None:
    run_sql_file("0040_retention.down.sql")
