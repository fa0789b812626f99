-- api.assets — the currencies the database knows (market.asset) and the cluster that caps each crypto asset.
CREATE VIEW api.assets AS
SELECT a.asset, a.kind, a.cluster
  FROM market.asset a;
COMMENT ON VIEW api.assets IS 'Currencies: code, kind (crypto, stablecoin, fiat) and, for crypto, the cluster whose exposure caps it (api.add_asset adds one).';
