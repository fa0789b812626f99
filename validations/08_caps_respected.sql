-- Gate 08 — every admitted order respected the caps (DESIGN.md §3.7).
-- Re-checks each admission from the figures the gate recorded in risk.decision.figures (equity, cash,
-- open buys, exposures after the trade, and the caps in force as amounts under figures->'caps'):
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
-- A cap recorded as null was disabled. A row is one violation: the decision (signal seq) and the broken cap.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/08_caps_respected.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's decisions and orders; from/to: the decisions (ts) and orders (ts) judged.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH d AS (
    SELECT d.book_id, d.signal_seq, d.client_order_id, d.reasons, d.figures, d.figures -> 'caps' AS caps,
           s.edge_bps, r.side, r.quantity, r.limit_price, r.decision_price, r.seq AS order_seq, r.ts AS order_ts,
           (r.book_id, r.signal_seq, r.strategy, r.symbol, r.ts, r.origin)
               IS NOT DISTINCT FROM (d.book_id, d.signal_seq, d.strategy, d.symbol, d.ts, 'signal') AS order_matches,
           (d.figures ->> 'notional')::numeric AS notional
      FROM risk.decision d
      JOIN trading.signal s ON s.book_id = d.book_id AND s.seq = d.signal_seq
      LEFT JOIN trading.order_request r ON r.client_order_id = d.client_order_id
     WHERE (:'account' = '' OR d.book_id = :book) AND d.ts >= :'from' AND d.ts <= :'to'
       AND d.outcome = 'admitted'),
checks AS (
    SELECT d.book_id, d.signal_seq, d.client_order_id, c.rule, c.ok
      FROM d, LATERAL (VALUES
        ('admitted without reasons', cardinality(d.reasons) = 0),
        ('order request is the signal''s', d.order_matches),
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
