-- portfolio.treasury_figures(p_book_id, p_from, p_to) -> one row
-- The self-financing figures of a book over business times [p_from, p_to), from its treasury postings in the
-- reporting currency (docs/treasury.md): realized_pnl = -sum(realized_pnl), trading_fees = sum(fee_expense),
-- operating_costs = sum(ops_cost), reserve_accrual = sum of the reserve postings (the accruals, less those a void
-- reversed with its fill: api.void_fill; nothing else posts a negative reserve), surplus =
-- realized_pnl - trading_fees - operating_costs - reserve_accrual; principal = -sum(principal) of every posting
-- dated before p_to (deposits less withdrawals of principal). Stored by the day close; gate 21 recomputes it
-- with its own SQL.
CREATE OR REPLACE FUNCTION portfolio.treasury_figures(p_book_id integer, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (currency text, realized_pnl numeric, trading_fees numeric, operating_costs numeric,
               reserve_accrual numeric, surplus numeric, principal numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH a AS (SELECT x.book_id, x.base_currency FROM trading.account x WHERE x.book_id = p_book_id),
    -- Two index ranges, so that the day close does not read the book's whole journal (docs/performance.md, "Cost as
    -- work grows"): the window's postings (posting_ts_idx) and the principal's, cumulative from the book's start
    -- (posting_principal_idx, partial: deposits and withdrawals of principal only).
    w AS (
        SELECT coalesce(-sum(p.amount) FILTER (WHERE p.account_code = 'realized_pnl'), 0) AS realized,
               coalesce(sum(p.amount) FILTER (WHERE p.account_code = 'fee_expense'), 0) AS fees,
               coalesce(sum(p.amount) FILTER (WHERE p.account_code = 'ops_cost'), 0) AS costs,
               coalesce(sum(p.amount) FILTER (WHERE p.account_code = 'reserve'), 0) AS reserve
          FROM ledger.posting p JOIN a ON a.book_id = p.book_id AND p.currency = a.base_currency
         WHERE p.book_id = p_book_id AND p.ts >= p_from AND p.ts < p_to
           AND p.account_code IN ('realized_pnl', 'fee_expense', 'ops_cost', 'reserve')),
    pr AS (
        SELECT coalesce(-sum(p.amount), 0) AS principal
          FROM ledger.posting p JOIN a ON a.book_id = p.book_id AND p.currency = a.base_currency
         WHERE p.book_id = p_book_id AND p.ts < p_to AND p.account_code = 'principal'),
    f AS (SELECT w.*, pr.principal FROM w, pr)
    SELECT a.base_currency, f.realized, f.fees, f.costs, f.reserve, f.realized - f.fees - f.costs - f.reserve, f.principal
      FROM a, f
$$;

COMMENT ON FUNCTION portfolio.treasury_figures(integer, timestamptz, timestamptz) IS 'Self-financing figures of a book over [p_from, p_to) from its treasury postings in the reporting currency: realized PnL, trading fees, operating costs, reserve accrual, surplus, and the principal deposited before p_to.';
