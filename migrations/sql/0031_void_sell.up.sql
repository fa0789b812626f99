-- 0031_void_sell.up.sql — voiding a ghost sell (issue 14; docs/live.md "Corrections"): api.void_fill extended from a
-- buy to a sell fill the venue never made (the symbol's newest fill).
--
-- * trading.fill_void.lot_no becomes nullable: a buy's void names the lot it emptied; a sell's void names none (NULL):
--   the lots a sell consumed are its trading.lot_allocation rows, each given back its quantity. quantity is then the
--   base given back to the lots and the position (the sell's quantity, plus its fee when the venue charged it in
--   the base).
-- * trading.fill_void.round_trip_seq (nullable): when the voided sell closed a round trip (it left the position
--   flat), the trading.round_trip row it closed. That row stays (append-only, chained) and counts for nothing: the
--   trip is open again under the same trip number (api.round_trips, gate 13 and the reports leave it out).
-- * trading.round_trip: the unique (book, symbol, trip_no) becomes a rule of the insert trigger
--   (trading.tg_round_trip__check): at most one round trip per trip number that no void took back, since the
--   reopened trip closes again under its number.
SET LOCAL ROLE predator_owner;

ALTER TABLE trading.fill_void ALTER COLUMN lot_no DROP NOT NULL;
ALTER TABLE trading.fill_void ADD COLUMN round_trip_seq bigint;
ALTER TABLE trading.fill_void ADD CONSTRAINT fill_void_round_trip
    FOREIGN KEY (book_id, round_trip_seq) REFERENCES trading.round_trip (book_id, seq);
ALTER TABLE trading.fill_void ADD CONSTRAINT fill_void_round_trip_once UNIQUE (book_id, round_trip_seq);
COMMENT ON COLUMN trading.fill_void.lot_no IS 'A voided buy: the lot it emptied. A voided sell: NULL (the lots it consumed are its trading.lot_allocation rows, each given back its quantity).';
COMMENT ON COLUMN trading.fill_void.quantity IS 'The base quantity the void took out of (a buy: its lot''s quantity) or gave back to (a sell: its allocations, the sell''s quantity plus a fee paid in the base) the lots and the position.';
COMMENT ON COLUMN trading.fill_void.round_trip_seq IS 'A voided sell that had closed a round trip: that trading.round_trip row, taken back (the trip is open again under its number). NULL otherwise.';
COMMENT ON TABLE trading.fill_void IS 'Fills the venue never made, voided by an operator (api.void_fill): the fill stays; a buy''s void names the lot it emptied, a sell''s void gives its allocations back to their lots and names the round trip it had closed, if any; quantity is the base taken out of or given back to the position; the reversing journal transaction (kind void) and the incident it corrects. Gates 04, 05, 11, 13, 17, 20 and 21, the hour close and the strategy figures leave a voided fill, its allocations and its round trip out. Append-only, chained per book.';

ALTER TABLE trading.round_trip DROP CONSTRAINT round_trip_is_unique;
CREATE INDEX round_trip_trip_idx ON trading.round_trip (book_id, symbol, trip_no);
