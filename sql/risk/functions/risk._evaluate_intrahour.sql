-- risk._evaluate_intrahour(p_book_id, p_ts) -> text[] (actions taken)
-- After a fill: the book's equity at p_ts (cash plus positions at the close of the last bar closed by
-- p_ts, at cost when none), against the peak and day-start equity of the last closed hour (a new UTC
-- day starts from the last close's equity), through risk._evaluate_hour.
CREATE OR REPLACE FUNCTION risk._evaluate_intrahour(p_book_id integer, p_ts timestamptz)
RETURNS text[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct   trading.account;
    v_last   portfolio.hourly_state;
    v_cash   numeric;
    v_pos    numeric;
    v_equity numeric;
BEGIN
    SELECT * INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = p_book_id ORDER BY h.hour DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN '{}';
    END IF;
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT coalesce(b.balance, 0) INTO v_cash
      FROM (SELECT NULL) x LEFT JOIN ledger.balance b
        ON b.book_id = p_book_id AND b.account_code = 'trading' AND b.currency = v_acct.base_currency;
    SELECT coalesce(sum(p.quantity * coalesce(m.close, p.cost_basis / p.quantity)), 0) INTO v_pos
      FROM trading.position p
      LEFT JOIN market.marks(v_acct.venue,
                             ARRAY(SELECT q.symbol FROM trading.position q WHERE q.book_id = p_book_id AND q.quantity > 0),
                             p_ts) m ON m.symbol = p.symbol
     WHERE p.book_id = p_book_id AND p.quantity > 0;
    v_equity := v_cash + v_pos;
    RETURN risk._evaluate_hour(p_book_id, p_ts, v_equity, greatest(v_last.peak_equity, v_equity),
        CASE WHEN date_trunc('day', v_last.hour - interval '1 second', 'UTC') = date_trunc('day', p_ts - interval '1 second', 'UTC')
             THEN v_last.day_start_equity ELSE v_last.equity END);
END
$$;

COMMENT ON FUNCTION risk._evaluate_intrahour(integer, timestamptz) IS 'Internal: intra-hour loss limits after a fill: equity at the last marks against the last close''s peak and day-start equity.';
