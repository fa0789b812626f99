-- trading.tg_fill__check() — BEFORE INSERT row trigger on trading.fill.
-- A fill belongs to a known order of the same book, symbol and side (PD011, PD012), never precedes the
-- order (PD013), pays its fee in a known currency (PD012: the instrument's base or quote, or a third
-- currency such as Binance's BNB that market.asset knows), and respects the order's limit price (PD012).
CREATE OR REPLACE FUNCTION trading.tg_fill__check()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_req trading.order_request;
BEGIN
    SELECT * INTO v_req FROM trading.order_request r WHERE r.client_order_id = NEW.client_order_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('fill %s refused: unknown client order id %s', NEW.venue_trade_id, NEW.client_order_id),
            HINT = 'A fill for an order Predator never sent is a reconciliation incident.';
    END IF;
    IF v_req.book_id <> NEW.book_id OR v_req.symbol <> NEW.symbol OR v_req.side <> NEW.side THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('fill %s refused: it does not match order %s', NEW.venue_trade_id, NEW.client_order_id),
            DETAIL = format('order=%s/%s/%s fill=%s/%s/%s', v_req.book_id, v_req.symbol, v_req.side, NEW.book_id, NEW.symbol, NEW.side),
            HINT = 'Relay the venue''s fill under the order it belongs to.';
    END IF;
    IF NEW.ts < v_req.ts THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('fill %s refused: it precedes its order %s', NEW.venue_trade_id, NEW.client_order_id),
            DETAIL = format('fill_ts=%s order_ts=%s', NEW.ts, v_req.ts),
            HINT = 'Pass the venue''s execution time.';
    END IF;
    IF NEW.fee_currency IS NULL OR (NEW.fee_currency NOT IN (split_part(NEW.symbol, '/', 1), split_part(NEW.symbol, '/', 2))
                                    AND NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = NEW.fee_currency)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('fill %s refused: fee currency %s is not a known currency', NEW.venue_trade_id, NEW.fee_currency),
            DETAIL = format('symbol=%s fee_currency=%s', NEW.symbol, NEW.fee_currency),
            HINT = 'A fee is paid in the base, the quote, or a third currency listed in market.asset (for example BNB).';
    END IF;
    IF v_req.limit_price IS NOT NULL
       AND ((NEW.side = 'buy' AND NEW.price > v_req.limit_price) OR (NEW.side = 'sell' AND NEW.price < v_req.limit_price)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('fill %s refused: price %s is worse than the limit %s of order %s', NEW.venue_trade_id, NEW.price, v_req.limit_price, NEW.client_order_id),
            HINT = 'A limit order never fills through its limit; reconcile with the venue.';
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION trading.tg_fill__check() IS 'Fill sanity: known matching order (PD011/PD012), not before the order (PD013), fee in the base, the quote or a known third currency (PD012), within the limit price (PD012).';
