-- risk._check_strategy_loss(p_book_id, p_strategy, p_ts, p_side, p_limits, p_day_start, p_peak, p_figures) -> jsonb
-- A strategy's own loss limits (issue 13 item 2), from its own fills, realized and marked
-- (risk.strategy_figures). Entries (buys) only — a strategy past its limit may still exit:
--   strategy_daily_loss  its loss since 00:00 UTC ≥ strategy_max_daily_loss (pct of the book's day-start
--                        equity or an amount; scope = the strategy's name, else *);
--   strategy_drawdown    its PnL below its peak ≥ strategy_max_drawdown (pct of the book's peak equity or an
--                        amount).
-- The same limits kill the strategy alone at an hour close (risk._evaluate_strategies). With p_side NULL the
-- check is made whatever the side (the hour close uses it so). p_figures: the strategy's row of
-- risk.strategies_figures at p_ts as jsonb when the caller has it (the hour close computes every strategy's
-- figures once); NULL: read here from risk.strategy_figures.
-- Returns {"reasons": [...], "strategy_daily_pnl", "strategy_max_daily_loss", "strategy_drawdown",
-- "strategy_max_drawdown"}.
CREATE OR REPLACE FUNCTION risk._check_strategy_loss(p_book_id integer, p_strategy text, p_ts timestamptz,
                                                     p_side text, p_limits jsonb, p_day_start numeric, p_peak numeric,
                                                     p_figures jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_daily   numeric;  -- the strategy's daily PnL and drawdown at p_ts (risk.strategies_figures)
    v_drawdown numeric;
    v_loss    numeric;
    v_dd      numeric;
    v_reasons text[] := '{}';
BEGIN
    IF p_side IS DISTINCT FROM 'buy' AND p_side IS NOT NULL THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    v_loss := risk.cap(p_limits, 'strategy_max_daily_loss', p_strategy, p_day_start);
    v_dd := risk.cap(p_limits, 'strategy_max_drawdown', p_strategy, p_peak);
    IF v_loss IS NULL AND v_dd IS NULL THEN  -- no limit: nothing to compute
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    IF p_figures IS NULL THEN
        SELECT f.daily_pnl, f.drawdown INTO v_daily, v_drawdown FROM risk.strategy_figures(p_book_id, p_strategy, p_ts) f;
    ELSE
        v_daily := (p_figures ->> 'daily_pnl')::numeric;
        v_drawdown := (p_figures ->> 'drawdown')::numeric;
    END IF;
    IF v_loss IS NOT NULL AND v_daily < 0 AND -v_daily >= v_loss THEN
        v_reasons := v_reasons || 'strategy_daily_loss'::text;
    END IF;
    IF v_dd IS NOT NULL AND v_drawdown > 0 AND v_drawdown >= v_dd THEN
        v_reasons := v_reasons || 'strategy_drawdown'::text;
    END IF;
    RETURN jsonb_build_object('reasons', to_jsonb(v_reasons), 'strategy_daily_pnl', v_daily,
                              'strategy_max_daily_loss', v_loss, 'strategy_drawdown', v_drawdown,
                              'strategy_max_drawdown', v_dd);
END
$$;

COMMENT ON FUNCTION risk._check_strategy_loss(integer, text, timestamptz, text, jsonb, numeric, numeric, jsonb) IS 'Internal: a strategy''s own daily-loss and drawdown limits (strategy_daily_loss, strategy_drawdown) from its figures (p_figures, a row of risk.strategies_figures, else risk.strategy_figures), as jsonb {reasons, strategy_daily_pnl, strategy_max_daily_loss, strategy_drawdown, strategy_max_drawdown}; entries only unless p_side is null.';
