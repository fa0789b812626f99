-- Gate 11 — hourly portfolio state adds up and its output hash reproduces (DESIGN.md §4.6, §4.7).
-- Rules for every closed hour of every book, recomputed from the rows the hour covers (the chain heads
-- recorded in digests->'heads', and those of the previous closed hour):
--   * equity = cash + positions_value, and positions_value = Σ the notionals of the hour's instrument
--     exposures (hourly_state.exposures; rows closed before migration 0005 have none to compare);
--   * cash = the trading account's balance of the base currency after the last journal transaction the
--     hour covers; for an hour that recorded its valuation (migration 0019, multi-currency books), Σ over the
--     currencies it valued of that balance × the rate it recorded (gate 20 recomputes the rates from candles);
--   * realized_pnl = Σ realized PnL of the allocations (less those of the sells voided, trading.fill_void), fees =
--     Σ fill fees in quote (less those of the fills voided; trading._fee_in_quote's rule: a fee in the base at the
--     fill price, in a third currency at the FEE/QUOTE mark by the fill's time within 7 days), up to the hour's
--     heads, each converted into the reporting currency at its own time (portfolio._to_reporting's rule; as is in
--     a book trading in its reporting currency only) — each as the close that counted it (the allocation, the
--     fill, the void) knew the bars: for a close of a sync-fed run, among the revisions loaded up to the load
--     portfolio.hour_knowledge names for that hour and pair (the rule of gate 20 and reconstruction 05), so a
--     conversion bar or FEE/QUOTE mark revised after the close is not held against it;
--   * peak_equity = max(previous peak, equity) and drawdown = 1 − equity / peak (0 at or above the peak);
--   * outputs_hash = portfolio.outputs_hash(digests recomputed from the rows' content), so an edited row in
--     any chain of the hour shows up even when its stored hash was left alone.
-- A row is one violation: the book, hour and the figure that does not reproduce.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/11_hourly_state.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's hours; from/to: the hours judged (each still against the hour before it).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH h AS (
    SELECT h.book_id, h.hour, h.cash, h.positions_value, h.equity, h.peak_equity, h.drawdown, h.realized_pnl, h.fees,
           h.outputs_hash, h.exposures, h.valuation, h.digests -> 'heads' AS heads, a.base_currency,
           coalesce((h.digests -> 'heads' ->> 'ledger.transaction')::bigint, 0) AS head_tx,
           coalesce((h.digests -> 'heads' ->> 'trading.lot_allocation')::bigint, 0) AS head_alloc,
           coalesce((h.digests -> 'heads' ->> 'trading.fill')::bigint, 0) AS head_fill,
           coalesce((h.digests -> 'heads' ->> 'trading.fill_void')::bigint, 0) AS head_void,
           coalesce(lag(h.digests -> 'heads') OVER w, '{}'::jsonb) AS prev_heads,
           lag(h.peak_equity) OVER w AS prev_peak
      FROM portfolio.hourly_state h
      JOIN trading.account a ON a.book_id = h.book_id
     WHERE (:'account' = '' OR h.book_id = :book)
    WINDOW w AS (PARTITION BY h.book_id ORDER BY h.hour)),
amounts AS (    -- every amount the closes add up, in its instrument's quote, with the chain and seq that count it: each
                -- allocation's realized PnL, each fill's fee, and what each void takes back of them
    SELECT 'realized' AS kind, a.book_id, a.seq, a.symbol, a.ts, a.realized_pnl AS amount, NULL::text AS fee_currency,
           NULL::numeric AS price, 'trading.lot_allocation' AS chain
      FROM trading.lot_allocation a
     WHERE (:'account' = '' OR a.book_id = :book)
    UNION ALL
    SELECT 'fee', f.book_id, f.seq, f.symbol, f.ts, f.fee, f.fee_currency, f.price, 'trading.fill'
      FROM trading.fill f
     WHERE (:'account' = '' OR f.book_id = :book)
    UNION ALL
    SELECT 'void_realized', v.book_id, v.seq, a.symbol, a.ts, a.realized_pnl, NULL, NULL, 'trading.fill_void'
      FROM trading.fill_void v
      JOIN trading.lot_allocation a ON a.book_id = v.book_id AND a.symbol = v.symbol AND a.venue_trade_id = v.venue_trade_id
     WHERE (:'account' = '' OR v.book_id = :book)
    UNION ALL
    SELECT 'void_fee', v.book_id, v.seq, f.symbol, f.ts, f.fee, f.fee_currency, f.price, 'trading.fill_void'
      FROM trading.fill_void v
      JOIN trading.fill f ON f.book_id = v.book_id AND f.symbol = v.symbol AND f.venue_trade_id = v.venue_trade_id
     WHERE (:'account' = '' OR v.book_id = :book)),
-- Each amount is converted as the close that counted it knew the bars: that close is the first hour whose head of
-- the row's chain reaches its seq; for a close of a sync-fed run each pair among the revisions loaded up to the load
-- portfolio.hour_knowledge names for that hour and pair (no row: every revision stored).
counted AS MATERIALIZED (   -- the close that counted each row that needs the bars (a quote other than the
                            -- reporting currency, a fee in a third currency): an index probe from the row's time
                            -- on (no close counts a fill dated after it, PD013)
    SELECT x.*, split_part(x.symbol, '/', 1) AS base, split_part(x.symbol, '/', 2) AS quote, ac.venue,
           ac.base_currency AS reporting,
           (SELECT c.hour FROM portfolio.hourly_state c
             WHERE (split_part(x.symbol, '/', 2) <> ac.base_currency
                    OR x.fee_currency NOT IN (split_part(x.symbol, '/', 1), split_part(x.symbol, '/', 2)) AND x.amount <> 0)
               AND c.book_id = x.book_id AND c.hour >= x.ts AND (c.digests -> 'heads' ->> x.chain)::bigint >= x.seq
             ORDER BY c.hour LIMIT 1) AS khour
      FROM amounts x
      JOIN trading.account ac ON ac.book_id = x.book_id),
in_quote AS MATERIALIZED (  -- a fee in its quote (trading._fee_in_quote's rule: as is in the quote, at the fill
                            -- price in the base, at the FEE/QUOTE mark by the fill's time within 7 days in a third
                            -- currency, market.bar_known; 0 without one)
    SELECT x.*,
           CASE WHEN x.fee_currency IS NULL OR x.amount = 0 OR x.fee_currency = x.quote THEN x.amount
                WHEN x.fee_currency = x.base THEN x.amount * x.price
                ELSE coalesce(x.amount * (
                    SELECT m.close
                      FROM market.bar_known(x.venue, x.fee_currency || '/' || x.quote, x.ts,
                                            (SELECT coalesce(k.load_id, 0) FROM portfolio.hour_knowledge k
                                              WHERE k.book_id = x.book_id AND k.hour = x.khour AND k."interval" = '1h'
                                                AND k.symbol = x.fee_currency || '/' || x.quote),
                                            interval '7 days') m), 0) END AS quote_amount
      FROM counted x),
converted AS (  -- in the reporting currency at the row's time (portfolio._to_reporting's rule: as is in the reporting
                -- currency; else × market.conversion_rate, 0 without a rate)
    SELECT x.kind, x.book_id, x.seq,
           CASE WHEN x.quote = x.reporting THEN x.quote_amount
                ELSE x.quote_amount * coalesce((
                    SELECT r.rate
                      FROM market.conversion_rate(x.venue, x.quote, x.reporting, x.ts,
                                                  (SELECT coalesce(k.load_id, 0) FROM portfolio.hour_knowledge k
                                                    WHERE k.book_id = x.book_id AND k.hour = x.khour AND k."interval" = '1h'
                                                      AND k.symbol = x.quote || '/' || x.reporting),
                                                  (SELECT coalesce(k.load_id, 0) FROM portfolio.hour_knowledge k
                                                    WHERE k.book_id = x.book_id AND k.hour = x.khour AND k."interval" = '1h'
                                                      AND k.symbol = x.reporting || '/' || x.quote)) r), 0) END AS value
      FROM in_quote x),
