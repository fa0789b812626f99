-- api.own_positions(p_account) -> (strategy, symbol, quantity), one row per strategy and symbol with a fill
-- Worker, operator, auditor. Each strategy's own net position per symbol in the account's book, as of now, in
-- base units: risk._fill_totals' qty — the one definition of a strategy's sums over the fills of its own orders
-- (buys − sells − fees paid in the base; voided fills left out) — read from the latest fill checkpoint
-- (risk.fill_checkpoint) plus the fills after it, not from the whole ledger. Kill-switch and flatten exits
-- belong to no strategy and are not counted. api.strategy_positions shows it for every account; the hour runner
-- reads it through that view. PD011 an unknown account.
-- Tables read: trading.account, trading.fill, trading.fill_void, trading.order_request, risk.fill_checkpoint,
-- risk.fill_checkpoint_total (through risk._fill_totals).
CREATE OR REPLACE FUNCTION api.own_positions(p_account text)
RETURNS TABLE (strategy text, symbol text, quantity numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
    v_book integer;
BEGIN
    v_book := (trading._account(p_account)).book_id;
    RETURN QUERY
    SELECT t.strategy, t.symbol, t.qty
      FROM risk._fill_totals(v_book, NULL, 'infinity', false) t;
END
$$;

COMMENT ON FUNCTION api.own_positions(text) IS 'Worker, operator, auditor: each strategy''s own net position per symbol (base units) in the account''s book over every fill stored: buys - sells - fees paid in the base over the fills of its own orders, voided fills left out (risk._fill_totals, the one definition, from the latest fill checkpoint plus the fills after it). Read through api.strategy_positions. PD011 unknown account.';
