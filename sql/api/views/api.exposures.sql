-- api.exposures — exposure per closed hour by instrument, cluster and quote currency.
CREATE VIEW api.exposures AS
SELECT a.name AS account, e.hour, e.kind, e.key, e.quantity, e.mark, e.notional, e.exposure
  FROM portfolio.hourly_exposure e JOIN trading.account a USING (book_id);
COMMENT ON VIEW api.exposures IS 'Exposure at each hour''s close: notional at mark (base currency) and fraction of equity, by instrument, cluster and quote currency.';
