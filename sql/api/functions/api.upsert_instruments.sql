-- api.upsert_instruments(p_venue, p_instruments, p_source) -> (symbol, action, detail)
-- Worker. Stores a venue's market structure (as ccxt's load_markets parses it) in market.instrument: per
-- element of the JSON array p_instruments
--   {"symbol": "BTC/USDT", "base": "BTC", "quote": "USDT", "tick_size": "0.01", "step_size": "0.00001",
--    "min_qty": "0.00001", "min_notional": "10"}
-- (numbers as JSON strings or numbers; tick_size/step_size NULL = unknown, min_qty/min_notional NULL = 0):
--   inserted   a new instrument of the venue;
--   updated    precision or minimums differ from the stored ones: replaced, with source and updated_at;
--   unchanged  identical: nothing written;
--   skipped    not stored, detail says why: malformed (symbol is not BASE/QUOTE of its base and quote),
--              unknown_asset (base or quote not in market.asset: assets and clusters are reference data),
--              invalid_values (a non-positive tick or step, a negative minimum, a value that is no number),
--              duplicate (the symbol appears twice in the input; the first one counts).
-- Every insert and update is kept with old and new values in ops.audit_log (action upsert_instruments,
-- target the venue, actor the session user). One call per venue at a time (advisory lock).
-- Non-finite numbers (NaN, Infinity, -Infinity, in any spelling numeric input accepts) refuse the whole
-- call: nothing is stored. The work is kept in variables and CTEs, never in a table the caller could create.
-- PD011 unknown venue; PD012 p_instruments not a JSON array, no source, or a number that is not finite.
-- Tables: market.instrument, ops.audit_log.
CREATE OR REPLACE FUNCTION api.upsert_instruments(p_venue text, p_instruments jsonb, p_source text)
RETURNS TABLE (symbol text, action text, detail text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_bad     record;
    v_rows    jsonb;
    v_changes jsonb;
BEGIN
    IF NOT EXISTS (SELECT FROM market.venue v WHERE v.venue = p_venue) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('instruments refused: unknown venue %L', p_venue),
            DETAIL = format('venue=%s source=%s', p_venue, p_source),
            HINT = 'See market.venue.';
    END IF;
    IF p_instruments IS NULL OR jsonb_typeof(p_instruments) <> 'array' OR p_source IS NULL OR btrim(p_source) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'instruments refused: expected a JSON array of instruments and a source',
            DETAIL = format('venue=%s source=%s type=%s', p_venue, p_source, jsonb_typeof(p_instruments)),
            HINT = 'Pass [{"symbol", "base", "quote", "tick_size", "step_size", "min_qty", "min_notional"}, ...] and where it came from.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731651, pg_catalog.hashtext(p_venue));

    -- Every given number must be finite: NaN and infinities are refused outright, not skipped.
    SELECT e.ord, e.j ->> 'symbol' AS symbol, k.field, e.j ->> k.field AS value INTO v_bad
      FROM jsonb_array_elements(p_instruments) WITH ORDINALITY e(j, ord)
     CROSS JOIN unnest(ARRAY['tick_size', 'step_size', 'min_qty', 'min_notional']) k(field)
     WHERE jsonb_typeof(e.j) = 'object'
       AND market._try_numeric(e.j ->> k.field) IN ('NaN', 'Infinity', '-Infinity')
     ORDER BY e.ord, k.field
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('instruments refused: %s of %s is not a finite number', v_bad.field, coalesce(v_bad.symbol, 'element ' || v_bad.ord)),
            DETAIL = format('venue=%s source=%s element=%s symbol=%s field=%s value=%s', p_venue, p_source, v_bad.ord, v_bad.symbol, v_bad.field, v_bad.value),
            HINT = 'Tick size, step size, minimum quantity and minimum notional are finite numbers (or null when unknown); NaN and infinities are never stored. Fix the venue''s market data and call again.';
    END IF;

    -- The stored instruments of the venue, locked in symbol order.
    PERFORM FROM market.instrument m WHERE m.venue = p_venue ORDER BY m.symbol FOR UPDATE;

    -- Classify every element (in a variable: a definer never keeps work in a table its caller could create).
    WITH input AS (
        SELECT e.ord, e.j ->> 'symbol' AS symbol, e.j ->> 'base' AS base, e.j ->> 'quote' AS quote,
               market._try_numeric(e.j ->> 'tick_size') AS tick_size, market._try_numeric(e.j ->> 'step_size') AS step_size,
               coalesce(market._try_numeric(e.j ->> 'min_qty'), 0) AS min_qty,
               coalesce(market._try_numeric(e.j ->> 'min_notional'), 0) AS min_notional,
               -- every given value must be a number (JSON null or absent counts as not given)
               (e.j ->> 'tick_size' IS NULL OR market._try_numeric(e.j ->> 'tick_size') IS NOT NULL)
               AND (e.j ->> 'step_size' IS NULL OR market._try_numeric(e.j ->> 'step_size') IS NOT NULL)
               AND (e.j ->> 'min_qty' IS NULL OR market._try_numeric(e.j ->> 'min_qty') IS NOT NULL)
               AND (e.j ->> 'min_notional' IS NULL OR market._try_numeric(e.j ->> 'min_notional') IS NOT NULL) AS numbers_ok,
               count(*) FILTER (WHERE e.j ->> 'symbol' IS NOT NULL)
                   OVER (PARTITION BY e.j ->> 'symbol' ORDER BY e.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
          FROM jsonb_array_elements(p_instruments) WITH ORDINALITY e(j, ord)),
    judged AS (
        SELECT n.*, CASE
                   WHEN n.symbol IS NULL OR n.base IS NULL OR n.quote IS NULL OR n.symbol <> n.base || '/' || n.quote
                        OR n.symbol !~ '^[A-Z0-9]{2,12}/[A-Z0-9]{2,12}$' THEN 'malformed'
                   WHEN n.earlier > 0 THEN 'duplicate'
                   WHEN NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = n.base)
                        OR NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = n.quote) THEN 'unknown_asset'
                   WHEN NOT n.numbers_ok OR n.tick_size <= 0 OR n.step_size <= 0 OR n.min_qty < 0 OR n.min_notional < 0
                        THEN 'invalid_values'
                   END AS detail
          FROM input n)
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'ord', n.ord, 'symbol', n.symbol, 'base', n.base, 'quote', n.quote, 'tick_size', n.tick_size,
               'step_size', n.step_size, 'min_qty', n.min_qty, 'min_notional', n.min_notional, 'detail', n.detail,
               'action', CASE WHEN n.detail IS NOT NULL THEN 'skipped'
                              WHEN i.symbol IS NULL THEN 'inserted'
                              WHEN (i.tick_size, i.step_size, i.min_qty, i.min_notional)
                                   IS NOT DISTINCT FROM (n.tick_size, n.step_size, n.min_qty, n.min_notional) THEN 'unchanged'
                              ELSE 'updated' END,
               'old_values', CASE WHEN n.detail IS NULL AND i.symbol IS NOT NULL THEN
                   jsonb_build_object('tick_size', i.tick_size, 'step_size', i.step_size, 'min_qty', i.min_qty,
                                      'min_notional', i.min_notional, 'source', i.source, 'updated_at', i.updated_at) END)
               ORDER BY n.ord), '[]')
      INTO v_rows
      FROM judged n
      LEFT JOIN market.instrument i ON i.venue = p_venue AND i.symbol = n.symbol;

    UPDATE market.instrument i
       SET tick_size = n.tick_size, step_size = n.step_size, min_qty = n.min_qty, min_notional = n.min_notional,
           source = p_source, updated_at = now()
      FROM jsonb_to_recordset(v_rows) n(symbol text, tick_size numeric, step_size numeric, min_qty numeric,
                                        min_notional numeric, action text)
     WHERE n.action = 'updated' AND i.venue = p_venue AND i.symbol = n.symbol;
    INSERT INTO market.instrument (venue, symbol, base, quote, tick_size, step_size, min_qty, min_notional, source)
    SELECT p_venue, n.symbol, n.base, n.quote, n.tick_size, n.step_size, n.min_qty, n.min_notional, p_source
      FROM jsonb_to_recordset(v_rows) n(symbol text, base text, quote text, tick_size numeric, step_size numeric,
                                        min_qty numeric, min_notional numeric, action text)
     WHERE n.action = 'inserted' ORDER BY n.symbol;

    SELECT jsonb_agg(jsonb_build_object('symbol', n.symbol, 'action', n.action, 'old', n.old_values,
                                        'new', jsonb_build_object('tick_size', n.tick_size, 'step_size', n.step_size,
                                                                  'min_qty', n.min_qty, 'min_notional', n.min_notional))
                     ORDER BY n.symbol)
      INTO v_changes
      FROM jsonb_to_recordset(v_rows) n(symbol text, tick_size numeric, step_size numeric, min_qty numeric,
                                        min_notional numeric, action text, old_values jsonb)
     WHERE n.action IN ('inserted', 'updated');
    IF v_changes IS NOT NULL THEN
        PERFORM ops._audit(0, 'upsert_instruments', p_venue, jsonb_build_object('source', p_source, 'changes', v_changes),
                           format('market structure of %s from %s', p_venue, p_source));
    END IF;

    RETURN QUERY SELECT n.symbol, n.action, n.detail
                   FROM jsonb_to_recordset(v_rows) n(ord bigint, symbol text, action text, detail text)
                  ORDER BY n.symbol COLLATE "C", n.ord;
END
$$;

COMMENT ON FUNCTION api.upsert_instruments(text, jsonb, text) IS
'Worker: stores a venue''s market structure (tick size, step size, minimum quantity and notional, as parsed by ccxt load_markets) in market.instrument; per instrument inserted, updated, unchanged or skipped (malformed, unknown_asset, invalid_values, duplicate); every change audited with old and new values. PD011 unknown venue, PD012 not a JSON array, no source, or a non-finite number (NaN, Infinity).';
