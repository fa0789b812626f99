"""The alerts outbox (issue 16 item 5): ops.alert_outbox, written by AFTER INSERT triggers in the transaction of
each alertable event (halts, the kill switch, breaker trips, risk breaches, withdrawals, a reconciliation turning
dirty, a rolling surplus turning negative); ops.alert_attempt, the notifier's record of every delivery attempt;
the notifier's settings; the predator_notifier group role and its login.

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0030_alerts.up.sql")


def downgrade() -> None:
    run_sql_file("0030_alerts.down.sql")
