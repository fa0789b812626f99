-- grants/90_treasury.sql — treasury and self-financing (issue 15, docs/treasury.md).
-- The operator declares and ends operating costs and approves transfers to the operations bucket; the auditor
-- may compute the figures and accrual rates gate 21 compares with.
GRANT EXECUTE ON FUNCTION
    api.declare_operating_cost(text, text, numeric, text, text, timestamptz, text),
    api.end_operating_cost(text, text, timestamptz, text),
    api.approve_treasury_transfer(text, integer, timestamptz, text)
TO predator_operator;
GRANT EXECUTE ON FUNCTION
    ledger.operating_cost_rate(numeric, text, timestamptz),
    ledger.operating_cost_hours(integer, timestamptz, timestamptz),
    portfolio.treasury_figures(integer, timestamptz, timestamptz),
    portfolio._to_reporting(text, text, text, numeric, timestamptz)
TO predator_auditor;
