-- risk._sellable(p_qty numeric, p_step numeric) -> numeric
-- What of a free position (base quantity) a venue takes in one sell: p_qty rounded down to a multiple of the
-- instrument's step (market.instrument.step_size, the venue's LOT_SIZE / lot decimals); p_qty itself without a step.
-- The remainder below one step is dust the venue does not take (ccxt's amount_to_precision truncates to the step,
-- https://docs.ccxt.com/#/?id=precision-and-limits). Used by exits (api.submit_signal) and flattens (risk._flatten).
-- Plain SQL without SET clauses, so that the planner inlines it.
CREATE OR REPLACE FUNCTION risk._sellable(p_qty numeric, p_step numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN p_step > 0 THEN floor(p_qty / p_step) * p_step ELSE p_qty END $$;

COMMENT ON FUNCTION risk._sellable(numeric, numeric) IS 'Internal: a free position rounded down to the instrument''s step (base quantity the venue takes in one sell); unchanged without a step.';
