-- market.bar_known(p_venue, p_symbol, p_at, p_load_id, p_within) -> (ts, close, bar_close)
-- The one rule for "the bar known at T" (marks, decision prices, conversion rates; gates 11 and 20 recompute them):
-- the latest effective 1h bar of a symbol closed by p_at (open time ts <= p_at - 1h), highest revision first,
--   * among the revisions written by loads up to p_load_id when it is given (what an hour of a sync-fed run knew:
--     portfolio.hour_knowledge / api.record_hour_knowledge; 0: nothing known, no row); NULL: every revision stored;
--   * opened after p_at - p_within when p_within is given (marks look back 7 days); NULL: no look-back bound.
-- No row when there is no such bar. bar_close = ts + 1h. Both bounds are index conditions (a constant when NULL),
-- so the lookup stays one backward index probe under the forced generic plan.
CREATE OR REPLACE FUNCTION market.bar_known(p_venue text, p_symbol text, p_at timestamptz, p_load_id bigint DEFAULT NULL,
                                            p_within interval DEFAULT NULL)
RETURNS TABLE (ts timestamptz, close numeric, bar_close timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY
    SELECT c.ts, c.close, c.ts + interval '1 hour'
      FROM market.candle c
     WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = '1h'
       AND c.ts <= p_at - interval '1 hour'
       AND c.ts > coalesce(p_at - p_within, '-infinity'::timestamptz)
       AND c.load_id <= coalesce(p_load_id, 9223372036854775807)
     ORDER BY c.ts DESC, c.revision DESC
     LIMIT 1;
END
$$;

COMMENT ON FUNCTION market.bar_known(text, text, timestamptz, bigint, interval) IS 'The one rule for the bar known at p_at: the latest effective 1h bar closed by p_at (highest revision), among the revisions loaded up to p_load_id when given (a sync-fed hour''s knowledge), opened within p_within when given. Used by market.last_bar, market.marks, market.conversion_rate and gates 11 and 20.';
