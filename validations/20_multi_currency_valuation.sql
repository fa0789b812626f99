-- Gate 20 — each hour's valuation in the reporting currency, recomputed from the source (issue 13 item 6, issue 17
-- items 1 and 2; docs/risk.md, "Multi-currency valuation").
-- For every closed hour that recorded its valuation (portfolio.hourly_state.valuation, rows since migration 0019),
-- recomputed from postings, fills and candles — not from the figures the close stored:
--   * the cash currencies: the book's reporting currency (trading.account.base_currency) and every currency
--     enabled for the book (trading.book_currency) before the hour was recorded; cash_c = the trading account's
--     balance in c after the last journal transaction the hour covers (digests->'heads');
--   * each rate: market.conversion_rate(venue, c, reporting, hour) for every currency the hour valued and every
--     cash currency, each pair as the hour knew it (for an hour of a sync-fed run, among the revisions loaded by
--     the load portfolio.hour_knowledge says it knew of that pair); a rate, pair or bar close that differs from the
--     recorded one is a violation;
--   * positions per symbol from the fills the hour covers (buys − sells − fees paid in the base; a fill voided by
--     then, trading.fill_void, left out: a voided buy's lot quantity taken out, a voided sell's quantity given
--     back), at the close of the last 1h bar closed by the hour within 7 days
--     (market.bar_known, the one rule market.marks applies; for an hour of a sync-fed run, among the revisions
--     loaded by the load portfolio.hour_knowledge says it knew, so a bar revised after the hour closed is not
--     held against it); a symbol without such a bar is valued at the
--     notional the hour recorded for it (its cost basis: stale_marks); a symbol whose base is itself a cash
--     currency is cash, not a position;
--   * cash = Σ cash_c × rate_c, positions_value = Σ quantity × mark × rate of the quote, equity = their sum, each
--     against the recorded figure (no rate: valued 0, as the close does).
-- And for every admitted decision recording a valuation (figures->'valuation') in a quote other than the
-- reporting currency: its rate (and pair) is the conversion rate at the decision time as the decision knew it
-- (market.conversion_rate's rule in plain SQL, each pair among the revisions written by a load recorded by the
-- decision's signal and, for a decision of a sync-fed hour, up to the load portfolio.hour_knowledge names for that
-- hour and pair: gate 08's rule, so a conversion bar revised after the decision is not held against it), and its
-- notional in the reporting currency is the notional × that rate.
-- A row is one violation: the book, the hour (or decision time), the figure, what was recorded and what was
-- recomputed.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/20_multi_currency_valuation.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH h AS (
    SELECT h.book_id, h.hour, h.cash, h.positions_value, h.equity, h.valuation, h.exposures, h.recorded_at,
           a.venue, a.base_currency AS reporting,
           coalesce((h.digests -> 'heads' ->> 'ledger.transaction')::bigint, 0) AS head_tx,
           coalesce((h.digests -> 'heads' ->> 'trading.fill')::bigint, 0) AS head_fill,
           coalesce((h.digests -> 'heads' ->> 'trading.fill_void')::bigint, 0) AS head_void
      FROM portfolio.hourly_state h
      JOIN trading.account a ON a.book_id = h.book_id
     WHERE (:'account' = '' OR h.book_id = :book) AND h.hour >= :'from' AND h.hour <= :'to'
       AND h.valuation IS NOT NULL),
cash_ccy AS (   -- the cash currencies of each hour
    SELECT h.book_id, h.hour, h.reporting AS ccy FROM h
    UNION
    SELECT h.book_id, h.hour, c.currency
      FROM h JOIN trading.book_currency c ON c.book_id = h.book_id AND c.recorded_at <= h.recorded_at),
cum AS (        -- each fill's running position of its symbol, valid until the symbol's next fill
    SELECT f.book_id, f.symbol, f.seq, lead(f.seq) OVER w AS next_seq,
           sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
               - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END) OVER w AS quantity
      FROM trading.fill f
     WHERE (:'account' = '' OR f.book_id = :book)
    WINDOW w AS (PARTITION BY f.book_id, f.symbol ORDER BY f.seq)),
held0 AS (      -- positions per symbol from the fills each hour covers, less the fills voided by then (trading.fill_void)
    SELECT h.*, c.symbol,
           c.quantity - coalesce((SELECT sum(CASE WHEN vf.side = 'sell' THEN -v.quantity ELSE v.quantity END)
                                    FROM trading.fill_void v
                                    JOIN trading.fill vf ON vf.book_id = v.book_id AND vf.symbol = v.symbol AND vf.venue_trade_id = v.venue_trade_id
                                   WHERE v.book_id = h.book_id AND v.symbol = c.symbol AND v.seq <= h.head_void), 0) AS quantity
      FROM h
      JOIN cum c ON c.book_id = h.book_id AND c.seq <= h.head_fill AND (c.next_seq IS NULL OR c.next_seq > h.head_fill)),
