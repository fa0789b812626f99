-- portfolio._hour_result(p_book_id, p_hour) -> the row api.close_hour returns
-- Internal: the recorded state of a closed hour, the book's current positions ({symbol: base qty}) and
-- the halts covering the account.
CREATE OR REPLACE FUNCTION portfolio._hour_result(p_book_id integer, p_hour timestamptz)
RETURNS TABLE (hour timestamptz, cash numeric, positions_value numeric, equity numeric, peak_equity numeric,
               drawdown numeric, daily_pnl numeric, realized_pnl numeric, unrealized_pnl numeric, fees numeric,
               gross_exposure numeric, open_orders integer, stale_marks text[], positions jsonb,
               inputs_hash text, outputs_hash text, halts text[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    SELECT h.hour, h.cash, h.positions_value, h.equity, h.peak_equity, h.drawdown, h.daily_pnl, h.realized_pnl,
           h.unrealized_pnl, h.fees, h.gross_exposure, h.open_orders, h.stale_marks,
           (SELECT coalesce(jsonb_object_agg(p.symbol, p.quantity ORDER BY p.symbol), '{}'::jsonb)
              FROM trading.position p WHERE p.book_id = h.book_id AND p.quantity > 0),
           encode(h.inputs_hash, 'hex'), encode(h.outputs_hash, 'hex'),
           risk._active_halts(a.name, a.lane, NULL)
      FROM portfolio.hourly_state h JOIN trading.account a ON a.book_id = h.book_id
     WHERE h.book_id = p_book_id AND h.hour = p_hour;
END
$$;

COMMENT ON FUNCTION portfolio._hour_result(integer, timestamptz) IS 'Internal: a closed hour''s state with current positions and active halts, as returned by api.close_hour.';
