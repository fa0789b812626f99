-- market._staged_lines(p_load_key, p_step, p_latest_open)
--   -> (line_no, raw, n, ts, open, high, low, close, volume, good)
-- Internal (api.load_candles' guarded parse). Every line staged in market.candle_stage under p_load_key,
-- parsed without ever raising: line_no the line's place in the load (1, 2, ... in staging order), raw the
-- line ('' for NULL), n its comma-separated field count, and each field parsed where n = 6 (NULL where it
-- does not parse); good when n = 6 and market.bar_is_good passes (the same gates as the fast path).
-- Timestamps: the canonical "YYYY-MM-DDTHH:MM:SSZ" and the ISO-8601 date-times api.load_candles documents;
-- their parse depends on the session's TimeZone and DateStyle, which api.load_candles pins.
-- Reads only the owner's market.candle_stage (never a relation its caller could create). Not granted to
-- anyone but the owner.
-- Tables read: market.candle_stage.
CREATE OR REPLACE FUNCTION market._staged_lines(p_load_key uuid, p_step interval, p_latest_open timestamptz)
RETURNS TABLE (line_no bigint, raw text, n integer, ts timestamptz, open numeric, high numeric, low numeric,
               close numeric, volume numeric, good boolean)
LANGUAGE sql STABLE
AS $$
    SELECT x.line_no, x.raw, x.n, x.ts, x.open, x.high, x.low, x.close, x.volume,
           x.n = 6 AND market.bar_is_good(x.ts, x.open, x.high, x.low, x.close, x.volume, p_step, p_latest_open)
      FROM (SELECT pg_catalog.row_number() OVER (ORDER BY s.line_no) AS line_no, coalesce(s.raw, '') AS raw, f.n,
                   CASE WHEN f.n <> 6 THEN NULL
                        WHEN s.raw LIKE '____-__-__T__:__:__Z,%' THEN market._try_timestamptz(pg_catalog.left(s.raw, 20))
                        WHEN f.a[1] ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
                            THEN market._try_timestamptz(f.a[1]) END AS ts,
                   CASE WHEN f.n = 6 THEN market._try_numeric(f.a[2]) END AS open,
                   CASE WHEN f.n = 6 THEN market._try_numeric(f.a[3]) END AS high,
                   CASE WHEN f.n = 6 THEN market._try_numeric(f.a[4]) END AS low,
                   CASE WHEN f.n = 6 THEN market._try_numeric(f.a[5]) END AS close,
                   CASE WHEN f.n = 6 THEN market._try_numeric(f.a[6]) END AS volume
              FROM market.candle_stage s
             CROSS JOIN LATERAL (SELECT a, coalesce(pg_catalog.cardinality(a), 0) AS n
                                   FROM pg_catalog.string_to_array(pg_catalog.rtrim(s.raw, E'\r'), ',') a) f
             WHERE s.load_key = p_load_key
            OFFSET 0) x  -- a fence: each field is parsed once, not once per gate that reads it
$$;

COMMENT ON FUNCTION market._staged_lines(uuid, interval, timestamptz) IS 'Internal: the lines staged under a load key in market.candle_stage, parsed without raising (NULL where a field does not parse), numbered in staging order, with the gates'' verdict (good).';
