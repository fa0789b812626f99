-- api.begin_candle_load() -> uuid
-- Worker. A fresh, unguessable load key (a random UUID): the caller stages its lines under it in
-- market.candle_stage (COPY market.candle_stage (load_key, raw) FROM STDIN; the worker may only INSERT
-- there, and cannot read or change anybody's rows) and passes it to api.load_candles in the same
-- transaction, which reads the rows of that key alone and deletes them.
-- Raises nothing. Tables: none.
CREATE OR REPLACE FUNCTION api.begin_candle_load()
RETURNS uuid
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
    SELECT pg_catalog.gen_random_uuid()
$$;

COMMENT ON FUNCTION api.begin_candle_load() IS
'Worker: a fresh random load key; stage the lines under it with COPY market.candle_stage (load_key, raw) FROM STDIN (the worker may only insert there) and pass it to api.load_candles in the same transaction.';
