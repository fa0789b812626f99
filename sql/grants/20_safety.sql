-- grants/20_safety.sql — privileges of the safety procedures (reconciliation, incidents, breakers, kill switch).
GRANT EXECUTE ON FUNCTION
    api.reconcile(text, timestamptz, jsonb, text[], text, numeric)
TO predator_worker;
