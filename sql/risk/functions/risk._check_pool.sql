-- risk._check_pool(p_book_id, p_strategy, p_ts, p_side, p_notional, p_limits, p_equity, p_day_start, p_peak) -> jsonb
-- The capital-pool rules of an order (issue 13 item 1), for api.submit_signal: {"reasons": [...], figures}.
-- Entries (buys) only; a sell or exit is never refused by its pool.
--   pool_disabled    the book's lane does not enable the strategy's pool (risk.lane_pool_setting; live_canary
--                    enables CORE only);
--   pool_budget      exposure of the pool's strategies' positions at mark + their open buys + this order >
--                    the pool's budget (limit pool_budget scoped by the pool name: pct of equity or an amount);
--   pool_daily_loss  the pool's strategies lost at least pool_max_daily_loss since 00:00 UTC (pct of the book's
--                    day-start equity or an amount);
--   pool_drawdown    the pool's PnL is at least pool_max_drawdown below its peak at an hour close (pct of the
--                    book's peak equity or an amount).
-- Figures: pool, pool_enabled, pool_after, pool_budget, pool_daily_pnl, pool_max_daily_loss, pool_drawdown,
-- pool_max_drawdown (amounts in the base currency; null = no limit). The strategies' figures come from
-- risk.strategies_figures (all the pool's strategies in one pass).
CREATE OR REPLACE FUNCTION risk._check_pool(p_book_id integer, p_strategy text, p_ts timestamptz, p_side text,
                                            p_notional numeric, p_limits jsonb, p_equity numeric,
                                            p_day_start numeric, p_peak numeric)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_lane     text;
    v_pool     text;
    v_enabled  boolean;
    v_after    numeric;
    v_daily    numeric;
    v_pnl      numeric;
    v_peak     numeric;
    v_budget   numeric;
    v_max_loss numeric;
    v_max_dd   numeric;
    v_reasons  text[] := '{}';
BEGIN
    IF p_side <> 'buy' THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    SELECT a.lane INTO v_lane FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT s.pool INTO v_pool FROM trading.strategy s WHERE s.book_id = p_book_id AND s.strategy = p_strategy;
    v_enabled := risk.pool_enabled(v_lane, v_pool);
    IF NOT v_enabled THEN
        v_reasons := v_reasons || 'pool_disabled'::text;
    END IF;
    v_budget := risk.cap(p_limits, 'pool_budget', v_pool, p_equity);
    v_max_loss := risk.cap(p_limits, 'pool_max_daily_loss', v_pool, p_day_start);
    v_max_dd := risk.cap(p_limits, 'pool_max_drawdown', v_pool, p_peak);
    IF v_budget IS NULL AND v_max_loss IS NULL AND v_max_dd IS NULL THEN  -- no pool limit: nothing to compute
        RETURN jsonb_build_object('reasons', to_jsonb(v_reasons), 'pool', v_pool, 'pool_enabled', v_enabled,
                                  'pool_budget', NULL);
    END IF;
    -- The pool's strategies' figures in one pass (risk.strategies_figures, the one computation).
    SELECT coalesce(sum(f.position_value + f.open_buy_notional), 0), coalesce(sum(f.daily_pnl), 0), coalesce(sum(f.pnl), 0)
      INTO v_after, v_daily, v_pnl
      FROM risk.strategies_figures(p_book_id, p_ts,
                                   ARRAY(SELECT s.strategy FROM trading.strategy s
                                          WHERE s.book_id = p_book_id AND s.pool = v_pool)) f;
    v_after := v_after + p_notional;
    IF v_budget IS NOT NULL AND v_after > v_budget THEN
        v_reasons := v_reasons || 'pool_budget'::text;
    END IF;
    IF v_max_loss IS NOT NULL AND v_daily < 0 AND -v_daily >= v_max_loss THEN
        v_reasons := v_reasons || 'pool_daily_loss'::text;
    END IF;
    IF v_max_dd IS NOT NULL THEN
        SELECT greatest(0, v_pnl, max(x.pnl)) INTO v_peak
          FROM (SELECT sum(h.pnl) AS pnl FROM portfolio.strategy_hour h
                 WHERE h.book_id = p_book_id AND h.pool = v_pool AND h.hour < p_ts GROUP BY h.hour) x;
        IF v_peak - v_pnl >= v_max_dd AND v_peak > v_pnl THEN
            v_reasons := v_reasons || 'pool_drawdown'::text;
        END IF;
    END IF;
    RETURN jsonb_build_object('reasons', to_jsonb(v_reasons), 'pool', v_pool, 'pool_enabled', v_enabled,
                              'pool_after', v_after, 'pool_budget', v_budget, 'pool_daily_pnl', v_daily,
                              'pool_max_daily_loss', v_max_loss, 'pool_drawdown', v_peak - v_pnl,
                              'pool_max_drawdown', v_max_dd);
END
$$;

COMMENT ON FUNCTION risk._check_pool(integer, text, timestamptz, text, numeric, jsonb, numeric, numeric, numeric) IS 'Internal: the pool rules of an entry for api.submit_signal (pool_disabled, pool_budget, pool_daily_loss, pool_drawdown) with the figures they used, as jsonb {reasons, pool, pool_after, pool_budget, ...}.';
