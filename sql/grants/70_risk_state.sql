-- grants/70_risk_state.sql — privileges of the risk-state routines (issue 13): the worker reports order-state
-- confusion (a venue event the order state machine refused), which halts the book.
GRANT EXECUTE ON FUNCTION
    api.record_order_confusion(text, text, timestamptz, text)
TO predator_worker;
