-- grants/70_risk_state.sql — privileges of the risk-state routines (issue 13): the worker reports order-state
-- confusion (a venue event the order state machine refused), which halts the book.
GRANT EXECUTE ON FUNCTION
    api.record_order_confusion(text, text, timestamptz, text)
TO predator_worker;
-- The operator releases a risk state held for an operator (a paper drawdown_halt_tier, a strategy's drawdown,
-- a live lane's strategy daily loss, a strategy's kill).
GRANT EXECUTE ON FUNCTION
    api.resume_reducing(text, text, text)
TO predator_operator;
