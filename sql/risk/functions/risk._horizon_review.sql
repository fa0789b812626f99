-- risk._horizon_review(p_book_id, p_hour, p_limits) -> integer (positions flagged)
-- Adaptive horizon at an hour close (api.close_hour through risk._hour_reviews; docs/risk.md "Adaptive
-- horizon"). Every held position is reviewed against its entry: the signal of the buy that opened its newest
-- open lot (its recorded edge_bps and expiry), and its risk then and now, the realized volatility of hourly
-- log returns (risk.realized_volatility over vol_window_hours, 168 when not set) at the entry's decision time
-- and at p_hour. A position whose entry edge has expired (expiry <= p_hour) and whose volatility has grown
-- (now > at entry) is flagged for exit with reason horizon_expired: one risk.horizon_flag row per entry. There
-- is no fixed maximum holding time: a position whose risk has not grown is kept, and a new entry renews it.
-- p_limits: the book's current limits (risk.current_limits) when the caller has them (api.close_hour reads them
-- once for the close); NULL: read here.
CREATE OR REPLACE FUNCTION risk._horizon_review(p_book_id integer, p_hour timestamptz, p_limits jsonb DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct    trading.account;
    v_limits  jsonb;
    e         record;
    v_window  integer;
    v_now     numeric;
    v_entry   numeric;
    v_fnow    double precision;
    v_fentry  double precision;
    v_count   integer := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := coalesce(p_limits, risk.current_limits(v_acct.risk_profile));
    FOR e IN
        SELECT p.symbol, p.quantity, sg.seq, sg.strategy, sg.ts, sg.edge_bps, sg.expiry
          FROM trading.position p
          CROSS JOIN LATERAL (SELECT l.venue_trade_id FROM trading.lot l
                               WHERE l.book_id = p.book_id AND l.symbol = p.symbol AND l.remaining > 0
                               ORDER BY l.lot_no DESC LIMIT 1) l
          JOIN trading.fill f ON f.book_id = p.book_id AND f.symbol = p.symbol AND f.venue_trade_id = l.venue_trade_id
          JOIN trading.order_request o ON o.client_order_id = f.client_order_id
          JOIN trading.signal sg ON sg.book_id = o.book_id AND sg.seq = o.signal_seq
         WHERE p.book_id = p_book_id AND p.quantity > 0 AND sg.expiry <= p_hour
           AND NOT EXISTS (SELECT FROM risk.horizon_flag h
                            WHERE h.book_id = p_book_id AND h.symbol = p.symbol AND h.entry_signal_seq = sg.seq)
         ORDER BY p.symbol
    LOOP
        v_window := coalesce(risk.cap(v_limits, 'vol_window_hours', e.symbol, NULL), 168)::integer;
        -- The screen (risk._volatility_screen): when the double-precision figures put the volatility now below
        -- the entry's by more than their error could account for (2e-12 and 1e-9 of the larger; the numeric
        -- figures are rounded to 12 places, so they then compare the same way), the position is not flagged and
        -- the numeric figures are not computed. Otherwise (close, or no screen) the numeric figures decide.
        v_fnow := risk._volatility_screen(v_acct.venue, e.symbol, p_hour, v_window);
        v_fentry := risk._volatility_screen(v_acct.venue, e.symbol, e.ts, v_window);
        IF v_fnow < v_fentry - (2e-12 + 1e-9 * greatest(v_fnow, v_fentry)) THEN
            CONTINUE;
        END IF;
        SELECT v.sigma INTO v_now FROM risk.realized_volatility(v_acct.venue, e.symbol, p_hour, v_window) v;
        SELECT v.sigma INTO v_entry FROM risk.realized_volatility(v_acct.venue, e.symbol, e.ts, v_window) v;
        IF v_now > v_entry THEN
            INSERT INTO risk.horizon_flag (book_id, symbol, hour, reason, strategy, entry_signal_seq, entry_ts, entry_edge_bps,
                                           entry_expiry, vol_entry, vol_now, position_qty)
            VALUES (p_book_id, e.symbol, p_hour, 'horizon_expired', e.strategy, e.seq, e.ts, e.edge_bps, e.expiry,
                    v_entry, v_now, e.quantity);
            v_count := v_count + 1;
        END IF;
    END LOOP;
    RETURN v_count;
END
$$;

COMMENT ON FUNCTION risk._horizon_review(integer, timestamptz, jsonb) IS 'Internal (hour close): reviews every held position against its entry signal; flags it for exit (risk.horizon_flag, reason horizon_expired) once its recorded edge has expired and its realized volatility has grown since entry. No fixed maximum holding time.';
