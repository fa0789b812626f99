-- Gate 21 — treasury and self-financing (issue 15; docs/treasury.md). Recomputes from the journal, never from
-- the stored status:
--   * status_mismatch: every stored self-financing status (portfolio.treasury_status): realized PnL, trading
--     fees, operating costs and reserve accrual (the reserve postings: accruals less those a void reversed with
--     its fill) from the book's treasury postings over [period_from, period_to)
--     in the reporting currency, of the journal transactions up to the status's known_tx_seq (what the close
--     knew: a fill relayed after its day's status was stored is in later rows), surplus = realized - fees -
--     costs - reserve, principal from the principal postings before period_to, equity from the hour closed at period_to, principal protected = equity >=
--     principal; each to the cent (0.005);
--   * realized_mismatch: every fill's realized memo (kind realized, ref its venue trade id) against its lot
--     allocations (gross qty x (exit - entry)) and its fee in the quote, converted at the fill's time, each bar
--     (the FEE/QUOTE mark of a fee in a third currency, the conversion pairs) as the fill knew it: among the
--     revisions written by a load recorded by the fill and, when the close that counted the fill was sync-fed, up
--     to the load portfolio.hour_knowledge names for that hour and pair (gate 08's rule for a decision), so a bar
--     revised after the fill is not held against its memo;
--   * ops_cost_mismatch: every closed hour's operating-cost postings against the declared costs in force in the
--     hours that close opened (ledger.operating_cost_hours);
--   * principal_touched: a posting to principal by anything but a principal memo (kind principal: a deposit's, or a
--     venue transfer's posted by api.post_venue_transfer);
--   * transfer_mismatch: an approved or automatic transfer whose journal transaction is not operations +amount /
--     treasury -amount;
--   * transfer_into_principal: an approved or automatic transfer larger than the equity above principal, reserve
--     and operations bucket at that time (the equity of the last hour closed by it, the earmarks posted before its
--     transaction): a transfer that would earmark part of the principal;
--   * budget_mismatch: a rolling status whose risk budget scale (budget_scale) moved against its policy action: a
--     cut that does not lower it or on a surplus that is not negative, a restore that does not bring it back to 1
--     on a surplus >= 0, or a change without either.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/21_treasury.sql
-- Account: the book; from/to: the business times judged (status period_to, fill and posting ts), inclusive.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH st AS (
    SELECT s.*, a.base_currency,
           (SELECT h.equity FROM portfolio.hourly_state h WHERE h.book_id = s.book_id AND h.hour = s.period_to) AS hour_equity,
           (SELECT coalesce(-sum(p.amount) FILTER (WHERE p.account_code = 'realized_pnl' AND p.ts >= s.period_from), 0) || ',' ||
                   coalesce(sum(p.amount) FILTER (WHERE p.account_code = 'fee_expense' AND p.ts >= s.period_from), 0) || ',' ||
                   coalesce(sum(p.amount) FILTER (WHERE p.account_code = 'ops_cost' AND p.ts >= s.period_from), 0) || ',' ||
                   coalesce(sum(p.amount) FILTER (WHERE p.account_code = 'reserve' AND p.ts >= s.period_from), 0) || ',' ||
                   coalesce(-sum(p.amount) FILTER (WHERE p.account_code = 'principal'), 0)
              FROM ledger.posting p
             WHERE p.book_id = s.book_id AND p.currency = a.base_currency AND p.ts < s.period_to
               AND p.tx_seq <= coalesce(s.known_tx_seq, p.tx_seq)  -- the journal the status was computed from
               AND p.account_code IN ('realized_pnl', 'fee_expense', 'ops_cost', 'reserve', 'principal')) AS fig
      FROM portfolio.treasury_status s JOIN trading.account a ON a.book_id = s.book_id
     WHERE (:'account' = '' OR s.book_id = :book) AND s.period_to >= :'from' AND s.period_to <= :'to'
), stc AS (
    SELECT st.*, split_part(fig, ',', 1)::numeric AS r, split_part(fig, ',', 2)::numeric AS f,
           split_part(fig, ',', 3)::numeric AS c, split_part(fig, ',', 4)::numeric AS v,
           split_part(fig, ',', 5)::numeric AS pr
      FROM st
), fill0 AS MATERIALIZED (  -- each fill judged, its gross realized PnL in its quote, and (when it converts, or
                            -- pays a fee in a third currency) the close that counted it: the first hour whose fill
                            -- head reaches its seq (an index probe from the fill's time on: no close counts a fill
                            -- dated after it, PD013)
    SELECT f.book_id, f.seq, f.venue_trade_id, f.symbol, f.ts, f.recorded_at, f.fee, f.fee_currency, f.price, a.venue,
           a.base_currency, split_part(f.symbol, '/', 1) AS base, split_part(f.symbol, '/', 2) AS quote,
           coalesce((SELECT sum(l.quantity * (l.exit_price - l.entry_price)) FROM trading.lot_allocation l
                      WHERE l.book_id = f.book_id AND l.symbol = f.symbol AND l.venue_trade_id = f.venue_trade_id), 0) AS gross_quote,
           (SELECT c.hour FROM portfolio.hourly_state c
             WHERE (split_part(f.symbol, '/', 2) <> a.base_currency
                    OR f.fee <> 0 AND f.fee_currency NOT IN (split_part(f.symbol, '/', 1), split_part(f.symbol, '/', 2)))
               AND c.book_id = f.book_id AND c.hour >= f.ts AND (c.digests -> 'heads' ->> 'trading.fill')::bigint >= f.seq
             ORDER BY c.hour LIMIT 1) AS khour
      FROM trading.fill f JOIN trading.account a ON a.book_id = f.book_id
     WHERE (:'account' = '' OR f.book_id = :book) AND f.ts >= :'from' AND f.ts <= :'to'
), fills AS (   -- the memo's figures recomputed as api.record_fill computed them when it recorded the fill, with the bars
                -- as the fill knew them: every candle among the revisions written by a load recorded by the fill and,
                -- when the close that counted it was sync-fed, up to the load portfolio.hour_knowledge names for that
                -- hour and the bar's symbol (gate 08's rule for a decision). The fee in the quote is trading.
                -- _fee_in_quote's rule (as is in the quote, at the fill price in the base, at the FEE/QUOTE mark by the
                -- fill's time within 7 days in a third currency, 0 without one); each amount in the reporting currency
                -- R is portfolio._to_reporting's (as is in R, else × market.conversion_rate's rule in plain SQL: the
                -- close of the latest 1h bar of Q/R closed by the fill's time, or round(1 / close, 12) of R/Q, whichever
                -- opened later, Q/R on a tie, no look-back bound; 0 without a rate).
    SELECT x.book_id, x.venue_trade_id, x.symbol, x.ts,
           CASE WHEN x.quote = x.base_currency OR x.gross_quote = 0 THEN x.gross_quote
                ELSE x.gross_quote * coalesce(r.rate, 0) END AS gross,
           CASE WHEN x.quote = x.base_currency OR q.fee_quote = 0 THEN q.fee_quote
                ELSE q.fee_quote * coalesce(r.rate, 0) END AS fee
      FROM fill0 x
      LEFT JOIN LATERAL (
          SELECT c.close FROM market.candle c
           WHERE x.fee <> 0 AND x.fee_currency NOT IN (x.base, x.quote)
             AND c.venue = x.venue AND c.symbol = x.fee_currency || '/' || x.quote AND c."interval" = '1h'
             AND c.ts <= x.ts - interval '1 hour' AND c.ts > x.ts - interval '7 days'
             AND c.load_id <= coalesce((SELECT coalesce(k.load_id, 0) FROM portfolio.hour_knowledge k
                                         WHERE k.book_id = x.book_id AND k.hour = x.khour AND k."interval" = '1h'
                                           AND k.symbol = x.fee_currency || '/' || x.quote), 9223372036854775807)
             AND NOT EXISTS (SELECT FROM market.candle_load l WHERE l.load_id = c.load_id AND l.recorded_at > x.recorded_at)
           ORDER BY c.ts DESC, c.revision DESC LIMIT 1) m ON true
      CROSS JOIN LATERAL (
          SELECT CASE WHEN x.fee = 0 OR x.fee_currency = x.quote THEN x.fee
                      WHEN x.fee_currency = x.base THEN x.fee * x.price
                      ELSE coalesce(x.fee * m.close, 0) END AS fee_quote) q
      LEFT JOIN LATERAL (
          SELECT c.ts, c.close FROM market.candle c
           WHERE x.quote <> x.base_currency
             AND c.venue = x.venue AND c.symbol = x.quote || '/' || x.base_currency AND c."interval" = '1h'
             AND c.ts <= x.ts - interval '1 hour'
             AND c.load_id <= coalesce((SELECT coalesce(k.load_id, 0) FROM portfolio.hour_knowledge k
                                         WHERE k.book_id = x.book_id AND k.hour = x.khour AND k."interval" = '1h'
                                           AND k.symbol = x.quote || '/' || x.base_currency), 9223372036854775807)
             AND NOT EXISTS (SELECT FROM market.candle_load l WHERE l.load_id = c.load_id AND l.recorded_at > x.recorded_at)
           ORDER BY c.ts DESC, c.revision DESC LIMIT 1) dr ON true
      LEFT JOIN LATERAL (
          SELECT c.ts, c.close FROM market.candle c
           WHERE x.quote <> x.base_currency
             AND c.venue = x.venue AND c.symbol = x.base_currency || '/' || x.quote AND c."interval" = '1h'
             AND c.ts <= x.ts - interval '1 hour'
             AND c.load_id <= coalesce((SELECT coalesce(k.load_id, 0) FROM portfolio.hour_knowledge k
                                         WHERE k.book_id = x.book_id AND k.hour = x.khour AND k."interval" = '1h'
                                           AND k.symbol = x.base_currency || '/' || x.quote), 9223372036854775807)
             AND NOT EXISTS (SELECT FROM market.candle_load l WHERE l.load_id = c.load_id AND l.recorded_at > x.recorded_at)
           ORDER BY c.ts DESC, c.revision DESC LIMIT 1) iv ON true
      CROSS JOIN LATERAL (
          SELECT CASE WHEN dr.ts IS NOT NULL AND (iv.ts IS NULL OR dr.ts >= iv.ts) THEN dr.close
                      WHEN iv.close > 0 THEN round(1 / iv.close, 12) END AS rate) r
), memo AS (
    SELECT fl.*,
           coalesce((SELECT -sum(p.amount) FROM ledger.transaction t JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq
                      WHERE t.book_id = fl.book_id AND t.kind = 'realized' AND t.ref = fl.venue_trade_id AND t.ts = fl.ts
                        AND p.account_code = 'realized_pnl'), 0) AS posted_gross,
           coalesce((SELECT sum(p.amount) FROM ledger.transaction t JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq
                      WHERE t.book_id = fl.book_id AND t.kind = 'realized' AND t.ref = fl.venue_trade_id AND t.ts = fl.ts
                        AND p.account_code = 'fee_expense'), 0) AS posted_fee
      FROM fills fl
), hours AS (
    SELECT h.book_id, h.hour, lag(h.hour) OVER (PARTITION BY h.book_id ORDER BY h.hour) AS prev
      FROM portfolio.hourly_state h
     WHERE (:'account' = '' OR h.book_id = :book)
), costs AS (
    SELECT x.book_id, x.hour, x.name, x.expected,
           coalesce((SELECT sum(p.amount) FROM ledger.transaction t JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq
                      WHERE t.book_id = x.book_id AND t.kind = 'ops_cost' AND p.account_code = 'ops_cost'
                        AND t.ref = 'opcost:' || x.name || ':' || to_char(x.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')), 0) AS posted
      FROM (SELECT hr.book_id, hr.hour, c.name, sum(c.accrual) AS expected
              FROM hours hr CROSS JOIN LATERAL ledger.operating_cost_hours(hr.book_id, hr.prev, hr.hour) c
             WHERE hr.hour >= :'from' AND hr.hour <= :'to'
             GROUP BY hr.book_id, hr.hour, c.name
            UNION
            SELECT t.book_id, t.ts, split_part(t.ref, ':', 2), 0
              FROM ledger.transaction t
             WHERE t.kind = 'ops_cost' AND (:'account' = '' OR t.book_id = :book) AND t.ts >= :'from' AND t.ts <= :'to'
               AND NOT EXISTS (SELECT FROM hours hr CROSS JOIN LATERAL ledger.operating_cost_hours(hr.book_id, hr.prev, hr.hour) c
                                WHERE hr.book_id = t.book_id AND hr.hour = t.ts AND c.name = split_part(t.ref, ':', 2))) x
)
SELECT 'status_mismatch' AS rule, s.book_id, s.period_to AS ts,
       format('day %s window %s: stored realized %s fees %s costs %s reserve %s surplus %s principal %s equity %s protected %s; from postings %s %s %s %s %s %s, equity %s',
              s.day, s.window_days, s.realized_pnl, s.trading_fees, s.operating_costs, s.reserve_accrual, s.surplus,
              s.principal, s.equity, s.principal_protected, s.r, s.f, s.c, s.v, s.r - s.f - s.c - s.v, s.pr, s.hour_equity) AS detail
  FROM stc s
 WHERE abs(s.realized_pnl - s.r) > 0.005 OR abs(s.trading_fees - s.f) > 0.005 OR abs(s.operating_costs - s.c) > 0.005
    OR abs(s.reserve_accrual - s.v) > 0.005 OR abs(s.surplus - (s.r - s.f - s.c - s.v)) > 0.005
    OR abs(s.principal - s.pr) > 0.005 OR s.hour_equity IS DISTINCT FROM s.equity
    OR s.principal_protected IS DISTINCT FROM (s.hour_equity >= s.pr)
UNION ALL
SELECT 'realized_mismatch', m.book_id, m.ts,
       format('fill %s %s: allocations gross %s fee %s; posted realized %s fee expense %s', m.symbol, m.venue_trade_id,
              m.gross, m.fee, m.posted_gross, m.posted_fee)
  FROM memo m
 WHERE abs(m.gross - m.posted_gross) > 0.005 OR abs(m.fee - m.posted_fee) > 0.005
UNION ALL
SELECT 'ops_cost_mismatch', c.book_id, c.hour, format('cost %s: declared accrual %s, posted %s', c.name, c.expected, c.posted)
  FROM costs c
 WHERE abs(c.expected - c.posted) > 0.005
UNION ALL
SELECT 'principal_touched', p.book_id, p.ts, format('transaction %s (%s %s) posts %s to principal', t.seq, t.kind, t.ref, p.amount)
  FROM ledger.posting p JOIN ledger.transaction t ON t.book_id = p.book_id AND t.seq = p.tx_seq
 WHERE p.account_code = 'principal' AND t.kind <> 'principal'
   AND (:'account' = '' OR p.book_id = :book) AND p.ts >= :'from' AND p.ts <= :'to'
UNION ALL
SELECT 'transfer_mismatch', x.book_id, x.ts, format('transfer %s (%s) of %s: journal transaction %s does not post operations +%s / treasury -%s',
                                                    x.proposal_no, x.action, x.amount, x.tx_seq, x.amount, x.amount)
  FROM ledger.treasury_transfer x
 WHERE x.action <> 'proposed' AND (:'account' = '' OR x.book_id = :book) AND x.ts >= :'from' AND x.ts <= :'to'
   AND (SELECT count(*) FILTER (WHERE (p.account_code = 'operations' AND p.amount = x.amount)
                                   OR (p.account_code = 'treasury' AND p.amount = -x.amount)) = 2 AND count(*) = 2
          FROM ledger.posting p WHERE p.book_id = x.book_id AND p.tx_seq = x.tx_seq) IS NOT TRUE
UNION ALL
SELECT 'transfer_into_principal', x.book_id, x.ts,
       format('transfer %s (%s) of %s exceeds the equity %s above principal %s, reserve and operations %s',
              x.proposal_no, x.action, x.amount, x.equity, x.principal, x.earmarked)
  FROM (SELECT t.*,
               (SELECT h.equity FROM portfolio.hourly_state h WHERE h.book_id = t.book_id AND h.hour <= t.ts
                 ORDER BY h.hour DESC LIMIT 1) AS equity,
               (SELECT coalesce(-sum(p.amount), 0) FROM ledger.posting p
                 WHERE p.book_id = t.book_id AND p.account_code = 'principal' AND p.currency = t.currency AND p.ts <= t.ts) AS principal,
               (SELECT coalesce(sum(p.amount), 0) FROM ledger.posting p
                 WHERE p.book_id = t.book_id AND p.account_code IN ('reserve', 'operations') AND p.currency = t.currency
                   AND p.tx_seq < t.tx_seq) AS earmarked
          FROM ledger.treasury_transfer t
         WHERE t.action <> 'proposed' AND (:'account' = '' OR t.book_id = :book) AND t.ts >= :'from' AND t.ts <= :'to') x
 WHERE x.amount > coalesce(x.equity, 0) - x.principal - x.earmarked + 0.005
UNION ALL
SELECT 'budget_mismatch', b.book_id, b.period_to,
       format('rolling status of %s (%s days): policy action %s, surplus %s, risk budget %s after %s',
              b.day, b.window_days, b.policy_action, round(b.surplus, 2), b.budget_scale, b.prev_scale)
  FROM (SELECT s.*, lag(s.budget_scale) OVER (PARTITION BY s.book_id ORDER BY s.seq) AS prev_scale
          FROM portfolio.treasury_status s WHERE s.window_days > 1 AND (:'account' = '' OR s.book_id = :book)) b
 WHERE b.period_to >= :'from' AND b.period_to <= :'to'
   AND CASE WHEN b.policy_action IN ('budget_cut', 'entries_halted_budget_cut')
                 THEN b.budget_scale IS NULL OR b.budget_scale >= coalesce(b.prev_scale, 1) OR b.surplus >= 0
            WHEN b.policy_action = 'budget_restored'
                 THEN b.budget_scale IS DISTINCT FROM 1 OR coalesce(b.prev_scale, 1) >= 1 OR b.surplus < 0
            ELSE b.budget_scale IS NOT NULL AND b.prev_scale IS NOT NULL AND b.budget_scale <> b.prev_scale
                 AND NOT (b.budget_scale = 1 AND b.surplus >= 0)
       END
ORDER BY 1, 2, 3;
