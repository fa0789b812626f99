-- 0031_void_sell.down.sql — back to voids of buys only. Refused (NOT NULL, UNIQUE) while a sell's void exists.
SET LOCAL ROLE predator_owner;
DROP INDEX IF EXISTS trading.round_trip_trip_idx;
ALTER TABLE trading.round_trip ADD CONSTRAINT round_trip_is_unique UNIQUE (book_id, symbol, trip_no);
ALTER TABLE trading.fill_void DROP CONSTRAINT fill_void_round_trip_once;
ALTER TABLE trading.fill_void DROP CONSTRAINT fill_void_round_trip;
ALTER TABLE trading.fill_void DROP COLUMN round_trip_seq;
ALTER TABLE trading.fill_void ALTER COLUMN lot_no SET NOT NULL;
COMMENT ON COLUMN trading.fill_void.lot_no IS NULL;
COMMENT ON COLUMN trading.fill_void.quantity IS NULL;
COMMENT ON TABLE trading.fill_void IS 'Fills the venue never made, voided by an operator (api.void_fill): the fill stays; the void names the lot it emptied (quantity: the base taken out of the lot and the position), the reversing journal transaction (kind void) and the incident it corrects. Gates 04, 05, 11, 13, 17 and 20, the hour close and the strategy figures leave a voided fill out. Append-only, chained per book.';
