-- market._try_timestamptz(p_text text) -> timestamptz | NULL
-- market._try_numeric(p_text text) -> numeric | NULL
-- The value of p_text when PostgreSQL's own input function accepts it, else NULL (never an error). Used by
-- the guarded parse of api.load_candles, so that a row is good there exactly when the fast path's plain
-- casts accept it. A plain decimal takes the cheap branch; anything else is tried in a subtransaction.
-- _try_timestamptz depends on the session's TimeZone and DateStyle (api.load_candles pins both).
CREATE OR REPLACE FUNCTION market._try_timestamptz(p_text text)
RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_text IS NULL THEN
        RETURN NULL;
    END IF;
    BEGIN
        RETURN p_text::timestamptz;
    EXCEPTION WHEN data_exception THEN
        RETURN NULL;
    END;
END
$$;

COMMENT ON FUNCTION market._try_timestamptz(text) IS 'Internal: p_text as timestamptz, or NULL when it does not parse (never an error).';

CREATE OR REPLACE FUNCTION market._try_numeric(p_text text)
RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_text IS NULL THEN
        RETURN NULL;
    END IF;
    -- A plain decimal of bounded length always parses: no subtransaction needed.
    IF octet_length(p_text) <= 1000 AND p_text ~ '^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*$' THEN
        RETURN p_text::numeric;
    END IF;
    BEGIN
        RETURN p_text::numeric;
    EXCEPTION WHEN data_exception THEN
        RETURN NULL;
    END;
END
$$;

COMMENT ON FUNCTION market._try_numeric(text) IS 'Internal: p_text as numeric, or NULL when it does not parse (never an error).';
