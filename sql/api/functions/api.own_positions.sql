-- api.own_positions(p_account) -> (strategy, symbol, quantity), one row per strategy and symbol with a fill
-- Worker, operator, auditor. Each strategy's own position per symbol in the account's book, in base units, as
-- admission reads it (risk._position_bound, the one definition): its own net quantity over every fill of its own
-- orders stored — risk._fill_totals' qty (buys − sells − fees paid in the base; voided fills left out), read from
-- the latest fill checkpoint (risk.fill_checkpoint) plus the fills after it, not from the whole ledger — never
-- more than the book's position less the book's open sells plus its own open sells. Kill-switch and flatten
-- exits belong to no strategy: once one sold the book's holding, the strategies that bought it hold 0 here (and
-- are not told to exit what is gone). api.strategy_positions shows it for every account; the hour runner reads
-- it through that view. PD011 an unknown account.
-- Tables read: trading.account, trading.position, trading.order_state, trading.order_request, trading.fill,
-- trading.fill_void, risk.fill_checkpoint, risk.fill_checkpoint_total (through risk._fill_totals).
CREATE OR REPLACE FUNCTION api.own_positions(p_account text)
RETURNS TABLE (strategy text, symbol text, quantity numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_book integer;
BEGIN
    v_book := (trading._account(p_account)).book_id;
    RETURN QUERY
    WITH open_sells AS (  -- resting sells per strategy (NULL: kill and flatten exits) and symbol
        SELECT r.strategy AS strategy, s.symbol AS symbol, sum(s.quantity - s.filled_qty) AS qty
          FROM trading.order_state s JOIN trading.order_request r ON r.client_order_id = s.client_order_id
         WHERE s.book_id = v_book AND s.side = 'sell' AND s.status IN ('new', 'open', 'partially_filled')
         GROUP BY r.strategy, s.symbol)
    SELECT t.strategy, t.symbol,
           risk._position_bound(t.qty, coalesce(own.qty, 0), coalesce(p.quantity, 0),
                                coalesce((SELECT sum(b.qty) FROM open_sells b WHERE b.symbol = t.symbol), 0))
      FROM risk._fill_totals(v_book, NULL, 'infinity', false) t
      LEFT JOIN trading.position p ON p.book_id = v_book AND p.symbol = t.symbol
      LEFT JOIN open_sells own ON own.strategy = t.strategy AND own.symbol = t.symbol;
END
$$;

COMMENT ON FUNCTION api.own_positions(text) IS 'Worker, operator, auditor: each strategy''s own position per symbol (base units) in the account''s book as admission bounds it (risk._position_bound): buys - sells - fees paid in the base over the fills of its own orders, voided fills left out (risk._fill_totals, from the latest fill checkpoint plus the fills after it), never more than the book''s position less its open sells plus the strategy''s own open sells (kill and flatten exits belong to no strategy). Read through api.strategy_positions. PD011 unknown account.';
