"""Schema ml: the statistical foundation of the model lane (issue 19). The schema only; its functions (PSR, DSR,
MinTRL, PBO by CSCV, the standard normal CDF and its inverse) are current definitions under sql/ml/functions,
re-applied on every migrate.

Revision ID: 0042
Revises: 0041
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0042_ml_stats.up.sql")


def downgrade() -> None:
    run_sql_file("0042_ml_stats.down.sql")
