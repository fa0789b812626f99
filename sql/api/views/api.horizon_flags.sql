-- api.horizon_flags — held positions flagged for exit by the adaptive-horizon review.
CREATE VIEW api.horizon_flags AS
SELECT a.name AS account, f.symbol, f.hour, f.reason, f.strategy, f.entry_signal_seq, f.entry_ts, f.entry_edge_bps,
       f.entry_expiry, f.vol_entry, f.vol_now, f.position_qty, f.seq
  FROM risk.horizon_flag f JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.horizon_flags IS 'Positions flagged for exit at an hour close (reason horizon_expired): the entry signal''s edge had expired and the realized hourly volatility had grown since entry (docs/risk.md "Adaptive horizon").';
