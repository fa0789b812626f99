-- ledger._treasury_fill(p_book_id, p_venue_trade_id, p_symbol, p_fee_quote, p_ts) -> void
-- The treasury postings of one fill (docs/treasury.md), called by api.record_fill after its lots:
--   * realized (kind realized, ref the venue trade id), in the reporting currency at the fill's time:
--       realized_pnl  -G   G = gross realized PnL of the fill's lot allocations, sum of qty x (exit - entry)
--       fee_expense   +F   F = the fill's fee as charged, valued in the quote (trading._fee_in_quote)
--       treasury      G-F
--   * reserve (kind reserve, same ref) when the profile sets treasury_reserve_pct: R = pct% of the fill's
--     realized gain g (the allocations' realized PnL, net of their entry and exit fee shares):
--       treasury_reserve_carry_forward unset/0: R = pct% x max(g, 0) (losses release nothing, carry nothing);
--       treasury_reserve_carry_forward 1:       R = pct% x (H_after - H_before), H the high-water mark of the
--                                               book's cumulative realized PnL (a loss is recovered first).
--       reserve +R, treasury -R.
-- Zero amounts are not posted; nothing is posted when every amount is zero.
CREATE OR REPLACE FUNCTION ledger._treasury_fill(p_book_id integer, p_venue_trade_id text, p_symbol text,
                                                 p_fee_quote numeric, p_ts timestamptz)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct   trading.account;
    v_quote  text := split_part(p_symbol, '/', 2);
    v_gross  numeric;
    v_net    numeric;
    v_fee    numeric;
    v_limits jsonb;
    v_pct    numeric;
    v_carry  numeric;
    v_hwm_before numeric;
    v_hwm_after  numeric;
    v_reserve numeric := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT coalesce(sum(a.quantity * (a.exit_price - a.entry_price)), 0), coalesce(sum(a.realized_pnl), 0)
      INTO v_gross, v_net
      FROM trading.lot_allocation a
     WHERE a.book_id = p_book_id AND a.symbol = p_symbol AND a.venue_trade_id = p_venue_trade_id;
    v_gross := portfolio._to_reporting(v_acct.venue, v_acct.base_currency, v_quote, v_gross, p_ts);
    v_net := portfolio._to_reporting(v_acct.venue, v_acct.base_currency, v_quote, v_net, p_ts);
    v_fee := portfolio._to_reporting(v_acct.venue, v_acct.base_currency, v_quote, coalesce(p_fee_quote, 0), p_ts);
    IF v_gross <> 0 OR v_fee <> 0 THEN
        PERFORM ledger._post(p_book_id, 'realized', p_venue_trade_id, p_ts,
            ARRAY['realized_pnl', 'fee_expense', 'treasury'],
            ARRAY[v_acct.base_currency, v_acct.base_currency, v_acct.base_currency],
            ARRAY[-v_gross, v_fee, v_gross - v_fee]);
    END IF;

    v_limits := risk.current_limits(v_acct.risk_profile);
    v_pct := risk.cap(v_limits, 'treasury_reserve_pct', '*', 100);  -- pct of 100: the percentage itself
    IF v_pct IS NULL OR v_pct = 0 OR v_net = 0 THEN
        RETURN;
    END IF;
    v_carry := risk.cap(v_limits, 'treasury_reserve_carry_forward', '*', NULL);
    IF coalesce(v_carry, 0) = 1 THEN
        -- High-water mark of the cumulative realized PnL over the book's fills before this one and after it.
        SELECT greatest(0, coalesce(max(x.cum) FILTER (WHERE NOT x.this), 0)), greatest(0, coalesce(max(x.cum), 0))
          INTO v_hwm_before, v_hwm_after
          FROM (SELECT sum(f.net) OVER (ORDER BY f.first_seq) AS cum, f.this
                  FROM (SELECT min(a.seq) AS first_seq,
                               sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(a.symbol, '/', 2),
                                                           a.realized_pnl, a.ts)) AS net,
                               bool_or(a.symbol = p_symbol AND a.venue_trade_id = p_venue_trade_id) AS this
                          FROM trading.lot_allocation a
                         WHERE a.book_id = p_book_id
                           -- a voided sell (api.void_fill) realized nothing: its reserve was reversed with it
                           AND NOT EXISTS (SELECT FROM trading.fill_void fv WHERE fv.book_id = a.book_id AND fv.symbol = a.symbol AND fv.venue_trade_id = a.venue_trade_id)
                         GROUP BY a.symbol, a.venue_trade_id) f) x;
        v_reserve := round(v_pct / 100 * (v_hwm_after - v_hwm_before), 10);
    ELSE
        v_reserve := round(v_pct / 100 * greatest(v_net, 0), 10);
    END IF;
    IF v_reserve > 0 THEN
        PERFORM ledger._post(p_book_id, 'reserve', p_venue_trade_id, p_ts,
            ARRAY['reserve', 'treasury'], ARRAY[v_acct.base_currency, v_acct.base_currency], ARRAY[v_reserve, -v_reserve]);
    END IF;
END
$$;

COMMENT ON FUNCTION ledger._treasury_fill(integer, text, text, numeric, timestamptz) IS 'Internal: the treasury postings of a fill: realized PnL (gross) and fee expense against treasury, and the reserve accrual of its realized gain (treasury_reserve_pct; treasury_reserve_carry_forward), in the reporting currency. docs/treasury.md.';
