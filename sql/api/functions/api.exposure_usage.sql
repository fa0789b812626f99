-- api.exposure_usage(p_account) -> one row per (account, kind, key, limit)
-- Worker, operator, auditor. What the caps and loss limits of each account's risk profile have used at the
-- account's last closed hour (the console's exposure page, docs/operator.md), one row per figure and limit:
--   instrument, cluster, quote   the exposures the hour close recorded (portfolio.hourly_state.exposures:
--                                positions at mark) against max_instrument_exposure, max_cluster_exposure and
--                                max_quote_exposure of that key (the key's own limit, else scope '*');
--   pool                         every capital pool (risk.pool): its strategies' positions at mark plus their
--                                open buys at that close (portfolio.strategy_hour: the figures of
--                                risk.strategy_figures that risk._check_pool sums) against pool_budget;
--   portfolio '*'                positions at mark against max_portfolio_exposure;
--   drawdown '*'                 peak equity - equity against drawdown_reduce_tier, drawdown_halt_tier,
--                                drawdown_flatten_tier and max_drawdown (pct of the peak);
--   daily_loss '*'               day-start equity - equity (0 when up) against max_daily_loss and
--                                daily_loss_halt (pct of the day-start equity).
-- amount in the reporting currency; base what a pct limit is a share of (equity, peak or day-start equity);
-- share = amount / base; limit_scope, limit_mode and limit_value the limit in force (api.limits; scope NULL: none
-- set; value NULL: disabled); cap the limit as an amount (risk.cap, the resolution admission and the hour close
-- use); used = amount / cap (NULL without a cap). Admission compares the exposure caps against positions plus
-- open buys plus the order at decision time; these rows are the recorded figures of the last close. Accounts
-- without a closed hour have no row. PD011 an unknown account.
-- Tables read: trading.account, portfolio.hourly_state, portfolio.strategy_hour, risk.pool, risk.limit_setting.
CREATE OR REPLACE FUNCTION api.exposure_usage(p_account text DEFAULT NULL)
RETURNS TABLE (account text, hour timestamptz, kind text, key text, amount numeric, base numeric, share numeric,
               limit_name text, limit_scope text, limit_mode text, limit_value numeric, cap numeric, used numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    IF p_account IS NOT NULL THEN
        PERFORM trading._account(p_account);
    END IF;
    RETURN QUERY
    WITH closed AS (
        SELECT a.book_id, a.name, h.hour AS at_hour, h.equity, h.peak_equity, h.day_start_equity, h.positions_value,
               h.exposures, risk.current_limits(a.risk_profile) AS lims
          FROM trading.account a
          JOIN LATERAL (SELECT s.hour, s.equity, s.peak_equity, s.day_start_equity, s.positions_value, s.exposures
                          FROM portfolio.hourly_state s WHERE s.book_id = a.book_id ORDER BY s.hour DESC LIMIT 1) h ON true
         WHERE p_account IS NULL OR a.name = p_account),
    figures AS (
        SELECT c.name, c.at_hour, c.lims, e.kind AS x_kind, e.key AS x_key, e.notional AS x_amount, c.equity AS x_base
          FROM closed c CROSS JOIN LATERAL jsonb_to_recordset(c.exposures) AS e(kind text, key text, notional numeric)
        UNION ALL
        SELECT c.name, c.at_hour, c.lims, 'pool', p.pool,
               coalesce((SELECT sum(sh.position_value + sh.open_buy_notional) FROM portfolio.strategy_hour sh
                          WHERE sh.book_id = c.book_id AND sh.hour = c.at_hour AND sh.pool = p.pool), 0), c.equity
          FROM closed c CROSS JOIN risk.pool p
        UNION ALL
        SELECT c.name, c.at_hour, c.lims, 'portfolio', '*', c.positions_value, c.equity FROM closed c
        UNION ALL
        SELECT c.name, c.at_hour, c.lims, 'drawdown', '*', greatest(c.peak_equity - c.equity, 0), c.peak_equity FROM closed c
        UNION ALL
        SELECT c.name, c.at_hour, c.lims, 'daily_loss', '*', greatest(c.day_start_equity - c.equity, 0), c.day_start_equity
          FROM closed c),
    limits (lim_kind, lim_name, ord) AS (
        VALUES ('instrument', 'max_instrument_exposure', 1), ('cluster', 'max_cluster_exposure', 2),
               ('quote', 'max_quote_exposure', 3), ('pool', 'pool_budget', 4), ('portfolio', 'max_portfolio_exposure', 5),
               ('drawdown', 'drawdown_reduce_tier', 6), ('drawdown', 'drawdown_halt_tier', 7),
               ('drawdown', 'drawdown_flatten_tier', 8), ('drawdown', 'max_drawdown', 9),
               ('daily_loss', 'max_daily_loss', 10), ('daily_loss', 'daily_loss_halt', 11))
    SELECT f.name, f.at_hour, f.x_kind, f.x_key, f.x_amount, f.x_base,
           CASE WHEN f.x_base > 0 THEN f.x_amount / f.x_base END,
           l.lim_name,
           CASE WHEN f.lims -> l.lim_name ? f.x_key THEN f.x_key WHEN f.lims -> l.lim_name ? '*' THEN '*' END,
           r.setting ->> 'mode', (r.setting ->> 'value')::numeric,
           r.cap_amount,
           CASE WHEN r.cap_amount > 0 THEN f.x_amount / r.cap_amount END
      FROM figures f
      JOIN limits l ON l.lim_kind = f.x_kind
     CROSS JOIN LATERAL (SELECT coalesce(f.lims -> l.lim_name -> f.x_key, f.lims -> l.lim_name -> '*') AS setting,
                                risk.cap(f.lims, l.lim_name, f.x_key, f.x_base) AS cap_amount) r
     ORDER BY f.name, l.ord, f.x_key;
END
$$;

COMMENT ON FUNCTION api.exposure_usage(text) IS
'Worker, operator, auditor: at each account''s last closed hour, every cap and loss limit against its figure: exposure by instrument, cluster and quote currency (recorded by the hour close), by capital pool (its strategies'' positions and open buys) and of the portfolio against max_instrument_exposure, max_cluster_exposure, max_quote_exposure, pool_budget and max_portfolio_exposure (the key''s own limit, else *); drawdown against its tiers and max_drawdown; the daily loss against max_daily_loss and daily_loss_halt. Amount, base and share, the limit in force, the cap as an amount (risk.cap) and the share of it used. PD011 unknown account.';
