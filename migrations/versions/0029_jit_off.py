"""No JIT in the Predator database (docs/operations.md "JIT"): the planner's estimates over set-returning
functions (1000 rows each by default) pass jit_above_cost, and LLVM then compiled the hour close's valuation on
every call (7.8 s instead of 2 ms). The embedded cluster sets ``jit = off`` in its configuration; this makes
it the database's own default on any server (``ALTER DATABASE … SET jit = off``, effective for new sessions).

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0029_jit_off.up.sql")


def downgrade() -> None:
    run_sql_file("0029_jit_off.down.sql")
