-- grants/10_market.sql — privileges of the market-data procedures (docs/market_data.md). The worker runs
-- the data procedures (api.begin_candle_load and api.load_candles are granted in 00_core.sql); the auditor
-- runs the read routines and reads the api views (00_core.sql grants SELECT on every api view), and writes
-- nothing.
GRANT EXECUTE ON FUNCTION
    api.upsert_instruments(text, jsonb, text),
    api.feed_status(timestamptz, text, text),
    api.candle_gaps(text, text, text, timestamptz, timestamptz),
    api.dataset_hash(text, text[], text, timestamptz, timestamptz),
    api.resample_candles(text, text, text, text, timestamptz, timestamptz)
TO predator_worker;

GRANT EXECUTE ON FUNCTION
    api.feed_status(timestamptz, text, text),
    api.candle_gaps(text, text, text, timestamptz, timestamptz),
    api.dataset_hash(text, text[], text, timestamptz, timestamptz),
    api.resample_candles(text, text, text, text, timestamptz, timestamptz)
TO predator_auditor;

-- The load inbox: the worker stages lines for api.load_candles by INSERT (COPY ... FROM STDIN) of
-- (load_key, raw) into market.candle_stage, and may do nothing else there (no SELECT, UPDATE, DELETE or
-- TRUNCATE: it cannot read or change another load's lines); USAGE on market names that one table, every
-- other market table and routine stays closed to it.
GRANT USAGE ON SCHEMA market TO predator_worker;
GRANT INSERT (load_key, raw) ON market.candle_stage TO predator_worker;
