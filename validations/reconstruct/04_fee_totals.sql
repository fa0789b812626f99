-- Reconstruction 04 — fee totals rebuilt from the fills alone (issue 17 item 3; docs/audit.md, "Reconstruction").
-- Rebuilt from the fills not voided (trading.fill_void):
--   * fee_total          per (book, currency charged): Σ fee of the fills charged in it  vs  the journal's fees
--                        account in that currency (Σ of its postings: the fill legs, less what voids reversed);
--   * fee_expense_total  per book whose fills are all quoted in its reporting currency: Σ of each fill's fee in
--                        quote (as is in the quote, at the fill price in the base, at the FEE/QUOTE close of the last
--                        1h bar closed by the fill within 7 days in a third currency, 0 without one)  vs  the
--                        journal's fee_expense account (Σ of its postings: the realized memos, less what voids
--                        reversed). A book trading in another quote is not rebuilt here (its memos are converted).
-- Columns: rule, book_id, key (currency), item, stored, rebuilt, agrees.
-- Pure SQL over trading.fill, trading.fill_void, ledger.posting and market.candle: no Predator function is called.
-- psql variables, all optional: account (one book; '' = every book), show ('all': every compared row; default:
-- only the mismatches).
--   psql -v account=NAME -f validations/reconstruct/04_fee_totals.sql
\if :{?account} \else \set account '' \endif
\if :{?show} \else \set show mismatches \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH fills AS (
    SELECT f.book_id, f.fee, f.fee_currency, split_part(f.symbol, '/', 2) AS quote, a.base_currency AS reporting,
           CASE WHEN f.fee = 0 OR f.fee_currency = split_part(f.symbol, '/', 2) THEN f.fee
                WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee * f.price
                ELSE coalesce(f.fee * (SELECT c.close FROM market.candle c
                                        WHERE c.venue = a.venue AND c."interval" = '1h'
                                          AND c.symbol = f.fee_currency || '/' || split_part(f.symbol, '/', 2)
                                          AND c.ts <= f.ts - interval '1 hour' AND c.ts > f.ts - interval '7 days'
                                        ORDER BY c.ts DESC, c.revision DESC LIMIT 1), 0) END AS fee_quote
      FROM trading.fill f
      JOIN trading.account a ON a.book_id = f.book_id
     WHERE (:'account' = '' OR f.book_id = :book)
       AND NOT EXISTS (SELECT FROM trading.fill_void v
                        WHERE v.book_id = f.book_id AND v.symbol = f.symbol AND v.venue_trade_id = f.venue_trade_id)),
journal AS (
    SELECT p.book_id, p.account_code, p.currency, sum(p.amount) AS total
      FROM ledger.posting p
     WHERE (:'account' = '' OR p.book_id = :book) AND p.account_code IN ('fees', 'fee_expense')
     GROUP BY 1, 2, 3),
charged AS (
    SELECT f.book_id, f.fee_currency AS currency, sum(f.fee) AS total FROM fills f WHERE f.fee <> 0 GROUP BY 1, 2),
expense AS (
    SELECT f.book_id, min(f.reporting) AS currency, sum(f.fee_quote) AS total
      FROM fills f GROUP BY f.book_id HAVING bool_and(f.quote = f.reporting)),
cmp AS (
    SELECT 'fee_total'::text AS rule, coalesce(j.book_id, c.book_id) AS book_id, coalesce(j.currency, c.currency) AS key,
           'fees account'::text AS item, coalesce(j.total, 0) AS stored, coalesce(c.total, 0) AS rebuilt
      FROM (SELECT * FROM journal WHERE account_code = 'fees') j
      FULL JOIN charged c ON c.book_id = j.book_id AND c.currency = j.currency
    UNION ALL
    SELECT 'fee_expense_total', e.book_id, e.currency, 'fee_expense account', coalesce(j.total, 0), e.total
      FROM expense e
      LEFT JOIN journal j ON j.book_id = e.book_id AND j.account_code = 'fee_expense' AND j.currency = e.currency)
SELECT c.rule, c.book_id, c.key, c.item, c.stored::text AS stored, c.rebuilt::text AS rebuilt,
       c.stored = c.rebuilt AS agrees
  FROM cmp c
 WHERE :'show' = 'all' OR c.stored <> c.rebuilt
ORDER BY 1, 2, 3, 4;
