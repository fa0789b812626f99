-- risk.strategy_figures(p_book_id, p_strategy, p_ts)
--   -> (pool, position_value, open_buy_notional, realized_pnl, unrealized_pnl, pnl, day_start_pnl, daily_pnl,
--       peak_pnl, drawdown)
-- The one computation of a strategy's own figures (issue 13 item 2), used by admission, the hour close and
-- the gates. All amounts in the book's base (quote) currency, from the strategy's own fills up to p_ts (the
-- fills of the orders whose strategy it is: its signals' orders and its kill exits), marked at the last bars
-- closed by p_ts (a position without a bar is valued at its average cost):
--   position_value    Σ own net quantity × mark (net quantity = buys − sells − fees paid in the base)
--   open_buy_notional own buy orders open as of p_ts (decided by p_ts, no terminal event dated by p_ts):
--                     quantity − fills dated by p_ts, × limit (or decision) price
--   pnl               Σ sell proceeds − Σ buy cost − fees (in quote) + position_value   (realized + marked)
--   unrealized_pnl    position_value − own net quantity × average buy price; realized_pnl = pnl − unrealized
--   day_start_pnl     pnl at the close of the last hour at or before 00:00 UTC of p_ts's day
--                     (portfolio.strategy_hour; 0 before the strategy's first closed hour)
--   daily_pnl         pnl − day_start_pnl
--   peak_pnl          the highest pnl at any closed hour, 0 (its start) and now
--   drawdown          peak_pnl − pnl (an amount ≥ 0)
-- Orders with no strategy (kill switch and risk flatten exits) belong to the book, not to a strategy: they
-- appear in no strategy's figures.
CREATE OR REPLACE FUNCTION risk.strategy_figures(p_book_id integer, p_strategy text, p_ts timestamptz)
RETURNS TABLE (pool text, position_value numeric, open_buy_notional numeric, realized_pnl numeric,
               unrealized_pnl numeric, pnl numeric, day_start_pnl numeric, daily_pnl numeric, peak_pnl numeric,
               drawdown numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_venue  text;
    v_rep    text;  -- the reporting currency
    v_pool   text;
    v_value  numeric;
    v_cost   numeric;
    v_flow   numeric;
    v_open   numeric;
    v_pnl    numeric;
    v_day    numeric;
    v_peak   numeric;
BEGIN
    SELECT a.venue, a.base_currency INTO v_venue, v_rep FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT s.pool INTO v_pool FROM trading.strategy s WHERE s.book_id = p_book_id AND s.strategy = p_strategy;
    WITH f AS (
        SELECT f.symbol,
               sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
                   - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END) AS qty,
               sum(CASE WHEN f.side = 'buy' THEN -f.quantity * f.price ELSE f.quantity * f.price END
                   - CASE WHEN f.fee = 0 OR f.fee_currency = split_part(f.symbol, '/', 1) THEN 0
                          WHEN f.fee_currency = split_part(f.symbol, '/', 2) THEN f.fee
                          ELSE trading._fee_in_quote(v_venue, f.symbol, f.fee, f.fee_currency, f.price, f.ts) END) AS flow,
               sum(f.quantity) FILTER (WHERE f.side = 'buy') AS buy_qty,
               sum(f.quantity * f.price) FILTER (WHERE f.side = 'buy') AS buy_notional
          FROM trading.fill f
          JOIN trading.order_request r ON r.client_order_id = f.client_order_id
         WHERE f.book_id = p_book_id AND r.book_id = p_book_id AND r.strategy = p_strategy AND f.ts <= p_ts
           -- a fill voided by p_ts (api.void_fill: the venue never made it) holds nothing
           AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                              AND v.venue_trade_id = f.venue_trade_id AND v.ts <= p_ts)
         GROUP BY f.symbol),
    m AS (
        SELECT k.symbol, k.close FROM market.marks(v_venue, ARRAY(SELECT f.symbol FROM f WHERE f.qty > 0), p_ts) k)
    -- Multi-currency books (issue 13 item 6): each symbol's figures in the reporting currency at p_ts
    -- (portfolio._to_reporting: as they are in a book trading in its reporting currency only).
    SELECT coalesce(sum(portfolio._to_reporting(v_venue, v_rep, split_part(f.symbol, '/', 2),
                            CASE WHEN f.qty > 0 THEN f.qty * coalesce(m.close, f.buy_notional / f.buy_qty) ELSE 0 END, p_ts)), 0),
           coalesce(sum(portfolio._to_reporting(v_venue, v_rep, split_part(f.symbol, '/', 2),
                            CASE WHEN f.qty > 0 THEN f.qty * f.buy_notional / f.buy_qty ELSE 0 END, p_ts)), 0),
           coalesce(sum(portfolio._to_reporting(v_venue, v_rep, split_part(f.symbol, '/', 2), f.flow, p_ts)), 0)
      INTO v_value, v_cost, v_flow
      FROM f LEFT JOIN m ON m.symbol = f.symbol;
    -- Open buys as of p_ts (not as of now): decided by p_ts and not closed by a terminal event dated by p_ts, the
    -- quantity remaining after the fills dated by p_ts — the same rows gate 17 re-derives, so a buy filled or
    -- cancelled after p_ts still counts for another entry decided at p_ts. In the reporting currency at p_ts.
    SELECT coalesce(sum(portfolio._to_reporting(v_venue, v_rep, split_part(r.symbol, '/', 2),
                        (r.quantity - coalesce((SELECT sum(f.quantity) FROM trading.fill f
                                                 WHERE f.book_id = r.book_id AND f.client_order_id = r.client_order_id
                                                   AND f.ts <= p_ts), 0))
                        * coalesce(r.limit_price, r.decision_price), p_ts)), 0) INTO v_open
      FROM trading.order_request r
     WHERE r.book_id = p_book_id AND r.strategy = p_strategy AND r.side = 'buy' AND r.ts <= p_ts
       -- Candidates, so that the cost does not grow with the book's history: an order without a terminal event
       -- dated by p_ts either has no terminal event at all (its status, the status_after of its latest event,
       -- is still new, open or partially_filled: terminal states are final, and every order request is created
       -- with its 'created' event) or has an event dated after p_ts. The test below then decides, as before.
       AND r.client_order_id IN (SELECT s.client_order_id FROM trading.order_state s
                                  WHERE s.book_id = p_book_id AND s.status IN ('new', 'open', 'partially_filled')
                                 UNION
                                 SELECT e.client_order_id FROM trading.order_event e
                                  WHERE e.book_id = p_book_id AND e.ts > p_ts)
       AND NOT EXISTS (SELECT FROM trading.order_event v
                        WHERE v.book_id = r.book_id AND v.client_order_id = r.client_order_id
                          AND v.status_after IN ('filled', 'canceled', 'rejected', 'expired') AND v.ts <= p_ts);
    v_pnl := v_flow + v_value;
    SELECT h.pnl INTO v_day FROM portfolio.strategy_hour h
     WHERE h.book_id = p_book_id AND h.strategy = p_strategy
       AND h.hour <= date_trunc('day', p_ts - interval '1 second', 'UTC')
     ORDER BY h.hour DESC LIMIT 1;
    SELECT h.peak_pnl INTO v_peak FROM portfolio.strategy_hour h
     WHERE h.book_id = p_book_id AND h.strategy = p_strategy AND h.hour < p_ts
     ORDER BY h.hour DESC LIMIT 1;
    v_day := coalesce(v_day, 0);
    v_peak := greatest(coalesce(v_peak, 0), v_pnl);
    RETURN QUERY SELECT v_pool, v_value, v_open, v_pnl - (v_value - v_cost), v_value - v_cost, v_pnl, v_day,
                        v_pnl - v_day, v_peak, v_peak - v_pnl;
END
$$;

COMMENT ON FUNCTION risk.strategy_figures(integer, text, timestamptz) IS 'A strategy''s own figures at business time p_ts from its own fills, marked at the last closed bars, in the reporting currency (base currency; other quotes converted at p_ts): pool, position value, open buy notional, realized and unrealized PnL, PnL, day-start PnL, daily PnL, peak PnL and drawdown (amount). The one computation admission, the hour close and the gates use.';
