-- grants/60_reference_data.sql — reference data added by the operator (migration 0014): venues and assets,
-- each call audited; the worker stores instruments (api.upsert_instruments, 10_market.sql); every role reads
-- api.assets through 00_core.sql.
GRANT EXECUTE ON FUNCTION
    api.add_venue(text, text, numeric, numeric, text),
    api.add_asset(text, text, text, text)
TO predator_operator;
