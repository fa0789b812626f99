-- api.exposures — exposure per closed hour by instrument, cluster and quote currency.
CREATE VIEW api.exposures AS
SELECT a.name AS account, h.hour, e.kind, e.key, e.quantity, e.mark, e.notional, e.exposure
  FROM portfolio.hourly_state h
  JOIN trading.account a USING (book_id)
 CROSS JOIN LATERAL jsonb_to_recordset(h.exposures)
       AS e(kind text, key text, quantity numeric, mark numeric, notional numeric, exposure numeric);
COMMENT ON VIEW api.exposures IS 'Exposure at each hour''s close (from portfolio.hourly_state.exposures): notional at mark (base currency) and fraction of equity, by instrument, cluster and quote currency.';
