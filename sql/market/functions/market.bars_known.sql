-- market.bars_known(p_venue, p_symbols, p_at, p_load_id, p_within) -> (symbol, ts, close, bar_close)
-- The one rule for "the bar known at T" (marks, decision prices, conversion rates, and gate 20 recomputing them),
-- for several symbols in one query: per symbol of p_symbols (in their order), the latest effective 1h bar closed by
-- p_at (open time ts <= p_at - 1h), highest revision first,
--   * among the revisions written by loads up to p_load_id when it is given (what an hour of a sync-fed run knew:
--     portfolio.hour_knowledge / api.record_hour_knowledge; 0: nothing known, no row); NULL: every revision stored;
--   * opened after p_at - p_within when p_within is given (marks look back 7 days); NULL: no look-back bound.
-- A symbol without such a bar has no row. bar_close = ts + 1h. Both bounds are index conditions (a constant when
-- NULL), so each symbol costs one backward index probe under the forced generic plan, with no function call per
-- symbol. market.bar_known (one symbol), market.last_bar, market.marks and market.conversion_rate read it.
CREATE OR REPLACE FUNCTION market.bars_known(p_venue text, p_symbols text[], p_at timestamptz,
                                             p_load_id bigint DEFAULT NULL, p_within interval DEFAULT NULL)
RETURNS TABLE (symbol text, ts timestamptz, close numeric, bar_close timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY
    SELECT s.sym, b.ts, b.close, b.ts + interval '1 hour'
      FROM unnest(p_symbols) WITH ORDINALITY s(sym, ord)
     CROSS JOIN LATERAL (
            SELECT c.ts, c.close
              FROM market.candle c
             WHERE c.venue = p_venue AND c.symbol = s.sym AND c.interval = '1h'
               AND c.ts <= p_at - interval '1 hour'
               AND c.ts > coalesce(p_at - p_within, '-infinity'::timestamptz)
               AND c.load_id <= coalesce(p_load_id, 9223372036854775807)
             ORDER BY c.ts DESC, c.revision DESC
             LIMIT 1) b
     ORDER BY s.ord;
END
$$;

COMMENT ON FUNCTION market.bars_known(text, text[], timestamptz, bigint, interval) IS 'The one rule for the bar known at p_at, for several symbols in one query: per symbol the latest effective 1h bar closed by p_at (highest revision), among the revisions loaded up to p_load_id when given (a sync-fed hour''s knowledge), opened within p_within when given. Used by market.bar_known, market.last_bar, market.marks and market.conversion_rate.';
