-- grants/40_hour_knowledge.sql — what each hour of a sync-fed run knew (migration 0010). The worker records
-- it in the transaction that closes the hour and reads the bars it names (in full, or what changed since its
-- previous hour: api.candles_known_since); the auditor reads them. The views
-- (api.hour_knowledge, api.candle_revisions) are readable by every role through 00_core.sql.
GRANT EXECUTE ON FUNCTION
    api.record_hour_knowledge(text, timestamptz, text[], text),
    api.candles_known(text, text, text, timestamptz, timestamptz, bigint),
    api.candles_known_since(text, text, text[], bigint[], bigint[], timestamptz, timestamptz, timestamptz)
TO predator_worker;
GRANT EXECUTE ON FUNCTION
    api.candles_known(text, text, text, timestamptz, timestamptz, bigint),
    api.candles_known_since(text, text, text[], bigint[], bigint[], timestamptz, timestamptz, timestamptz)
TO predator_auditor;
