-- grants/70_pools.sql — capital pools and several strategies per book (issue 13 items 1 and 2).
-- The operator sets the lanes' pool policy and the arbitration rule; the auditor may compute a strategy's
-- figures (gate 17).
GRANT EXECUTE ON FUNCTION
    api.set_lane_pool(text, text, boolean, text),
    api.set_arbitration(text, text, text)
TO predator_operator;
GRANT EXECUTE ON FUNCTION
    risk.strategy_figures(integer, text, timestamptz),
    risk.strategies_figures(integer, timestamptz, text[]),  -- the one computation strategy_figures filters
    risk._fill_totals(integer, text[], timestamptz, boolean, bigint, bigint),  -- its sums (from the fill checkpoints)
    risk.pool_enabled(text, text),
    risk.arbitration_rule(text),
    trading._fee_in_quote(text, text, numeric, text, numeric, timestamptz),  -- read helpers strategy_figures uses
    market.marks(text, text[], timestamptz)
TO predator_auditor;
