-- risk._treasury_budget(p_book_id, p_ts, p_limits, p_symbol, p_cluster, p_quote, p_equity, p_notional,
--                       p_inst_after, p_clus_after, p_quote_after, p_port_after) -> (reasons, caps)
-- The treasury's risk-budget cut at admission (api.submit_signal, entries only; docs/treasury.md "Policy"): the
-- budget scale s in force is the budget_scale of the book's latest rolling status stored by a close at or before
-- the decision time (portfolio.treasury_status; NULL or 1: no cut, no reason, no figures). Under a cut (s < 1)
-- the entry's order notional and the instrument's, cluster's, quote's and portfolio's exposure after it must stay
-- within s times the book's caps (max_order_notional, max_instrument_exposure, max_cluster_exposure,
-- max_quote_exposure; an unset cap is not scaled) and the portfolio's within s times max_portfolio_exposure, or
-- the equity when it is unset. Reason treasury_budget_cut above any of them; caps: treasury_budget_scale and the
-- scaled caps (treasury_budget).
CREATE OR REPLACE FUNCTION risk._treasury_budget(p_book_id integer, p_ts timestamptz, p_limits jsonb, p_symbol text,
                                                 p_cluster text, p_quote text, p_equity numeric, p_notional numeric,
                                                 p_inst_after numeric, p_clus_after numeric, p_quote_after numeric,
                                                 p_port_after numeric)
RETURNS TABLE (reasons text[], caps jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_scale numeric;
    v_order numeric;
    v_inst  numeric;
    v_clus  numeric;
    v_quote numeric;
    v_port  numeric;
BEGIN
    SELECT s.budget_scale INTO v_scale FROM portfolio.treasury_status s
     WHERE s.book_id = p_book_id AND s.window_days > 1 AND s.period_to <= p_ts
     ORDER BY s.seq DESC LIMIT 1;
    IF v_scale IS NULL OR v_scale >= 1 THEN
        RETURN QUERY SELECT '{}'::text[], '{}'::jsonb;
        RETURN;
    END IF;
    v_order := v_scale * risk.cap(p_limits, 'max_order_notional', p_symbol, p_equity);
    v_inst := v_scale * risk.cap(p_limits, 'max_instrument_exposure', p_symbol, p_equity);
    v_clus := v_scale * risk.cap(p_limits, 'max_cluster_exposure', p_cluster, p_equity);
    v_quote := v_scale * risk.cap(p_limits, 'max_quote_exposure', p_quote, p_equity);
    v_port := v_scale * coalesce(risk.cap(p_limits, 'max_portfolio_exposure', '*', p_equity), p_equity);
    RETURN QUERY SELECT
        CASE WHEN p_notional > v_order OR p_inst_after > v_inst OR p_clus_after > v_clus OR p_quote_after > v_quote
                  OR p_port_after > v_port
             THEN ARRAY['treasury_budget_cut']::text[] ELSE '{}'::text[] END,
        jsonb_build_object('treasury_budget_scale', v_scale,
                           'treasury_budget', jsonb_build_object('order_notional', v_order, 'instrument', v_inst,
                                                                 'cluster', v_clus, 'quote', v_quote, 'portfolio', v_port));
END
$$;

COMMENT ON FUNCTION risk._treasury_budget(integer, timestamptz, jsonb, text, text, text, numeric, numeric, numeric, numeric, numeric, numeric) IS 'Internal (admission): under a treasury risk-budget cut (the latest rolling treasury status''s budget_scale below 1) an entry''s order notional and exposures after it must stay within the scaled caps (the portfolio''s within the scaled max_portfolio_exposure, or equity when unset); reason treasury_budget_cut above any.';
