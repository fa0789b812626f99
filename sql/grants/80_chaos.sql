-- grants/80_chaos.sql — chaos campaigns (issue 14): the operator records a campaign run.
GRANT EXECUTE ON FUNCTION
    api.record_chaos_campaign(text, jsonb, jsonb, text)
TO predator_operator;
