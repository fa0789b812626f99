-- market.conversion_rate(p_venue, p_from, p_to, p_at, p_direct_load, p_inverse_load) -> (rate, symbol, bar_close, inverted)
-- The rate that converts an amount in p_from into p_to at business time p_at on a venue (issue 13 item 6):
--   * p_from = p_to: rate 1, no symbol, no bar (identity);
--   * otherwise the close of the latest effective (highest revision) 1h bar closed by p_at of FROM/TO
--     (rate = close) or of TO/FROM (rate = round(1 / close, 12), inverted), whichever closed later; on a tie the
--     direct pair. No look-back bound (a stale rate shows in bar_close).
-- No row when neither pair has such a bar (callers: conversion_rate_missing at admission, a currency valued 0
-- at an hour close). Only bars closed by p_at are used, so a replay finds the same rate: deterministic.
-- The bar of each pair is market.bars_known's (the one rule for the bar known at T, no look-back bound):
-- p_direct_load / p_inverse_load restrict FROM/TO and TO/FROM to the revisions loaded up to that load (what a
-- sync-fed hour knew, portfolio.hour_knowledge; gates 11 and 20 pass them); NULL: every revision stored.
-- Units: amount_in_p_to = amount_in_p_from × rate.
CREATE OR REPLACE FUNCTION market.conversion_rate(p_venue text, p_from text, p_to text, p_at timestamptz,
                                                  p_direct_load bigint DEFAULT NULL, p_inverse_load bigint DEFAULT NULL)
RETURNS TABLE (rate numeric, symbol text, bar_close timestamptz, inverted boolean)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_direct_ts  timestamptz;
    v_direct     numeric;
    v_inverse_ts timestamptz;
    v_inverse    numeric;
BEGIN
    IF p_from = p_to THEN
        RETURN QUERY SELECT 1::numeric, NULL::text, NULL::timestamptz, false;
        RETURN;
    END IF;
    SELECT b.ts, b.close INTO v_direct_ts, v_direct
      FROM market.bars_known(p_venue, ARRAY[p_from || '/' || p_to], p_at, p_direct_load, NULL) b;
    SELECT b.ts, b.close INTO v_inverse_ts, v_inverse
      FROM market.bars_known(p_venue, ARRAY[p_to || '/' || p_from], p_at, p_inverse_load, NULL) b;
    IF v_direct_ts IS NOT NULL AND (v_inverse_ts IS NULL OR v_direct_ts >= v_inverse_ts) THEN
        RETURN QUERY SELECT v_direct, p_from || '/' || p_to, v_direct_ts + interval '1 hour', false;
    ELSIF v_inverse_ts IS NOT NULL AND v_inverse > 0 THEN
        RETURN QUERY SELECT round(1 / v_inverse, 12), p_to || '/' || p_from, v_inverse_ts + interval '1 hour', true;
    END IF;
END
$$;

COMMENT ON FUNCTION market.conversion_rate(text, text, text, timestamptz, bigint, bigint) IS 'Rate converting p_from into p_to at p_at on a venue: 1 for the same currency; else the close of the latest 1h bar closed by p_at of FROM/TO, or 1/close (12 places, inverted) of TO/FROM, whichever closed later (the direct pair on a tie); with the pair and its bar close. No row when neither pair has a bar. p_direct_load / p_inverse_load: only revisions loaded up to them (a sync-fed hour''s knowledge; gates 11 and 20).';
