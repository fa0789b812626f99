-- api.round_trips — executed round trips.
CREATE VIEW api.round_trips AS
SELECT a.name AS account, t.symbol, t.trip_no, t.entry_ts, t.exit_ts, t.quantity, t.entry_avg_price, t.exit_avg_price,
       t.fees, t.gross_pnl, t.net_pnl, t.net_return
  FROM trading.round_trip t JOIN trading.account a USING (book_id)
 WHERE NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = t.book_id AND v.round_trip_seq = t.seq);
COMMENT ON VIEW api.round_trips IS 'Round trips (flat to flat): entry and exit times, base quantity, average prices, fees and PnL in quote, net return. A round trip whose closing sell was voided (api.void_fill: the venue never made it) is left out: the trip is open again.';
