"""Treasury and self-financing (issue 15): treasury ledger accounts per book (principal, realized_pnl,
fee_expense, ops_cost, reserve, operations, treasury), declared operating costs (ledger.operating_cost),
the self-financing status per UTC day and rolling window (portfolio.treasury_status), transfers to the
operations bucket (ledger.treasury_transfer) and the treasury limits of a risk profile.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0022_treasury.up.sql")


def downgrade() -> None:
    run_sql_file("0022_treasury.down.sql")