held AS (       -- positions per symbol from the fills each hour covers, at the hour's mark; cash currencies left out
    SELECT h.book_id, h.hour, c.symbol, split_part(c.symbol, '/', 2) AS quote, c.quantity, m.close AS mark,
           CASE WHEN m.close IS NULL
                THEN (SELECT (e ->> 'notional')::numeric FROM jsonb_array_elements(h.exposures) e
                       WHERE e ->> 'kind' = 'instrument' AND e ->> 'key' = c.symbol) END AS recorded_notional
      FROM h
      JOIN held0 c ON c.book_id = h.book_id AND c.hour = h.hour
      LEFT JOIN cash_ccy x ON x.book_id = h.book_id AND x.hour = h.hour AND x.ccy = split_part(c.symbol, '/', 1)
      -- The mark as the hour knew it (market.bar_known, the rule market.marks applies): a sync-fed hour
      -- (portfolio.hour_knowledge) saw only the revisions loaded by its known load (none: 0), so a bar revised
      -- later does not count against it; an hour without knowledge rows saw every revision stored.
      LEFT JOIN portfolio.hour_knowledge k ON k.book_id = h.book_id AND k.hour = h.hour AND k.symbol = c.symbol
                                          AND k."interval" = '1h'
      LEFT JOIN LATERAL market.bar_known(h.venue, c.symbol, h.hour,
                                         CASE WHEN k.book_id IS NOT NULL THEN coalesce(k.load_id, 0) END,
                                         interval '7 days') m ON true
     WHERE c.quantity > 0 AND x.ccy IS NULL),
ccy AS (        -- every currency to rate: the cash currencies, the quotes held, and those the hour recorded
    SELECT c.book_id, c.hour, c.ccy FROM cash_ccy c
    UNION SELECT p.book_id, p.hour, p.quote FROM held p
    UNION SELECT h.book_id, h.hour, k.ccy FROM h, jsonb_object_keys(h.valuation -> 'currencies') k(ccy)),
rates AS (
    SELECT c.book_id, c.hour, c.ccy, r.rate, r.symbol, r.bar_close, x.ccy IS NOT NULL AS is_cash,
           h.valuation -> 'currencies' -> c.ccy AS recorded,
           CASE WHEN x.ccy IS NOT NULL
                THEN coalesce((SELECT p.balance_after FROM ledger.posting p
                                WHERE p.book_id = h.book_id AND p.tx_seq <= h.head_tx
                                  AND p.account_code = 'trading' AND p.currency = c.ccy
                                ORDER BY p.tx_seq DESC, p.seq DESC LIMIT 1), 0) END AS balance
      FROM ccy c
      JOIN h ON h.book_id = c.book_id AND h.hour = c.hour
      LEFT JOIN cash_ccy x ON x.book_id = c.book_id AND x.hour = c.hour AND x.ccy = c.ccy
      -- The rate as the hour knew it: each pair among the revisions its known load had written (as marks).
      LEFT JOIN portfolio.hour_knowledge kd ON kd.book_id = c.book_id AND kd.hour = c.hour AND kd."interval" = '1h'
                                           AND kd.symbol = c.ccy || '/' || h.reporting
      LEFT JOIN portfolio.hour_knowledge ki ON ki.book_id = c.book_id AND ki.hour = c.hour AND ki."interval" = '1h'
                                           AND ki.symbol = h.reporting || '/' || c.ccy
      LEFT JOIN LATERAL market.conversion_rate(h.venue, c.ccy, h.reporting, c.hour,
                                               CASE WHEN kd.book_id IS NOT NULL THEN coalesce(kd.load_id, 0) END,
                                               CASE WHEN ki.book_id IS NOT NULL THEN coalesce(ki.load_id, 0) END) r ON true),
want_cash AS (
    SELECT r.book_id, r.hour, sum(r.balance * coalesce(r.rate, 0)) AS cash
      FROM rates r WHERE r.is_cash GROUP BY r.book_id, r.hour),
want_pos AS (
    SELECT p.book_id, p.hour,
           sum(CASE WHEN p.mark IS NOT NULL THEN p.quantity * p.mark * coalesce(r.rate, 0) ELSE p.recorded_notional END) AS positions
      FROM held p JOIN rates r ON r.book_id = p.book_id AND r.hour = p.hour AND r.ccy = p.quote
     GROUP BY p.book_id, p.hour),
want AS (
    SELECT h.book_id, h.hour, h.cash, h.positions_value, h.equity,
           coalesce(c.cash, 0) AS want_cash, coalesce(p.positions, 0) AS want_positions
      FROM h
      LEFT JOIN want_cash c ON c.book_id = h.book_id AND c.hour = h.hour
      LEFT JOIN want_pos p ON p.book_id = h.book_id AND p.hour = h.hour)
SELECT w.book_id, w.hour, x.figure, x.recorded, x.recomputed
  FROM want w, LATERAL (VALUES
      ('cash', w.cash::text, w.want_cash::text, w.cash IS DISTINCT FROM w.want_cash),
      ('positions_value', w.positions_value::text, w.want_positions::text, w.positions_value IS DISTINCT FROM w.want_positions),
      ('equity', w.equity::text, (w.want_cash + w.want_positions)::text, w.equity IS DISTINCT FROM w.want_cash + w.want_positions))
      AS x(figure, recorded, recomputed, bad)
 WHERE x.bad
