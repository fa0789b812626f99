-- portfolio.valuation(p_book_id, p_ts) -> one row: the book's figures at business time p_ts
-- The one definition of cash, positions at mark, open-buy commitments, equity, peak, day-start equity, drawdown and
-- daily PnL (issue 17 item 1), in the book's reporting currency (trading.account.base_currency) for books holding
-- several quote currencies (issue 13 item 6). api.submit_signal, api.close_hour and risk._evaluate_intrahour all
-- read it; gate 20 recomputes it from postings, fills and candles.
--   * cash currencies: the reporting currency and every currency ever enabled for the book
--     (trading.book_currency); cash_c = the trading account's balance in c;
--   * lines, one per symbol held or with an open buy: quantity, mark = close of the last 1h bar closed by p_ts
--     within 7 days (market.marks; at cost basis / quantity without one, listed in stale_marks), local notional =
--     quantity × mark and open buys = Σ (quantity − filled) × (limit or decision price), both in the symbol's quote;
--     a position whose base is itself a cash currency (USDC bought on USDC/USD with USDC enabled) is in the cash
--     of that currency and is not valued again (notional 0);
--   * rate_c = market.conversion_rate(venue, c, reporting, p_ts) (1 for the reporting currency); a currency
--     without a rate is valued 0 and, when the book holds cash, a position or an open buy in it, listed in
--     missing_rates;
--   * cash = Σ cash_c × rate_c; positions_value = Σ local notional × rate_quote; open_buy_notional likewise;
--     cost_basis likewise; equity = cash + positions_value;
--   * peak = max(peak of the book's latest closed hour, equity); day_start = equity of that hour when it closed a
--     previous UTC day, else its day-start equity (equity itself before any closed hour); drawdown = 1 − equity /
--     peak (0 at or above it); daily_pnl = equity − day_start.
-- currencies: {CCY: {cash, positions, open_buys (in CCY), rate, symbol, bar_close, inverted, cash_currency}}; lines: a JSON array
-- by symbol of {symbol, cluster, quote, quantity, mark, bar_close, local_notional, local_open_buy, rate, notional,
-- open_buy} (notional and open_buy in the reporting currency). trade_currencies: the quotes the book may enter
-- now (the reporting currency and the currencies enabled in the latest revision).
-- For a book in one currency every figure is what the three callers computed before migration 0019.
-- A forced generic plan (plan_cache_mode): planned once per session; with the default, each call planned its
-- queries again for the call's values, which cost more than running them (docs/performance.md, "The hour close").
-- The held positions and their marks are read first (materialized): planned generically, the positions' join
-- otherwise ran once per instrument of the venue, each time reading the marks' rows again (issue 18; same figures).
CREATE OR REPLACE FUNCTION portfolio.valuation(p_book_id integer, p_ts timestamptz)
RETURNS TABLE (reporting text, cash numeric, positions_value numeric, open_buy_notional numeric, cost_basis numeric,
               equity numeric, peak_equity numeric, day_start_equity numeric, drawdown numeric, daily_pnl numeric,
               last_hour timestamptz, trade_currencies text[], currencies jsonb, lines jsonb, missing_rates text[],
               stale_marks text[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_acct   trading.account;
    v_last   portfolio.hourly_state;
    v_cash_c text[];
    v_trade  text[];
    v_equity numeric;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = p_book_id ORDER BY h.hour DESC LIMIT 1;
    v_cash_c := ARRAY[v_acct.base_currency]
             || ARRAY(SELECT DISTINCT c.currency FROM trading.book_currency c
                       WHERE c.book_id = p_book_id AND c.currency <> v_acct.base_currency ORDER BY 1);
    v_trade := ARRAY[v_acct.base_currency]
            || ARRAY(SELECT x.currency FROM (SELECT DISTINCT ON (c.currency) c.currency, c.enabled FROM trading.book_currency c
                                             WHERE c.book_id = p_book_id AND c.currency <> v_acct.base_currency
                                             ORDER BY c.currency, c.revision DESC) x
                      WHERE x.enabled ORDER BY 1);

    RETURN QUERY
    WITH held AS MATERIALIZED (
        SELECT p.symbol, p.quantity, p.cost_basis FROM trading.position p WHERE p.book_id = p_book_id AND p.quantity > 0),
    m AS MATERIALIZED (
        SELECT k.symbol, k.close, k.bar_close FROM market.marks(v_acct.venue, ARRAY(SELECT h.symbol FROM held h), p_ts) k),
    pos AS (
        SELECT p.symbol, a.cluster, i.quote, p.quantity, m.close AS mark, m.bar_close,
               CASE WHEN i.base = ANY (v_cash_c) THEN 0
                    ELSE p.quantity * coalesce(m.close, p.cost_basis / p.quantity) END AS local_notional,
               CASE WHEN i.base = ANY (v_cash_c) THEN 0 ELSE p.cost_basis END AS cost_basis,
               i.base = ANY (v_cash_c) AS is_cash
          FROM held p
          JOIN market.instrument i ON i.venue = v_acct.venue AND i.symbol = p.symbol
          JOIN market.asset a ON a.asset = i.base
          LEFT JOIN m ON m.symbol = p.symbol),
    buys AS (
        SELECT r.symbol, a.cluster, i.quote,
               sum((s.quantity - s.filled_qty) * coalesce(r.limit_price, r.decision_price)) AS local_open_buy
          FROM trading.order_state s
          JOIN trading.order_request r ON r.client_order_id = s.client_order_id
          JOIN market.instrument i ON i.venue = v_acct.venue AND i.symbol = r.symbol
          JOIN market.asset a ON a.asset = i.base
         WHERE s.book_id = p_book_id AND s.status IN ('new', 'open', 'partially_filled') AND s.side = 'buy'
         GROUP BY r.symbol, a.cluster, i.quote),
    l AS (
        SELECT coalesce(p.symbol, b.symbol) AS symbol, coalesce(p.cluster, b.cluster) AS cluster,
               coalesce(p.quote, b.quote) AS quote, coalesce(p.quantity, 0) AS quantity, p.mark, p.bar_close,
               coalesce(p.local_notional, 0) AS local_notional, coalesce(b.local_open_buy, 0) AS local_open_buy,
               coalesce(p.cost_basis, 0) AS cost_basis, coalesce(p.is_cash, false) AS is_cash, p.symbol IS NOT NULL AS held
          FROM pos p FULL JOIN buys b ON b.symbol = p.symbol),
    c AS (
        SELECT x.ccy, x.ccy = ANY (v_cash_c) AS is_cash_ccy
          FROM (SELECT unnest(v_cash_c) AS ccy UNION SELECT l.quote FROM l) x),
    r AS (
        SELECT c.ccy, c.is_cash_ccy, cr.rate, cr.symbol, cr.bar_close, cr.inverted,
               CASE WHEN c.is_cash_ccy THEN coalesce(b.balance, 0) ELSE 0 END AS cash
          FROM c
          LEFT JOIN LATERAL market.conversion_rate(v_acct.venue, c.ccy, v_acct.base_currency, p_ts) cr ON true
          LEFT JOIN ledger.balance b ON b.book_id = p_book_id AND b.account_code = 'trading' AND b.currency = c.ccy),
    lr AS (
        SELECT l.*, r.rate, l.local_notional * coalesce(r.rate, 0) AS notional,
               l.local_open_buy * coalesce(r.rate, 0) AS open_buy, l.cost_basis * coalesce(r.rate, 0) AS cost_value
          FROM l JOIN r ON r.ccy = l.quote),
    tot AS (
        SELECT (SELECT coalesce(sum(r.cash * coalesce(r.rate, 0)), 0) FROM r) AS cash,
               (SELECT coalesce(sum(lr.notional), 0) FROM lr) AS positions_value,
               (SELECT coalesce(sum(lr.open_buy), 0) FROM lr) AS open_buys,
               (SELECT coalesce(sum(lr.cost_value), 0) FROM lr) AS cost_value),
    e AS (
        SELECT t.*, t.cash + t.positions_value AS equity,
               greatest(coalesce(v_last.peak_equity, t.cash + t.positions_value), t.cash + t.positions_value) AS peak,
               CASE WHEN v_last.hour IS NULL THEN t.cash + t.positions_value
                    WHEN date_trunc('day', v_last.hour - interval '1 second', 'UTC') = date_trunc('day', p_ts - interval '1 second', 'UTC')
                        THEN v_last.day_start_equity
                    ELSE v_last.equity END AS day_start
          FROM tot t)
    SELECT v_acct.base_currency, t.cash, t.positions_value, t.open_buys, t.cost_value, t.equity, t.peak, t.day_start,
           CASE WHEN t.peak > 0 THEN greatest(0, 1 - t.equity / t.peak) ELSE 0 END,
           t.equity - t.day_start, v_last.hour, v_trade,
           (SELECT jsonb_object_agg(r.ccy, jsonb_build_object(
                       'cash', r.cash,
                       'positions', (SELECT coalesce(sum(lr.local_notional), 0) FROM lr WHERE lr.quote = r.ccy),
                       'open_buys', (SELECT coalesce(sum(lr.local_open_buy), 0) FROM lr WHERE lr.quote = r.ccy),
                       'rate', r.rate, 'symbol', r.symbol, 'bar_close', r.bar_close, 'inverted', r.inverted,
                       'cash_currency', r.is_cash_ccy))
              FROM r),
           (SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'symbol', lr.symbol, 'cluster', lr.cluster, 'quote', lr.quote, 'quantity', lr.quantity,
                       'mark', lr.mark, 'bar_close', lr.bar_close, 'local_notional', lr.local_notional,
                       'local_open_buy', lr.local_open_buy, 'rate', lr.rate, 'notional', lr.notional,
                       'open_buy', lr.open_buy, 'held', lr.held, 'is_cash', lr.is_cash) ORDER BY lr.symbol), '[]'::jsonb)
              FROM lr),
           ARRAY(SELECT r.ccy FROM r WHERE r.rate IS NULL AND (r.cash <> 0 OR EXISTS (SELECT FROM lr WHERE lr.quote = r.ccy))
                  ORDER BY 1),
           ARRAY(SELECT lr.symbol FROM lr WHERE lr.held AND NOT lr.is_cash AND (lr.bar_close IS NULL OR lr.bar_close < p_ts)
                  ORDER BY 1)
      FROM e t;
END
$$;

COMMENT ON FUNCTION portfolio.valuation(integer, timestamptz) IS 'The one definition of a book''s figures at p_ts, in its reporting currency: cash per currency and positions at mark converted at market.conversion_rate, open-buy commitments, equity, peak, day-start equity, drawdown, daily PnL; with the rates used (currencies), the lines per symbol, missing rates and stale marks. Used by api.submit_signal, api.close_hour and risk._evaluate_intrahour.';
