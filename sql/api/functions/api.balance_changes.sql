-- api.balance_changes(p_account, p_from, p_to, p_ledger) -> one row per (account, currency)
-- Worker, operator, auditor. How a ledger's balance of each currency moved over (p_from, p_to] (business time),
-- from the journal (ledger.posting, signed amounts, debit positive): the balance at p_from and at p_to (sums of
-- the postings dated up to each bound, so start + movements = end by construction) and the movements by
-- transaction kind: fills (the traded legs of api.record_fill), fees (its fee leg: the fee the book paid in that
-- currency), deposits, withdrawals (api.deposit, api.post_venue_transfer), transfers (treasury transfers,
-- api.approve_treasury_transfer), voids (api.void_fill reversing a fill and its fee), other (every other kind:
-- realized PnL, reserve, principal and operating-cost memos). p_ledger: 'trading' (default: what the book holds
-- at the venue) or any ledger account code (treasury, operations, reserve, …). Currencies the ledger never held
-- by p_to are left out. PD011 an unknown account; PD012 a NULL bound or p_from after p_to.
-- Tables read: trading.account, ledger.transaction, ledger.posting.
CREATE OR REPLACE FUNCTION api.balance_changes(p_account text DEFAULT NULL, p_from timestamptz DEFAULT '-infinity',
                                               p_to timestamptz DEFAULT 'infinity', p_ledger text DEFAULT 'trading')
RETURNS TABLE (account text, ledger text, currency text, start_balance numeric, end_balance numeric,
               fills numeric, fees numeric, deposits numeric, withdrawals numeric, transfers numeric,
               voids numeric, other numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
BEGIN
    PERFORM ops._report_period('api.balance_changes', p_account, p_from, p_to);
    RETURN QUERY
    WITH accts AS (
        SELECT a.book_id, a.name FROM trading.account a WHERE p_account IS NULL OR a.name = p_account),
    p AS (
        SELECT x.name, q.currency, q.amount, q.ts, t.kind, q.leg
          FROM accts x JOIN ledger.posting q ON q.book_id = x.book_id
          JOIN ledger.transaction t ON t.book_id = q.book_id AND t.seq = q.tx_seq
         WHERE q.account_code = p_ledger AND q.ts <= p_to)
    SELECT p.name, p_ledger, p.currency,
           coalesce(sum(p.amount) FILTER (WHERE p.ts <= p_from), 0), sum(p.amount),
           -- a fill's legs 1-4 are the traded base and quote (never zero); its fee legs follow (ledger._post)
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'fill' AND p.leg <= 4), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'fill' AND p.leg > 4), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'deposit'), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'withdrawal'), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'transfer'), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'void'), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind NOT IN ('fill', 'deposit', 'withdrawal',
                                                                                 'transfer', 'void')), 0)
      FROM p GROUP BY p.name, p.currency
     ORDER BY p.name, p.currency;
END
$$;

COMMENT ON FUNCTION api.balance_changes(text, timestamptz, timestamptz, text) IS 'Reads: per account and currency, a ledger''s balance (default trading: what the book holds at the venue) at p_from and p_to and its movements over (p_from, p_to] by kind: fills, fees, deposits, withdrawals, transfers, voids, other; start + movements = end. PD011, PD012.';
