-- api.candles_known_since(p_venue, p_interval, p_symbols, p_load_ids, p_after_load_ids, p_from, p_to, p_fresh_from)
--   -> (symbol, ts, open, high, low, close, volume, revision)
-- Worker, auditor. What changed in the windows of several feeds of one venue and interval between two
-- knowledges, in one call: for the feed of p_symbols[i], known once the loads up to p_load_ids[i] had committed,
-- against what the caller read as of p_after_load_ids[i] over [p_from, p_fresh_from). The rows are bars of
-- api.candles_known(p_venue, p_symbols[i], p_interval, p_from, p_to, p_load_ids[i]), each at the same revision,
-- namely every bar with open time in [p_fresh_from, p_to) and every bar in [p_from, p_fresh_from) that a load in
-- (p_after_load_ids[i], p_load_ids[i]] wrote (a late bar or a revision); p_after_load_ids[i] NULL: the whole
-- window; p_load_ids[i] NULL: nothing known, no rows. A bar absent from the rows is as the caller read it:
-- revisions of a bar are written in load order (api.load_candles serialises a feed's loads and writes the stored
-- revision + 1), so the highest revision among the newer loads is the highest among all loads up to
-- p_load_ids[i], and a bar no newer load touched kept its revision. The caller's earlier read must be of loads
-- that still exist (api.candle_loads): a load lost by the database is not seen here. Ordered by symbol, ts.
-- ts = open time UTC, prices in quote, volume in base.
-- PD012 for an unknown interval; an infinite or NULL bound; NULL or unequal arrays, a NULL or repeated symbol;
-- an earlier load id above its load id (or given where the load id is NULL).
-- Tables read: market.candle.
CREATE OR REPLACE FUNCTION api.candles_known_since(p_venue text, p_interval text, p_symbols text[],
                                                   p_load_ids bigint[], p_after_load_ids bigint[],
                                                   p_from timestamptz, p_to timestamptz, p_fresh_from timestamptz)
RETURNS TABLE (symbol text, ts timestamptz, open numeric, high numeric, low numeric, close numeric, volume numeric,
               revision smallint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    IF p_interval IS NULL OR market.interval_seconds(p_interval) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('candles_known_since refused: unknown interval %L', p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    IF p_from IS NULL OR p_to IS NULL OR p_fresh_from IS NULL
       OR NOT isfinite(p_from) OR NOT isfinite(p_to) OR NOT isfinite(p_fresh_from) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'candles_known_since refused: the bounds must be finite times',
            DETAIL = format('from=%s to=%s fresh_from=%s', p_from, p_to, p_fresh_from),
            HINT = 'Pass the first open time, the open time after the last bar wanted, and the end of the window read before.';
    END IF;
    IF p_symbols IS NULL OR p_load_ids IS NULL OR p_after_load_ids IS NULL
       OR cardinality(p_load_ids) <> cardinality(p_symbols) OR cardinality(p_after_load_ids) <> cardinality(p_symbols)
       OR array_position(p_symbols, NULL) IS NOT NULL
       OR cardinality(p_symbols) <> (SELECT count(DISTINCT s) FROM unnest(p_symbols) s) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'candles_known_since refused: give each symbol once, with one load id and one earlier load id (or NULL)',
            DETAIL = format('symbols=%s load_ids=%s after_load_ids=%s', p_symbols, p_load_ids, p_after_load_ids),
            HINT = 'Three arrays of the same length: the symbols, the load ids known now, the load ids read before.';
    END IF;
    IF EXISTS (SELECT FROM unnest(p_load_ids, p_after_load_ids) AS f(load_id, after_id)
                WHERE f.after_id IS NOT NULL AND (f.load_id IS NULL OR f.after_id > f.load_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'candles_known_since refused: an earlier load id is newer than the load id known now',
            DETAIL = format('symbols=%s load_ids=%s after_load_ids=%s', p_symbols, p_load_ids, p_after_load_ids),
            HINT = 'Knowledge went backwards: read the feed in full (api.candles_known).';
    END IF;
    -- One index range per feed (the lateral's symbol is an index condition), each bar at its highest revision.
    RETURN QUERY
    SELECT f.symbol, c.ts, c.open, c.high, c.low, c.close, c.volume, c.revision
      FROM unnest(p_symbols, p_load_ids, p_after_load_ids) AS f(symbol, load_id, after_id)
     CROSS JOIN LATERAL (
            SELECT DISTINCT ON (k.ts) k.ts, k.open, k.high, k.low, k.close, k.volume, k.revision
              FROM market.candle k
             WHERE k.venue = p_venue AND k.symbol = f.symbol AND k.interval = p_interval
               AND k.ts >= p_from AND k.ts < p_to AND k.load_id <= f.load_id
               AND (f.after_id IS NULL OR k.ts >= p_fresh_from OR k.load_id > f.after_id)
             ORDER BY k.ts, k.revision DESC) c
     ORDER BY f.symbol, c.ts;
END
$$;

COMMENT ON FUNCTION api.candles_known_since(text, text, text[], bigint[], bigint[], timestamptz, timestamptz, timestamptz) IS 'Worker, auditor: for several feeds at once, the bars of their windows [p_from, p_to) as known at p_load_ids that may differ from what was read as of p_after_load_ids over [p_from, p_fresh_from): every bar from p_fresh_from, and the older bars a newer load wrote (late bars, revisions), at the revision api.candles_known gives. A sync-fed worker reads only what changed since its previous hour. PD012.';
