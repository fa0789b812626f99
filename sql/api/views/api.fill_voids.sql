-- api.fill_voids — fills the venue never made, voided by an operator (api.void_fill).
CREATE VIEW api.fill_voids AS
SELECT a.name AS account, v.symbol, v.venue_trade_id, v.client_order_id, v.lot_no, v.quantity, v.tx_seq,
       format('INC-%s-%s', v.book_id, v.incident_seq) AS incident, v.reason, v.actor, v.ts, v.recorded_at, v.seq,
       v.round_trip_seq
  FROM trading.fill_void v JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.fill_voids IS 'Fills voided by an operator as never made by the venue: a buy''s lot emptied (lot_no; NULL for a sell, whose allocations went back to their lots), the base quantity taken out of (buy) or given back to (sell) the position, the reversing journal transaction (kind void), the incident corrected, and the round trip a voided sell had closed (round_trip_seq).';
