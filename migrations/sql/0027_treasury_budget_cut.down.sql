-- 0027_treasury_budget_cut.down.sql — removes the risk-budget cut (its rows' other figures stay).
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE predator_owner;
DELETE FROM risk.limit_setting WHERE limit_name IN ('treasury_deficit_cut_pct', 'treasury_budget_floor_pct');
DELETE FROM risk.limit_kind WHERE limit_name IN ('treasury_deficit_cut_pct', 'treasury_budget_floor_pct');
UPDATE portfolio.treasury_status SET policy_action = 'none', policy_amount = NULL
 WHERE policy_action IN ('budget_cut', 'budget_restored');
UPDATE portfolio.treasury_status SET policy_action = 'entries_halted' WHERE policy_action = 'entries_halted_budget_cut';
ALTER TABLE portfolio.treasury_status DROP CONSTRAINT treasury_status_action_is_known;
ALTER TABLE portfolio.treasury_status ADD CONSTRAINT treasury_status_action_is_known
    CHECK (policy_action IN ('none', 'transfer_proposed', 'transfer_automatic', 'entries_halted'));
ALTER TABLE portfolio.treasury_status DROP COLUMN budget_scale;
