-- portfolio.inputs_digest(p_venue, p_symbols, p_hour) -> bytea
-- sha256 over the effective 1h bars that closed at p_hour for the given symbols (sorted by symbol),
-- each rendered as "symbol|open time unix s|open|high|low|close|volume" with numerics as stored.
-- One probe of the candle key per symbol (symbol = ANY (...) let the generic plan scan the month's bars of every
-- symbol of the venue and filter: 0.5 ms an hour; docs/performance.md "The hour's reads of bars").
CREATE OR REPLACE FUNCTION portfolio.inputs_digest(p_venue text, p_symbols text[], p_hour timestamptz)
RETURNS bytea
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN (
    SELECT sha256(convert_to(coalesce(string_agg(
               concat_ws('|', c.symbol, extract(epoch FROM c.ts)::bigint, c.open, c.high, c.low, c.close, c.volume),
               E'\n' ORDER BY c.symbol), ''), 'UTF8'))
      FROM (SELECT DISTINCT u.sym FROM unnest(p_symbols) u(sym)) s
     CROSS JOIN LATERAL (
            SELECT k.symbol, k.ts, k.open, k.high, k.low, k.close, k.volume
              FROM market.candle k
             WHERE k.venue = p_venue AND k.symbol = s.sym AND k.interval = '1h'
               AND k.ts = p_hour - interval '1 hour'
             ORDER BY k.revision DESC
             LIMIT 1) c);
END
$$;

COMMENT ON FUNCTION portfolio.inputs_digest(text, text[], timestamptz) IS 'sha256 over the effective 1h bars of the given symbols that closed at p_hour.';