realized AS (   -- cumulative realized PnL after each allocation (seq is gapless per book), in the reporting currency
    SELECT c.book_id, c.seq, sum(c.value) OVER (PARTITION BY c.book_id ORDER BY c.seq) AS total
      FROM converted c WHERE c.kind = 'realized'),
fees AS (       -- cumulative fees in quote after each fill, in the reporting currency
    SELECT c.book_id, c.seq, sum(c.value) OVER (PARTITION BY c.book_id ORDER BY c.seq) AS total
      FROM converted c WHERE c.kind = 'fee'),
voided AS (     -- cumulative realized PnL and fees taken back after each void, in the reporting currency
    SELECT v.book_id, v.seq, sum(v.realized) OVER w AS realized, sum(v.fee) OVER w AS fee
      FROM (SELECT c.book_id, c.seq, coalesce(sum(c.value) FILTER (WHERE c.kind = 'void_realized'), 0) AS realized,
                   coalesce(sum(c.value) FILTER (WHERE c.kind = 'void_fee'), 0) AS fee
              FROM converted c WHERE c.kind IN ('void_realized', 'void_fee')
             GROUP BY c.book_id, c.seq) v
    WINDOW w AS (PARTITION BY v.book_id ORDER BY v.seq)),
r AS (
    SELECT h.*,
           greatest(coalesce(h.prev_peak, h.equity), h.equity) AS want_peak,
           CASE WHEN h.valuation IS NULL THEN
               coalesce((SELECT p.balance_after FROM ledger.posting p
                          WHERE p.book_id = h.book_id AND p.tx_seq <= h.head_tx
                            AND p.account_code = 'trading' AND p.currency = h.base_currency
                          ORDER BY p.tx_seq DESC, p.seq DESC LIMIT 1), 0)
           ELSE (SELECT coalesce(sum(coalesce((SELECT p.balance_after FROM ledger.posting p
                                                WHERE p.book_id = h.book_id AND p.tx_seq <= h.head_tx
                                                  AND p.account_code = 'trading' AND p.currency = c.key
                                                ORDER BY p.tx_seq DESC, p.seq DESC LIMIT 1), 0)
                                     * coalesce((c.value ->> 'rate')::numeric, 0)), 0)
                   FROM jsonb_each(h.valuation -> 'currencies') c
                  WHERE (c.value ->> 'cash_currency')::boolean) END AS want_cash,
           CASE WHEN h.exposures IS NULL THEN h.positions_value   -- closed before exposures were kept in the row
                ELSE (SELECT coalesce(sum((e ->> 'notional')::numeric), 0) FROM jsonb_array_elements(h.exposures) e
                       WHERE e ->> 'kind' = 'instrument') END AS want_positions_value,
           coalesce(ra.total, 0) - coalesce(vo.realized, 0) AS want_realized,
           coalesce(fe.total, 0) - coalesce(vo.fee, 0) AS want_fees,
           portfolio.outputs_hash(portfolio.window_digests(h.book_id, h.prev_heads, h.heads, true)) AS want_outputs
      FROM h
      LEFT JOIN realized ra ON ra.book_id = h.book_id AND ra.seq = h.head_alloc
      LEFT JOIN fees fe ON fe.book_id = h.book_id AND fe.seq = h.head_fill
      LEFT JOIN voided vo ON vo.book_id = h.book_id AND vo.seq = h.head_void
     WHERE h.hour >= :'from' AND h.hour <= :'to')
