"""Multi-currency books (issue 13 item 6) and one definition of equity (issue 17 item 1): the quote currencies an
operator enables per book (trading.book_currency) and the valuation an hour close used
(portfolio.hourly_state.valuation: cash per currency and the conversion rates with their pair and bar).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0019_multi_currency.up.sql")


def downgrade() -> None:
    run_sql_file("0019_multi_currency.down.sql")
