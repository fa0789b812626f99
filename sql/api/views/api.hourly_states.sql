-- api.hourly_states — portfolio and risk state per closed hour.
CREATE VIEW api.hourly_states AS
SELECT a.name AS account, h.hour, h.cash, h.positions_value, h.equity, h.peak_equity, h.drawdown, h.day_start_equity,
       h.daily_pnl, h.realized_pnl, h.unrealized_pnl, h.fees, h.gross_exposure, h.open_orders, h.stale_marks,
       encode(h.inputs_hash, 'hex') AS inputs_hash, encode(h.outputs_hash, 'hex') AS outputs_hash,
       encode(h.row_hash, 'hex') AS state_hash, h.seq, h.valuation
  FROM portfolio.hourly_state h JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.hourly_states IS 'State at the close of each hour (in the reporting currency, the account''s base currency): cash, positions at mark, equity, peak, drawdown, daily PnL, cumulative realized PnL and fees, unrealized PnL, gross exposure, with input/output/state hashes and the valuation (cash per currency and the conversion rates used, with their pairs and bars; migration 0019).';
