-- trading.tg_lot__guard() — BEFORE UPDATE row trigger on trading.lot.
-- Lots are append-only except remaining, which may decrease (an allocation consumed it, or a void of the lot's own
-- buy emptied it). It may rise in one case only: the void of a sell that consumed it (api.void_fill), which gives the
-- sell's allocation back. The rise is accepted only when a trading.fill_void row names a sell that allocated from
-- this lot, and the new remaining is exactly what the lot's live allocations leave: its quantity − the allocations of
-- sells not voided − what a void of its own buy took out. So a plain UPDATE that raises remaining is refused
-- (without a voided sell the live allocations are all of them, and remaining already is what they leave), and a
-- void never gives a lot more than it held. PD001.
CREATE OR REPLACE FUNCTION trading.tg_lot__guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_left numeric;
BEGIN
    IF (to_jsonb(NEW) - 'remaining') IS DISTINCT FROM (to_jsonb(OLD) - 'remaining') OR NEW.remaining IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD001',
            MESSAGE = format('update of lot %s/%s refused: only remaining may change, and only downwards', OLD.symbol, OLD.lot_no),
            HINT = 'Lots are consumed by sell fills (api.record_fill); corrections are new rows.';
    END IF;
    IF NEW.remaining > OLD.remaining THEN
        SELECT OLD.quantity
               - coalesce((SELECT sum(a.quantity) FROM trading.lot_allocation a
                            WHERE a.book_id = OLD.book_id AND a.symbol = OLD.symbol AND a.lot_no = OLD.lot_no
                              AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = a.book_id AND v.symbol = a.symbol
                                                 AND v.venue_trade_id = a.venue_trade_id)), 0)
               - coalesce((SELECT sum(v.quantity) FROM trading.fill_void v
                            WHERE v.book_id = OLD.book_id AND v.symbol = OLD.symbol AND v.lot_no = OLD.lot_no), 0)
          INTO v_left;
        IF NEW.remaining <> v_left
           OR NOT EXISTS (SELECT FROM trading.lot_allocation a
                            JOIN trading.fill_void v ON v.book_id = a.book_id AND v.symbol = a.symbol AND v.venue_trade_id = a.venue_trade_id
                           WHERE a.book_id = OLD.book_id AND a.symbol = OLD.symbol AND a.lot_no = OLD.lot_no) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD001',
                MESSAGE = format('update of lot %s/%s refused: remaining may rise only by the void of a sell that consumed it', OLD.symbol, OLD.lot_no),
                DETAIL = format('remaining %s -> %s; quantity less live allocations and voids: %s', OLD.remaining, NEW.remaining, v_left),
                HINT = 'A lot gets quantity back only from api.void_fill of a sell (a fill the venue never made); corrections are new rows.';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION trading.tg_lot__guard() IS 'Lots are append-only except remaining, which only decreases (an allocation, the void of its buy) or rises back to what its live allocations leave when a sell that consumed it is voided (api.void_fill); PD001 otherwise.';
