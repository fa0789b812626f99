-- risk._volatility_cap(p_venue, p_symbol, p_ts, p_limits, p_equity, p_position_after) -> (reasons, caps)
-- The volatility cap of an entry (api.submit_signal; docs/risk.md "Volatility cap"): with the limit
-- vol_target (pct, annualised; scope symbol or *) set, the largest position in the instrument is the
-- volatility-target size
--     cap = equity × vol_target / (sigma_hour × sqrt(8760))
-- with sigma_hour = risk.realized_volatility over vol_window_hours (168 when not set) of the bars closed by
-- the decision time. Reason volatility_cap when the instrument's position after the order (at mark, plus
-- open buys and this order) exceeds the cap, or when fewer than max(2, ceil(window / 2)) returns are stored
-- (no estimate, no entry). A zero volatility leaves no cap. Without vol_target: no reason, no figures.
-- caps: vol_target (fraction), volatility (sigma per hour), volatility_returns, volatility_cap (amount).
CREATE OR REPLACE FUNCTION risk._volatility_cap(p_venue text, p_symbol text, p_ts timestamptz, p_limits jsonb,
                                                p_equity numeric, p_position_after numeric)
RETURNS TABLE (reasons text[], caps jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_target  numeric := risk.cap(p_limits, 'vol_target', p_symbol, 1);
    v_window  integer := coalesce(risk.cap(p_limits, 'vol_window_hours', p_symbol, NULL), 168)::integer;
    v_sigma   numeric;
    v_returns integer;
    v_cap     numeric;
BEGIN
    IF v_target IS NULL THEN
        RETURN QUERY SELECT '{}'::text[], '{}'::jsonb;
        RETURN;
    END IF;
    SELECT v.sigma, v.returns INTO v_sigma, v_returns FROM risk.realized_volatility(p_venue, p_symbol, p_ts, v_window) v;
    IF v_sigma > 0 THEN
        v_cap := round(p_equity * v_target / (v_sigma * sqrt(8760::numeric)), 8);
    END IF;
    RETURN QUERY SELECT
        CASE WHEN v_returns < greatest(2, ceil(v_window / 2.0)) OR p_position_after > v_cap
             THEN ARRAY['volatility_cap']::text[] ELSE '{}'::text[] END,
        jsonb_build_object('vol_target', v_target, 'volatility', v_sigma, 'volatility_returns', v_returns,
                           'volatility_cap', v_cap);
END
$$;

COMMENT ON FUNCTION risk._volatility_cap(text, text, timestamptz, jsonb, numeric, numeric) IS 'Internal (admission): the volatility-target cap of a position, equity × vol_target / annualised realized volatility of hourly log returns; reason volatility_cap above it or without enough returns; no reason and no figures without vol_target.';
