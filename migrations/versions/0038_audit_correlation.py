"""Correlation ids in the audit log (issue 16 item 7): ops.audit_log.correlation_id from the session's
predator.correlation_id, advisory metadata joining audit rows and log lines.

Revision ID: 0038
Revises: 0037
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0038_audit_correlation.up.sql")


def downgrade() -> None:
    run_sql_file("0038_audit_correlation.down.sql")
