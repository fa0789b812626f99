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
-- PD011 unknown venue; PD012 p_instruments not a JSON array, or no source.
-- Tables: market.instrument, ops.audit_log.
CREATE OR REPLACE FUNCTION api.upsert_instruments(p_venue text, p_instruments jsonb, p_source text)
RETURNS TABLE (symbol text, action text, detail text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
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

    CREATE TEMP TABLE IF NOT EXISTS _instrument_in (
        ord bigint, symbol text, base text, quote text, tick_size numeric, step_size numeric, min_qty numeric,
        min_notional numeric, numbers_ok boolean, action text, detail text, old_values jsonb) ON COMMIT DROP;
    TRUNCATE _instrument_in;
    INSERT INTO _instrument_in (ord, symbol, base, quote, tick_size, step_size, min_qty, min_notional, numbers_ok)
    SELECT e.ord, e.j ->> 'symbol', e.j ->> 'base', e.j ->> 'quote',
           market._try_numeric(e.j ->> 'tick_size'), market._try_numeric(e.j ->> 'step_size'),
           coalesce(market._try_numeric(e.j ->> 'min_qty'), 0), coalesce(market._try_numeric(e.j ->> 'min_notional'), 0),
           -- every given value must be a number (JSON null or absent counts as not given)
           (e.j ->> 'tick_size' IS NULL OR market._try_numeric(e.j ->> 'tick_size') IS NOT NULL)
           AND (e.j ->> 'step_size' IS NULL OR market._try_numeric(e.j ->> 'step_size') IS NOT NULL)
           AND (e.j ->> 'min_qty' IS NULL OR market._try_numeric(e.j ->> 'min_qty') IS NOT NULL)
           AND (e.j ->> 'min_notional' IS NULL OR market._try_numeric(e.j ->> 'min_notional') IS NOT NULL)
      FROM jsonb_array_elements(p_instruments) WITH ORDINALITY e(j, ord);

    UPDATE _instrument_in n SET action = 'skipped', detail = CASE
        WHEN n.symbol IS NULL OR n.base IS NULL OR n.quote IS NULL OR n.symbol <> n.base || '/' || n.quote
             OR n.symbol !~ '^[A-Z0-9]{2,12}/[A-Z0-9]{2,12}$' THEN 'malformed'
        WHEN EXISTS (SELECT FROM _instrument_in d WHERE d.symbol = n.symbol AND d.ord < n.ord) THEN 'duplicate'
        WHEN NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = n.base)
             OR NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = n.quote) THEN 'unknown_asset'
        WHEN NOT n.numbers_ok OR n.tick_size <= 0 OR n.step_size <= 0 OR n.min_qty < 0 OR n.min_notional < 0
             OR 'NaN'::numeric IN (n.tick_size, n.step_size, n.min_qty, n.min_notional)
             OR 'Infinity'::numeric IN (n.tick_size, n.step_size, n.min_qty, n.min_notional) THEN 'invalid_values'
        END;
    UPDATE _instrument_in n SET action = NULL WHERE n.detail IS NULL;

    -- Compare with what is stored (locked in symbol order).
    UPDATE _instrument_in n
       SET action = CASE WHEN (i.tick_size, i.step_size, i.min_qty, i.min_notional)
                              IS NOT DISTINCT FROM (n.tick_size, n.step_size, n.min_qty, n.min_notional)
                         THEN 'unchanged' ELSE 'updated' END,
           old_values = jsonb_build_object('tick_size', i.tick_size, 'step_size', i.step_size, 'min_qty', i.min_qty,
                                           'min_notional', i.min_notional, 'source', i.source, 'updated_at', i.updated_at)
      FROM (SELECT m.* FROM market.instrument m WHERE m.venue = p_venue ORDER BY m.symbol FOR UPDATE) i
     WHERE n.action IS NULL AND i.symbol = n.symbol;
    UPDATE _instrument_in n SET action = 'inserted' WHERE n.action IS NULL;

    UPDATE market.instrument i
       SET tick_size = n.tick_size, step_size = n.step_size, min_qty = n.min_qty, min_notional = n.min_notional,
           source = p_source, updated_at = now()
      FROM _instrument_in n
     WHERE n.action = 'updated' AND i.venue = p_venue AND i.symbol = n.symbol;
    INSERT INTO market.instrument (venue, symbol, base, quote, tick_size, step_size, min_qty, min_notional, source)
    SELECT p_venue, n.symbol, n.base, n.quote, n.tick_size, n.step_size, n.min_qty, n.min_notional, p_source
      FROM _instrument_in n WHERE n.action = 'inserted' ORDER BY n.symbol;

    SELECT jsonb_agg(jsonb_build_object('symbol', n.symbol, 'action', n.action, 'old', n.old_values,
                                        'new', jsonb_build_object('tick_size', n.tick_size, 'step_size', n.step_size,
                                                                  'min_qty', n.min_qty, 'min_notional', n.min_notional))
                     ORDER BY n.symbol)
      INTO v_changes
      FROM _instrument_in n WHERE n.action IN ('inserted', 'updated');
    IF v_changes IS NOT NULL THEN
        PERFORM ops._audit(0, 'upsert_instruments', p_venue, jsonb_build_object('source', p_source, 'changes', v_changes),
                           format('market structure of %s from %s', p_venue, p_source));
    END IF;

    RETURN QUERY SELECT n.symbol, n.action, n.detail FROM _instrument_in n ORDER BY n.symbol COLLATE "C", n.ord;
END
$$;

COMMENT ON FUNCTION api.upsert_instruments(text, jsonb, text) IS
'Worker: stores a venue''s market structure (tick size, step size, minimum quantity and notional, as parsed by ccxt load_markets) in market.instrument; per instrument inserted, updated, unchanged or skipped (malformed, unknown_asset, invalid_values, duplicate); every change audited with old and new values. PD011 unknown venue, PD012 not a JSON array or no source.';
