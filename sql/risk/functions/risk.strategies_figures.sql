-- risk.strategies_figures(p_book_id, p_ts, p_strategies)
--   -> (strategy, pool, position_value, open_buy_notional, realized_pnl, unrealized_pnl, pnl, day_start_pnl,
--       daily_pnl, peak_pnl, drawdown), one row per strategy, by strategy name
-- The one computation of the strategies' own figures (issue 13 item 2), for every strategy of the book (p_strategies
-- NULL) or for those named, in one pass: one read of their fills, one of the marks of the symbols they hold
-- (market.bars_known), one of their open buys. risk.strategy_figures (one strategy: admission, the gates) is this
-- function filtered to that strategy; the hour close (risk._evaluate_strategies) and the pool rule
-- (risk._check_pool) read it for all the strategies they judge at once. All amounts in the book's base (reporting)
-- currency, from each strategy's own fills up to p_ts (the fills of the orders whose strategy it is: its signals'
-- orders and its kill exits), marked at the last bars closed by p_ts (a position without a bar is valued at its
-- average cost):
--   position_value    Σ own net quantity × mark (net quantity = buys − sells − fees paid in the base)
--   open_buy_notional own buy orders open as of p_ts (decided by p_ts, no terminal event dated by p_ts):
--                     quantity − fills dated by p_ts, × limit (or decision) price
--   pnl               Σ sell proceeds − Σ buy cost − fees (in quote) + position_value   (realized + marked)
--                     (the sums over the fills: risk._fill_totals, which starts from the last daily checkpoint, so
--                     the cost does not grow with the strategy's history)
--   unrealized_pnl    position_value − own net quantity × average buy price; realized_pnl = pnl − unrealized
--   day_start_pnl     pnl at the close of the last hour at or before 00:00 UTC of p_ts's day
--                     (portfolio.strategy_hour; 0 before the strategy's first closed hour)
--   daily_pnl         pnl − day_start_pnl
--   peak_pnl          the highest pnl at any closed hour, 0 (its start) and now
--   drawdown          peak_pnl − pnl (an amount ≥ 0)
-- Each symbol's figures are converted into the reporting currency at p_ts (portfolio._to_reporting) before they are
-- summed. A strategy named but not registered gets its figures with pool NULL. Orders with no strategy (kill switch
-- and risk flatten exits) belong to the book, not to a strategy: they appear in no strategy's figures.
-- A forced generic plan (plan_cache_mode): planned once per session; with the default, each call planned its
-- queries again for the call's values, which cost more than running them (docs/performance.md, "The hour close").
CREATE OR REPLACE FUNCTION risk.strategies_figures(p_book_id integer, p_ts timestamptz, p_strategies text[] DEFAULT NULL)
RETURNS TABLE (strategy text, pool text, position_value numeric, open_buy_notional numeric, realized_pnl numeric,
               unrealized_pnl numeric, pnl numeric, day_start_pnl numeric, daily_pnl numeric, peak_pnl numeric,
               drawdown numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_venue text;
    v_rep   text;  -- the reporting currency
    v_names text[];
BEGIN
    SELECT a.venue, a.base_currency INTO v_venue, v_rep FROM trading.account a WHERE a.book_id = p_book_id;
    v_names := coalesce(p_strategies, ARRAY(SELECT t.strategy FROM trading.strategy t WHERE t.book_id = p_book_id));
    RETURN QUERY
    WITH s AS (
        SELECT DISTINCT n.name FROM unnest(v_names) n(name)),
    -- Their own fills' sums per symbol (risk._fill_totals: from the day's checkpoint plus the fills after it, the
    -- same numbers as a sum over every fill since the first; a fill voided by p_ts holds nothing).
    f AS (
        SELECT t.strategy, t.symbol, t.qty, t.flow, t.buy_qty, t.buy_notional
          FROM risk._fill_totals(p_book_id, v_names, p_ts) t),
    -- The marks of every symbol any of them holds, in one read (the rule of market.marks: 7 days' look-back).
    m AS (
        SELECT k.symbol, k.close
          FROM market.bars_known(v_venue, ARRAY(SELECT DISTINCT f.symbol FROM f WHERE f.qty > 0 ORDER BY 1), p_ts,
                                 NULL, interval '7 days') k),
    -- Multi-currency books (issue 13 item 6): each symbol's figures in the reporting currency at p_ts
    -- (portfolio._to_reporting: as they are in a book trading in its reporting currency only).
    v AS (
        SELECT f.strategy,
               sum(portfolio._to_reporting(v_venue, v_rep, split_part(f.symbol, '/', 2),
                       CASE WHEN f.qty > 0 THEN f.qty * coalesce(m.close, f.buy_notional / f.buy_qty) ELSE 0 END, p_ts)) AS value,
               sum(portfolio._to_reporting(v_venue, v_rep, split_part(f.symbol, '/', 2),
                       CASE WHEN f.qty > 0 THEN f.qty * f.buy_notional / f.buy_qty ELSE 0 END, p_ts)) AS cost,
               sum(portfolio._to_reporting(v_venue, v_rep, split_part(f.symbol, '/', 2), f.flow, p_ts)) AS flow
          FROM f LEFT JOIN m ON m.symbol = f.symbol
         GROUP BY f.strategy),
    -- Open buys as of p_ts (not as of now): decided by p_ts and not closed by a terminal event dated by p_ts, the
    -- quantity remaining after the fills dated by p_ts — the same rows gate 17 re-derives, so a buy filled or
    -- cancelled after p_ts still counts for another entry decided at p_ts. In the reporting currency at p_ts.
    o AS (
        SELECT r.strategy,
               sum(portfolio._to_reporting(v_venue, v_rep, split_part(r.symbol, '/', 2),
                   (r.quantity - coalesce((SELECT sum(f.quantity) FROM trading.fill f
                                            WHERE f.book_id = r.book_id AND f.client_order_id = r.client_order_id
                                              AND f.ts <= p_ts), 0))
                   * coalesce(r.limit_price, r.decision_price), p_ts)) AS open
          -- Candidates, so that the cost does not grow with the book's history: an order without a terminal event
          -- dated by p_ts either has no terminal event at all (its status, the status_after of its latest event,
          -- is still new, open or partially_filled: terminal states are final, and every order request is created
          -- with its 'created' event) or has an event dated after p_ts. The test below then decides, as before.
          -- Each candidate's request is read by its key (the LATERAL with OFFSET 0 keeps the planner from joining
          -- the book's whole order_request by a hash: the forced generic plan cannot see how few candidates there
          -- are; the upper bound on e.ts keeps the event range an index range in that plan).
          FROM (SELECT s.client_order_id FROM trading.order_state s
                 WHERE s.book_id = p_book_id AND s.status IN ('new', 'open', 'partially_filled')
                UNION
                SELECT e.client_order_id FROM trading.order_event e
                 WHERE e.book_id = p_book_id AND e.ts > p_ts AND e.ts <= 'infinity'::timestamptz) c
         CROSS JOIN LATERAL (SELECT q.* FROM trading.order_request q WHERE q.client_order_id = c.client_order_id OFFSET 0) r
         WHERE r.book_id = p_book_id AND r.strategy = ANY (v_names) AND r.side = 'buy' AND r.ts <= p_ts
           AND NOT EXISTS (SELECT FROM trading.order_event x
                            WHERE x.book_id = r.book_id AND x.client_order_id = r.client_order_id
                              AND x.status_after IN ('filled', 'canceled', 'rejected', 'expired') AND x.ts <= p_ts)
         GROUP BY r.strategy),
    x AS (
        SELECT s.name, t.pool, coalesce(v.value, 0) AS value, coalesce(v.cost, 0) AS cost,
               coalesce(v.flow, 0) + coalesce(v.value, 0) AS pnl, coalesce(o.open, 0) AS open,
               coalesce((SELECT h.pnl FROM portfolio.strategy_hour h
                          WHERE h.book_id = p_book_id AND h.strategy = s.name
                            AND h.hour <= date_trunc('day', p_ts - interval '1 second', 'UTC')
                          ORDER BY h.hour DESC LIMIT 1), 0) AS day,
               (SELECT h.peak_pnl FROM portfolio.strategy_hour h
                 WHERE h.book_id = p_book_id AND h.strategy = s.name AND h.hour < p_ts
                 ORDER BY h.hour DESC LIMIT 1) AS peak
          FROM s
          LEFT JOIN trading.strategy t ON t.book_id = p_book_id AND t.strategy = s.name
          LEFT JOIN v ON v.strategy = s.name
          LEFT JOIN o ON o.strategy = s.name)
    SELECT x.name, x.pool, x.value, x.open, x.pnl - (x.value - x.cost), x.value - x.cost, x.pnl, x.day, x.pnl - x.day,
           greatest(coalesce(x.peak, 0), x.pnl), greatest(coalesce(x.peak, 0), x.pnl) - x.pnl
      FROM x
     ORDER BY x.name;
END
$$;

COMMENT ON FUNCTION risk.strategies_figures(integer, timestamptz, text[]) IS 'The strategies'' own figures at business time p_ts, in one pass (every strategy of the book, or those named): per strategy its pool, position value, open buy notional, realized and unrealized PnL, PnL, day-start PnL, daily PnL, peak PnL and drawdown (amount), from its own fills marked at the last closed bars (market.bars_known), in the reporting currency. The one computation: risk.strategy_figures filters it to one strategy; the hour close and the pool rule read it whole.';
