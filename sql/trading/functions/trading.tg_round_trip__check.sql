-- trading.tg_round_trip__check() — BEFORE INSERT row trigger on trading.round_trip.
-- One round trip per book, symbol and trip number, not counting a round trip a void took back (the voided sell that
-- closed it: trading.fill_void.round_trip_seq): the trip is open again and closes again under its number. PD001.
CREATE OR REPLACE FUNCTION trading.tg_round_trip__check()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT FROM trading.round_trip r
                WHERE r.book_id = NEW.book_id AND r.symbol = NEW.symbol AND r.trip_no = NEW.trip_no
                  AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = r.book_id AND v.round_trip_seq = r.seq)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD001',
            MESSAGE = format('round trip %s of %s refused: that trip is already closed', NEW.trip_no, NEW.symbol),
            HINT = 'A trip closes once; only a void of the sell that closed it (api.void_fill) opens it again.';
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION trading.tg_round_trip__check() IS 'One round trip per book, symbol and trip number besides those a void of their closing sell took back (trading.fill_void.round_trip_seq); PD001 otherwise.';