SELECT r.book_id, r.hour, x.figure, x.recorded, x.recomputed
  FROM r, LATERAL (VALUES
      ('equity', r.equity::text, (r.cash + r.positions_value)::text),
      ('positions_value', r.positions_value::text, r.want_positions_value::text),
      ('cash', r.cash::text, r.want_cash::text),
      ('realized_pnl', r.realized_pnl::text, r.want_realized::text),
      ('fees', r.fees::text, r.want_fees::text),
      ('peak_equity', r.peak_equity::text, r.want_peak::text),
      ('drawdown', r.drawdown::text, (CASE WHEN r.want_peak > 0 THEN greatest(0, 1 - r.equity / r.want_peak) ELSE 0 END)::text),
      ('outputs_hash', encode(r.outputs_hash, 'hex'), encode(r.want_outputs, 'hex'))) AS x(figure, recorded, recomputed)
 WHERE CASE x.figure
           WHEN 'outputs_hash' THEN r.outputs_hash IS DISTINCT FROM r.want_outputs
           WHEN 'equity' THEN r.equity <> r.cash + r.positions_value
           WHEN 'positions_value' THEN r.positions_value <> r.want_positions_value
           WHEN 'cash' THEN r.cash <> r.want_cash
           WHEN 'realized_pnl' THEN r.realized_pnl <> r.want_realized
           WHEN 'fees' THEN r.fees <> r.want_fees
           WHEN 'peak_equity' THEN r.peak_equity <> r.want_peak
           ELSE r.drawdown <> CASE WHEN r.want_peak > 0 THEN greatest(0, 1 - r.equity / r.want_peak) ELSE 0 END
       END
ORDER BY 1, 2, 3;
