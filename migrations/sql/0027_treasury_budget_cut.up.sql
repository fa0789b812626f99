-- 0027_treasury_budget_cut.up.sql — the treasury's risk-budget cut (issue 15 item 5, docs/treasury.md "Policy").
--
-- * portfolio.treasury_status.budget_scale: the fraction of the book's risk budget in force after the day close
--   that stored the (rolling) row; NULL when the cut policy is off (treasury_deficit_cut_pct unset). Nullable, so
--   the row hashes of existing rows are unchanged (ops.canonical drops nulls). Read by the admission
--   (risk._treasury_budget from api.submit_signal: reason treasury_budget_cut).
-- * policy_action: budget_cut, entries_halted_budget_cut (both policies acted) and budget_restored.
-- * risk.limit_kind: treasury_deficit_cut_pct (the step) and treasury_budget_floor_pct (the floor).
SET LOCAL ROLE predator_owner;

ALTER TABLE portfolio.treasury_status ADD COLUMN budget_scale numeric
    CONSTRAINT treasury_status_budget_scale_is_fraction CHECK (budget_scale >= 0 AND budget_scale <= 1)
    CONSTRAINT treasury_status_budget_scale_is_finite CHECK (budget_scale > '-Infinity' AND budget_scale < 'Infinity');
COMMENT ON COLUMN portfolio.treasury_status.budget_scale IS 'Fraction of the book''s risk budget (its entry exposure caps; equity for an unset portfolio cap) in force after this close: cut by treasury_deficit_cut_pct on a rolling deficit, floored at treasury_budget_floor_pct, back to 1 when the rolling surplus is not negative. NULL: the cut policy is off (scale 1). Rolling rows only.';

ALTER TABLE portfolio.treasury_status DROP CONSTRAINT treasury_status_action_is_known;
ALTER TABLE portfolio.treasury_status ADD CONSTRAINT treasury_status_action_is_known
    CHECK (policy_action IN ('none', 'transfer_proposed', 'transfer_automatic', 'entries_halted',
                             'budget_cut', 'entries_halted_budget_cut', 'budget_restored'));

INSERT INTO risk.limit_kind (limit_name, allowed_modes, description) VALUES
    ('treasury_deficit_cut_pct', '{pct}', 'A rolling deficit (surplus below -treasury_deficit_tolerance) cuts the book''s risk budget by this many percent of the full budget, at most once per rolling window, with an incident (no cut when unset)'),
    ('treasury_budget_floor_pct', '{pct}', 'The risk budget is never cut below this percent of the full budget (0 when unset)');
