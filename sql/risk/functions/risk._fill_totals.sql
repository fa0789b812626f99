-- risk._fill_totals(p_book_id, p_names, p_ts, p_third_currency_fees, p_fill_cap, p_void_cap)
--   -> (strategy, symbol, qty, flow, buy_qty, buy_notional), one row per strategy and symbol with a fill
-- The sums over a strategy's own fills (the fills of the orders whose strategy it is) dated by p_ts, less those
-- voided by a void dated by p_ts, per symbol: the one place risk.strategies_figures and risk._strategy_position
-- read them from (issue 18 item 6):
--   qty          Σ buys − Σ sells − fees paid in the base                                     (base units)
--   flow         Σ sell proceeds − Σ buy cost − fees in the quote or the base (at the fill's price) − fees in a
--                third currency (trading._fee_in_quote, at the FEE/QUOTE mark as stored now) when
--                p_third_currency_fees, else without those                                       (quote)
--   buy_qty, buy_notional  Σ quantity and Σ quantity × price of the buys (NULL without a buy)
-- p_names NULL: every strategy. p_fill_cap / p_void_cap (NULL: none): only the fills and voids with seq up to
-- them (what a checkpoint is written from).
-- How: from the latest checkpoint dated by p_ts (risk.fill_checkpoint: the sums over the fills with seq <= its
-- fill_seq and ts <= its as_of, less those voided by a void with seq <= its void_seq and ts <= as_of), plus the
-- other fills dated by p_ts — those relayed after it (seq > fill_seq) and those dated after it (ts > as_of) — not
-- voided by p_ts. A void dated by p_ts that the checkpoint did not count (seq > void_seq or ts > as_of) of a fill
-- the checkpoint summed makes this call start from nothing instead (the sum would otherwise subtract a fill the
-- set never held). Numeric sums are exact: the result is digit for digit the sum over every fill (the two
-- branches of the fills after a checkpoint are disjoint; tests/integration/test_fill_checkpoints.py).
-- A forced generic plan (plan_cache_mode), like risk.strategies_figures; each scan carries a two-sided range
-- (seq or ts) so that the generic plan probes the index rather than reading the book's fills.
CREATE OR REPLACE FUNCTION risk._fill_totals(p_book_id integer, p_names text[], p_ts timestamptz,
                                             p_third_currency_fees boolean DEFAULT true,
                                             p_fill_cap bigint DEFAULT NULL, p_void_cap bigint DEFAULT NULL)
RETURNS TABLE (strategy text, symbol text, qty numeric, flow numeric, buy_qty numeric, buy_notional numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_venue text;
    v_fcap  bigint := coalesce(p_fill_cap, 9223372036854775807);
    v_vcap  bigint := coalesce(p_void_cap, 9223372036854775807);
    c_as_of timestamptz;
    c_fill  bigint;
    c_void  bigint;
BEGIN
    SELECT a.venue INTO v_venue FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT c.as_of, c.fill_seq, c.void_seq INTO c_as_of, c_fill, c_void
      FROM risk.fill_checkpoint c
     WHERE c.book_id = p_book_id AND c.as_of <= p_ts AND c.fill_seq <= v_fcap AND c.void_seq <= v_vcap
     ORDER BY c.as_of DESC LIMIT 1;
    IF c_as_of IS NOT NULL AND EXISTS (
            SELECT FROM trading.fill_void v
              JOIN trading.fill f ON f.book_id = v.book_id AND f.symbol = v.symbol AND f.venue_trade_id = v.venue_trade_id
             WHERE v.book_id = p_book_id AND v.ts <= p_ts AND v.seq <= v_vcap AND (v.seq > c_void OR v.ts > c_as_of)
               AND f.seq <= c_fill AND f.ts <= c_as_of) THEN
        c_as_of := NULL;
    END IF;
    IF c_as_of IS NULL THEN  -- no usable checkpoint: every fill is "after" an empty one
        c_as_of := '-infinity';
        c_fill := 0;
        c_void := 0;
    END IF;
    RETURN QUERY
    WITH after AS (
        -- relayed after the checkpoint (any date by p_ts) ...
        SELECT f.* FROM trading.fill f
         WHERE f.book_id = p_book_id AND f.seq > c_fill AND f.seq <= v_fcap AND f.ts <= p_ts
        UNION ALL
        -- ... or known to it but dated after it
        SELECT f.* FROM trading.fill f
         WHERE f.book_id = p_book_id AND f.ts > c_as_of AND f.ts <= p_ts AND f.seq <= c_fill),
    d AS (
        SELECT r.strategy, f.symbol,
               sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
                   - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END) AS qty,
               sum(CASE WHEN f.side = 'buy' THEN -f.quantity * f.price ELSE f.quantity * f.price END
                   -- as risk.strategies_figures always wrote it (a zero fee adds 0, not a zero of the fee's scale)
                   - CASE WHEN f.fee = 0 OR f.fee_currency = split_part(f.symbol, '/', 1) THEN 0
                          WHEN f.fee_currency = split_part(f.symbol, '/', 2) THEN f.fee ELSE 0 END) AS flow,
               sum(f.quantity) FILTER (WHERE f.side = 'buy') AS buy_qty,
               sum(f.quantity * f.price) FILTER (WHERE f.side = 'buy') AS buy_notional
          FROM after f
          JOIN trading.order_request r ON r.client_order_id = f.client_order_id
         WHERE r.book_id = p_book_id AND r.strategy IS NOT NULL AND (p_names IS NULL OR r.strategy = ANY (p_names))
           AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                              AND v.venue_trade_id = f.venue_trade_id AND v.ts <= p_ts AND v.seq <= v_vcap)
         GROUP BY r.strategy, f.symbol
        UNION ALL
        SELECT t.strategy, t.symbol, t.qty, t.flow, t.buy_qty, t.buy_notional
          FROM risk.fill_checkpoint_total t
         WHERE t.book_id = p_book_id AND t.as_of = c_as_of AND (p_names IS NULL OR t.strategy = ANY (p_names))
        UNION ALL
        -- fees in a third currency, every one dated by p_ts (their quote value is read now, never checkpointed)
        SELECT r.strategy, f.symbol, 0, -trading._fee_in_quote(v_venue, f.symbol, f.fee, f.fee_currency, f.price, f.ts),
               NULL, NULL
          FROM trading.fill f
          JOIN trading.order_request r ON r.client_order_id = f.client_order_id
         WHERE p_third_currency_fees
           AND f.book_id = p_book_id AND f.seq >= 0 AND f.seq <= v_fcap AND f.ts <= p_ts
           AND f.fee > 0 AND f.fee_currency <> split_part(f.symbol, '/', 1) AND f.fee_currency <> split_part(f.symbol, '/', 2)
           AND r.book_id = p_book_id AND r.strategy IS NOT NULL AND (p_names IS NULL OR r.strategy = ANY (p_names))
           AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                              AND v.venue_trade_id = f.venue_trade_id AND v.ts <= p_ts AND v.seq <= v_vcap))
    SELECT d.strategy, d.symbol, sum(d.qty), sum(d.flow), sum(d.buy_qty), sum(d.buy_notional)
      FROM d
     GROUP BY d.strategy, d.symbol;
END
$$;

COMMENT ON FUNCTION risk._fill_totals(integer, text[], timestamptz, boolean, bigint, bigint) IS 'Internal: per strategy (p_names, NULL every one) and symbol, the sums over its own fills dated by p_ts and not voided by p_ts: qty (base: buys - sells - fees in the base), flow (quote: proceeds - cost - fees; fees in a third currency only when p_third_currency_fees), buy_qty, buy_notional; from the latest usable checkpoint (risk.fill_checkpoint) plus the fills outside it. p_fill_cap/p_void_cap bound the seqs read.';
