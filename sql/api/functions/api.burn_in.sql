-- api.burn_in(p_venue, p_strategy) -> (account, mode, hours, days, first_hour, last_hour)
-- Worker, operator, auditor. The forward burn-in records of a strategy on a venue: per paper or shadow account on
-- that venue with the strategy registered and a run fed by the live sync (ops.run.config feed = 'sync'), the hours
-- it closed (days = hours / 24). api.register_strategy on a live account requires one with at least the
-- operator's live_burn_in_days (ops.setting). A backtest over stored history is no burn-in.
-- Tables read: trading.account, trading.strategy, ops.run, portfolio.hourly_state.
CREATE OR REPLACE FUNCTION api.burn_in(p_venue text, p_strategy text)
RETURNS TABLE (account text, mode text, hours bigint, days numeric, first_hour timestamptz, last_hour timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
    SELECT a.name, a.mode, count(h.hour), round(count(h.hour) / 24.0, 2), min(h.hour), max(h.hour)
      FROM trading.account a
      JOIN trading.strategy s ON s.book_id = a.book_id AND s.strategy = p_strategy
      JOIN portfolio.hourly_state h ON h.book_id = a.book_id
     WHERE a.venue = p_venue AND a.mode IN ('paper', 'shadow')
       AND EXISTS (SELECT FROM ops.run r WHERE r.book_id = a.book_id AND r.config->>'feed' = 'sync')
     GROUP BY a.name, a.mode
     ORDER BY count(h.hour) DESC, a.name;
$$;

COMMENT ON FUNCTION api.burn_in(text, text) IS 'The forward burn-in records of a strategy on a venue: sync-fed paper or shadow accounts with it registered, and the hours (days) each closed. A live account may register the strategy only with live_burn_in_days of it.';
