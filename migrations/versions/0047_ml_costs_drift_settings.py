"""Operator settings of the model lane's costs and drift rule (issue 19 items 3 and 5; docs/ml.md): ml_min_slippage_bps
(the least slippage a model's out-of-sample figures may assume, checked by api.evaluate_promotion) and the retraining
job's drift thresholds ml_drift_psi_threshold, ml_drift_ks_alpha, ml_drift_hit_rate_alpha. Rows of ops.setting with
their shipped defaults, the names admitted by setting_name_is_known and their domains by ml_settings_are_bounded.

Revision ID: 0047
Revises: 0046
"""

from __future__ import annotations

from predator.db.migrate import run_sql_file

revision = "0047"
down_revision = "0046"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file("0047_ml_costs_drift_settings.up.sql")


def downgrade() -> None:
    run_sql_file("0047_ml_costs_drift_settings.down.sql")