UNION ALL
SELECT r.book_id, r.hour, 'rate ' || r.ccy, r.recorded::text,
       jsonb_build_object('rate', r.rate, 'symbol', r.symbol, 'bar_close', r.bar_close)::text
  FROM rates r
 WHERE r.recorded IS NULL
    OR (r.recorded ->> 'rate')::numeric IS DISTINCT FROM r.rate
    OR r.recorded ->> 'symbol' IS DISTINCT FROM r.symbol
    OR (r.recorded ->> 'bar_close')::timestamptz IS DISTINCT FROM r.bar_close
UNION ALL
SELECT d.book_id, d.ts, 'decision ' || d.signal_seq || ' rate ' || (d.figures -> 'valuation' ->> 'quote'),
       jsonb_build_object('rate', d.figures -> 'valuation' -> 'rate', 'symbol', d.figures -> 'valuation' -> 'rate_symbol',
                          'notional_value', d.figures -> 'valuation' -> 'notional_value')::text,
       jsonb_build_object('rate', r.rate, 'symbol', r.symbol,
                          'notional_value', (d.figures ->> 'notional')::numeric * coalesce(r.rate, 0))::text
  FROM risk.decision d
  JOIN trading.account a ON a.book_id = d.book_id
  -- The rate as the decision knew it (gate 08's rule): market.conversion_rate's rule in plain SQL, each pair among
  -- the revisions written by a load recorded by the decision's signal and, in a sync-fed hour, up to the load
  -- portfolio.hour_knowledge names for that hour and pair.
  CROSS JOIN LATERAL (SELECT s.recorded_at AS as_of, d.figures -> 'valuation' ->> 'quote' AS ccy FROM trading.signal s
                       WHERE s.book_id = d.book_id AND s.seq = d.signal_seq OFFSET 0) s
  LEFT JOIN LATERAL (
      SELECT c.ts, c.close FROM market.candle c
       WHERE c.venue = a.venue AND c.symbol = s.ccy || '/' || a.base_currency AND c."interval" = '1h'
         AND c.ts <= d.ts - interval '1 hour'
         AND c.load_id <= coalesce((SELECT coalesce(k.load_id, 0) FROM portfolio.hour_knowledge k
                                     WHERE k.book_id = d.book_id AND k.hour = d.ts AND k."interval" = '1h'
                                       AND k.symbol = s.ccy || '/' || a.base_currency), 9223372036854775807)
         AND NOT EXISTS (SELECT FROM market.candle_load l WHERE l.load_id = c.load_id AND l.recorded_at > s.as_of)
       ORDER BY c.ts DESC, c.revision DESC LIMIT 1) dr ON true
  LEFT JOIN LATERAL (
      SELECT c.ts, c.close FROM market.candle c
       WHERE c.venue = a.venue AND c.symbol = a.base_currency || '/' || s.ccy AND c."interval" = '1h'
         AND c.ts <= d.ts - interval '1 hour'
         AND c.load_id <= coalesce((SELECT coalesce(k.load_id, 0) FROM portfolio.hour_knowledge k
                                     WHERE k.book_id = d.book_id AND k.hour = d.ts AND k."interval" = '1h'
                                       AND k.symbol = a.base_currency || '/' || s.ccy), 9223372036854775807)
         AND NOT EXISTS (SELECT FROM market.candle_load l WHERE l.load_id = c.load_id AND l.recorded_at > s.as_of)
       ORDER BY c.ts DESC, c.revision DESC LIMIT 1) iv ON true
  CROSS JOIN LATERAL (
      SELECT CASE WHEN dr.ts IS NOT NULL AND (iv.ts IS NULL OR dr.ts >= iv.ts) THEN dr.close
                  WHEN iv.close > 0 THEN round(1 / iv.close, 12) END AS rate,
             CASE WHEN dr.ts IS NOT NULL AND (iv.ts IS NULL OR dr.ts >= iv.ts) THEN s.ccy || '/' || a.base_currency
                  WHEN iv.close > 0 THEN a.base_currency || '/' || s.ccy END AS symbol) r
 WHERE (:'account' = '' OR d.book_id = :book) AND d.ts >= :'from' AND d.ts <= :'to'
   AND d.outcome = 'admitted' AND d.figures ? 'valuation'
   AND d.figures -> 'valuation' ->> 'quote' <> a.base_currency
   AND ((d.figures -> 'valuation' ->> 'rate')::numeric IS DISTINCT FROM r.rate
        OR d.figures -> 'valuation' ->> 'rate_symbol' IS DISTINCT FROM r.symbol
        OR (d.figures -> 'valuation' ->> 'notional_value')::numeric
           IS DISTINCT FROM (d.figures ->> 'notional')::numeric * coalesce(r.rate, 0))
ORDER BY 1, 2, 3;
