-- grants/10_market.sql — privileges of the market-data procedures (docs/market_data.md). The worker runs
-- the data procedures (api.load_candles is granted in 00_core.sql); the auditor runs the read routines and
-- reads the api views (00_core.sql grants SELECT on every api view), and writes nothing.
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
