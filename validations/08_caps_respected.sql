-- Gate 08 — every admitted order respected the caps (DESIGN.md §3.7).
-- Re-checks each admission against the caps from the figures the gate recorded in risk.decision.figures (equity,
-- cash, open buys, exposures after the trade, and the caps in force as amounts under figures->'caps'):
--   * an admitted decision has no reason codes, and its order request is the one of its signal (same book,
--     strategy, symbol, decision time; the decision price and notional are the recorded ones);
--   * buys: notional ≤ max_order_notional; instrument, cluster, quote-currency and portfolio exposure after
--     the trade ≤ their caps; notional × (1 + fee rate) ≤ cash − open buys × (1 + fee rate); the signal's
--     edge ≥ min_edge_bps and ≤ max_claimed_edge_bps; the daily loss was below max_daily_loss and the drawdown below max_drawdown;
--   * multi-currency (decisions recording figures->'valuation', migration 0019): caps compare the notional in
--     the reporting currency (valuation.notional_value = notional × the quote's recorded rate), cash sufficiency
--     compares in the instrument's quote (valuation.quote_cash − valuation.quote_open_buys); gate 20 checks
--     the recorded rate against the candles;
--   * sells never exceed the free position (position − open sells);
--   * fewer than max_orders_per_hour orders had been admitted in the hour before;
--   * every order created from a signal has an admitted decision.
-- What each admission relied on, recomputed from the source as of the decision (issue 17 item 2) — not taken from
-- the figures it recorded, so a bug in the admission arithmetic fails here; plain SQL, no Predator function
-- except market.conversion_rate for the cash of a currency other than the reporting one (gate 20 checks rates);
-- exact comparisons (numeric, no tolerance):
--   * 'mark recomputed from the candles': figures price and bar_close = the close of the latest 1h bar of the
--     symbol closed by the decision time (open ts <= ts − 1h) and opened within 7 days, highest revision among
--     the revisions loaded by then (a load recorded after the decision is not held against it; for a decision of
--     a sync-fed hour, only the loads up to the one portfolio.hour_knowledge names for that hour and symbol);
--   * 'cash recomputed from the journal': figures cash = Σ over the cash currencies (the reporting one and every
--     currency enabled before the decision) of the trading account's balance after the last posting recorded
--     before the decision × the currency's conversion rate at the decision time;
--     'cash per currency recomputed from the journal': each of those balances = figures valuation.rates.C.cash;
--   * 'position recomputed from the fills': figures position_qty ≤ the book's position in the symbol from the
--     fills recorded before the decision (buys − sells − fees paid in the base), less the voids recorded by then
--     (a strategy's own position never exceeds the book's).
--   Equity, positions value, open buys and exposures are not recomputed here (gate 20 recomputes each hour's).
-- A cap recorded as null was disabled. A row is one violation: the decision (signal seq) and the broken cap.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/08_caps_respected.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's decisions and orders; from/to: the decisions (ts) and orders (ts) judged (the postings and
-- fills before each judged decision are read from the book's start).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH d AS (
    SELECT d.book_id, d.signal_seq, d.client_order_id, d.reasons, d.figures, d.figures -> 'caps' AS caps,
           d.symbol, d.ts, d.recorded_at,
           s.edge_bps, r.side, r.quantity, r.limit_price, r.decision_price, r.seq AS order_seq, r.ts AS order_ts,
           (r.book_id, r.signal_seq, r.strategy, r.symbol, r.ts, r.origin)
               IS NOT DISTINCT FROM (d.book_id, d.signal_seq, d.strategy, d.symbol, d.ts, 'signal') AS order_matches,
           (d.figures ->> 'notional')::numeric AS notional
      FROM risk.decision d
      JOIN trading.signal s ON s.book_id = d.book_id AND s.seq = d.signal_seq
      LEFT JOIN trading.order_request r ON r.client_order_id = d.client_order_id
     WHERE (:'account' = '' OR d.book_id = :book) AND d.ts >= :'from' AND d.ts <= :'to'
       AND d.outcome = 'admitted'),
-- What each admission relied on, recomputed from the source as of the decision (its recorded_at): see the header.
known AS (      -- the decision's symbol and the load it knew: a sync-fed hour's knowledge row, else every load by then
    SELECT d.book_id, d.signal_seq, a.venue, a.base_currency AS reporting, k.book_id IS NOT NULL AS has_knowledge,
           coalesce(k.load_id, 0) AS known_load
      FROM d
      JOIN trading.account a ON a.book_id = d.book_id
      LEFT JOIN portfolio.hour_knowledge k ON k.book_id = d.book_id AND k.hour = d.ts AND k.symbol = d.symbol
                                          AND k."interval" = '1h'),
mark AS (       -- the close of the latest 1h bar closed by ts within 7 days, highest revision loaded by then
    SELECT d.book_id, d.signal_seq, b.close AS mark, b.ts + interval '1 hour' AS bar_close
      FROM d
      JOIN known k ON k.book_id = d.book_id AND k.signal_seq = d.signal_seq
      LEFT JOIN LATERAL (
          SELECT c.ts, c.close FROM market.candle c
           WHERE c.venue = k.venue AND c.symbol = d.symbol AND c."interval" = '1h'
             AND c.ts <= d.ts - interval '1 hour' AND c.ts > d.ts - interval '7 days'
             AND (NOT k.has_knowledge OR c.load_id <= k.known_load)
             AND NOT EXISTS (SELECT FROM market.candle_load l WHERE l.load_id = c.load_id AND l.recorded_at > d.recorded_at)
           ORDER BY c.ts DESC, c.revision DESC
           LIMIT 1) b ON true),
dc AS (         -- the cash currencies at each decision: the reporting one and every one enabled by then
    SELECT d.book_id, d.signal_seq, d.recorded_at, d.ts, k.venue, k.reporting, k.reporting AS ccy
      FROM d JOIN known k ON k.book_id = d.book_id AND k.signal_seq = d.signal_seq
    UNION
    SELECT d.book_id, d.signal_seq, d.recorded_at, d.ts, k.venue, k.reporting, c.currency
      FROM d JOIN known k ON k.book_id = d.book_id AND k.signal_seq = d.signal_seq
      JOIN trading.book_currency c ON c.book_id = d.book_id AND c.recorded_at <= d.recorded_at),
cash_ev AS (    -- the trading account's postings and the decisions in one stream per currency, in recorded order
    SELECT p.book_id, p.currency AS ccy, p.recorded_at, 0 AS kind, p.seq, p.balance_after, NULL::bigint AS signal_seq
      FROM ledger.posting p
     WHERE (:'account' = '' OR p.book_id = :book) AND p.account_code = 'trading'
       AND p.recorded_at <= (SELECT max(d.recorded_at) FROM d)
    UNION ALL
    SELECT dc.book_id, dc.ccy, dc.recorded_at, 1, 0, NULL, dc.signal_seq FROM dc),
cash_grp AS (
    SELECT e.*, count(*) FILTER (WHERE e.kind = 0)
                    OVER (PARTITION BY e.book_id, e.ccy ORDER BY e.recorded_at, e.kind, e.seq) AS g
      FROM cash_ev e),
cash_at AS (    -- each decision's balance per cash currency: the last posting recorded before it
    SELECT c.book_id, c.signal_seq, c.ccy,
           coalesce(first_value(c.balance_after) OVER (PARTITION BY c.book_id, c.ccy, c.g ORDER BY c.kind, c.seq), 0) AS balance,
           c.g
      FROM cash_grp c),
cash AS (
    SELECT dc.book_id, dc.signal_seq,
           sum(coalesce(b.balance, 0) * coalesce(r.rate, 0)) AS cash,
           bool_and(dd.figures -> 'valuation' -> 'rates' IS NULL
                    OR (dd.figures -> 'valuation' -> 'rates' -> dc.ccy ->> 'cash')::numeric
                       IS NOT DISTINCT FROM coalesce(CASE WHEN b.g > 0 THEN b.balance END, 0)) AS ccy_cash_ok
      FROM dc
      JOIN d dd ON dd.book_id = dc.book_id AND dd.signal_seq = dc.signal_seq
      LEFT JOIN cash_at b ON b.book_id = dc.book_id AND b.signal_seq = dc.signal_seq AND b.ccy = dc.ccy
      LEFT JOIN LATERAL market.conversion_rate(dc.venue, dc.ccy, dc.reporting, dc.ts) r ON true
     GROUP BY dc.book_id, dc.signal_seq),
fill_ev AS (    -- the symbol's fills and the decisions in one stream, in recorded order
    SELECT f.book_id, f.symbol, f.recorded_at, 0 AS kind, f.seq,
           CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
           - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END AS delta,
           NULL::bigint AS signal_seq
      FROM trading.fill f
     WHERE (:'account' = '' OR f.book_id = :book) AND f.recorded_at <= (SELECT max(d.recorded_at) FROM d)
       AND f.symbol IN (SELECT DISTINCT d.symbol FROM d)
    UNION ALL
    SELECT d.book_id, d.symbol, d.recorded_at, 1, 0, 0, d.signal_seq FROM d),
pos AS (        -- each decision's book position in its symbol: fills recorded before it, less the voids by then
    SELECT e.book_id, e.signal_seq,
           sum(e.delta) OVER (PARTITION BY e.book_id, e.symbol ORDER BY e.recorded_at, e.kind, e.seq)
           - coalesce((SELECT sum(CASE WHEN vf.side = 'sell' THEN -v.quantity ELSE v.quantity END)
                         FROM trading.fill_void v
                         JOIN trading.fill vf ON vf.book_id = v.book_id AND vf.symbol = v.symbol
                                             AND vf.venue_trade_id = v.venue_trade_id
                        WHERE v.book_id = e.book_id AND v.symbol = e.symbol AND v.recorded_at < e.recorded_at), 0)
               AS position_qty
      FROM fill_ev e),
src AS (
    SELECT d.book_id, d.signal_seq, m.mark, m.bar_close, c.cash, c.ccy_cash_ok, p.position_qty
      FROM d
      JOIN mark m ON m.book_id = d.book_id AND m.signal_seq = d.signal_seq
      JOIN cash c ON c.book_id = d.book_id AND c.signal_seq = d.signal_seq
      JOIN pos p ON p.book_id = d.book_id AND p.signal_seq = d.signal_seq),
checks AS (
    SELECT d.book_id, d.signal_seq, d.client_order_id, c.rule, c.ok
      FROM d
      JOIN src ON src.book_id = d.book_id AND src.signal_seq = d.signal_seq,
           LATERAL (VALUES
        ('admitted without reasons', cardinality(d.reasons) = 0),
        ('order request is the signal''s', d.order_matches),
        ('mark recomputed from the candles', (d.figures ->> 'price')::numeric IS NOT DISTINCT FROM src.mark
                                             AND (d.figures ->> 'bar_close')::timestamptz IS NOT DISTINCT FROM src.bar_close),
        ('cash recomputed from the journal', (d.figures ->> 'cash')::numeric IS NOT DISTINCT FROM src.cash),
        ('cash per currency recomputed from the journal', src.ccy_cash_ok),
        ('position recomputed from the fills', (d.figures ->> 'position_qty')::numeric <= src.position_qty),
        ('decision price recorded', d.decision_price = (d.figures ->> 'price')::numeric),
        ('notional recorded', d.quantity * coalesce(d.limit_price, d.decision_price) = d.notional),
        ('notional value recorded', d.figures -> 'valuation' IS NULL
                                    OR (d.figures -> 'valuation' ->> 'notional_value')::numeric
                                       = d.notional * coalesce((d.figures -> 'valuation' ->> 'rate')::numeric, 0)),
        ('max_order_notional', d.side = 'sell' OR d.caps ->> 'max_order_notional' IS NULL
                               OR coalesce((d.figures -> 'valuation' ->> 'notional_value')::numeric, d.notional)
                                  <= (d.caps ->> 'max_order_notional')::numeric),
        ('max_instrument_exposure', d.side = 'sell' OR d.caps ->> 'max_instrument_exposure' IS NULL
                                    OR (d.figures ->> 'instrument_after')::numeric <= (d.caps ->> 'max_instrument_exposure')::numeric),
        ('max_cluster_exposure', d.side = 'sell' OR d.caps ->> 'max_cluster_exposure' IS NULL
                                 OR (d.figures ->> 'cluster_after')::numeric <= (d.caps ->> 'max_cluster_exposure')::numeric),
        ('max_quote_exposure', d.side = 'sell' OR d.caps ->> 'max_quote_exposure' IS NULL
                               OR (d.figures ->> 'quote_after')::numeric <= (d.caps ->> 'max_quote_exposure')::numeric),
        ('max_portfolio_exposure', d.side = 'sell' OR d.caps ->> 'max_portfolio_exposure' IS NULL
                                   OR (d.figures ->> 'portfolio_after')::numeric <= (d.caps ->> 'max_portfolio_exposure')::numeric),
        ('cash', d.side = 'sell'
                 OR d.notional * (1 + (d.figures ->> 'fee_rate')::numeric)
                    <= coalesce((d.figures -> 'valuation' ->> 'quote_cash')::numeric, (d.figures ->> 'cash')::numeric)
                       - coalesce((d.figures -> 'valuation' ->> 'quote_open_buys')::numeric, (d.figures ->> 'open_buy_notional')::numeric)
                         * (1 + (d.figures ->> 'fee_rate')::numeric)),
        ('min_edge_bps', d.side = 'sell' OR d.caps ->> 'min_edge_bps' IS NULL
                         OR d.edge_bps >= (d.caps ->> 'min_edge_bps')::numeric),
        ('max_claimed_edge_bps', d.side = 'sell' OR d.caps ->> 'max_claimed_edge_bps' IS NULL
                                 OR d.edge_bps <= (d.caps ->> 'max_claimed_edge_bps')::numeric),
        ('max_daily_loss', d.side = 'sell' OR d.caps ->> 'max_daily_loss' IS NULL
                           OR (d.figures ->> 'daily_pnl')::numeric >= 0
                           OR -(d.figures ->> 'daily_pnl')::numeric < (d.caps ->> 'max_daily_loss')::numeric),
        ('max_drawdown', d.side = 'sell' OR d.caps ->> 'max_drawdown' IS NULL
                         OR (d.figures ->> 'peak_equity')::numeric <= (d.figures ->> 'equity')::numeric
                         OR (d.figures ->> 'peak_equity')::numeric - (d.figures ->> 'equity')::numeric < (d.caps ->> 'max_drawdown')::numeric),
        ('sell within the free position', d.side = 'buy'
                                          OR d.quantity <= (d.figures ->> 'position_qty')::numeric - (d.figures ->> 'open_sell_qty')::numeric),
        ('max_orders_per_hour', d.caps ->> 'max_orders_per_hour' IS NULL
                                OR (SELECT count(*) FROM trading.order_request o
                                     WHERE o.book_id = d.book_id AND o.seq < d.order_seq
                                       AND o.ts > d.order_ts - interval '1 hour' AND o.ts <= d.order_ts)
                                   < (d.caps ->> 'max_orders_per_hour')::numeric)) AS c(rule, ok))
SELECT c.book_id, c.signal_seq, c.client_order_id, c.rule || ' violated' AS problem
  FROM checks c
 WHERE c.ok IS NOT TRUE
UNION ALL
SELECT r.book_id, r.signal_seq, r.client_order_id, 'order created from a signal without an admitted decision'
  FROM trading.order_request r
 WHERE (:'account' = '' OR r.book_id = :book) AND r.ts >= :'from' AND r.ts <= :'to'
   AND r.origin = 'signal'
   AND NOT EXISTS (SELECT FROM risk.decision d
                    WHERE d.book_id = r.book_id AND d.signal_seq = r.signal_seq AND d.outcome = 'admitted'
                      AND d.client_order_id = r.client_order_id)
ORDER BY 1, 2, 4;
