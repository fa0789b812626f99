"""Treasury risk-budget cut (issue 15 item 5): a rolling deficit beyond the tolerance cuts the book's risk budget
by a configured step (treasury_deficit_cut_pct, floored at treasury_budget_floor_pct), instead of or besides
halting new entries; the scale in force is stored with the rolling status (portfolio.treasury_status.budget_scale)
and read by the admission (reason treasury_budget_cut).

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0027_treasury_budget_cut.up.sql")


def downgrade() -> None:
    run_sql_file("0027_treasury_budget_cut.down.sql")
