-- 0002_reference_data.up.sql — venues, clusters, assets, Universe V1 instruments, limit kinds and the
-- shipped risk profiles. Instrument precision and minimums here are placeholders (source 'seed') until
-- the venue's market structure is loaded through ccxt (predator data markets).
SET LOCAL ROLE predator_owner;

INSERT INTO market.venue (venue, name, maker_fee_bps, taker_fee_bps) VALUES
    ('binance', 'Binance spot', 10, 10),
    ('kraken', 'Kraken spot', 16, 26);

INSERT INTO market.cluster (cluster, description) VALUES
    ('store_of_value', 'Bitcoin: the reserve asset of the market'),
    ('smart_contract_l1', 'General-purpose smart-contract layer-1 chains'),
    ('exchange_token', 'Tokens of exchanges and their chains'),
    ('payments', 'Payment and transfer networks'),
    ('privacy', 'Privacy coins'),
    ('infrastructure', 'Oracles, storage and other infrastructure'),
    ('defi', 'Decentralised-finance protocol tokens'),
    ('meme', 'Meme coins'),
    ('interop', 'Interoperability and multi-chain networks'),
    ('ai', 'AI networks'),
    ('scaling', 'Layer-2 and scaling networks'),
    ('pow_altcoin', 'Proof-of-work altcoins');

INSERT INTO market.asset (asset, kind, cluster) VALUES
    ('USDT', 'stablecoin', NULL), ('USDC', 'stablecoin', NULL),
    ('USD', 'fiat', NULL), ('EUR', 'fiat', NULL), ('CAD', 'fiat', NULL),
    ('BTC', 'crypto', 'store_of_value'),
    ('ETH', 'crypto', 'smart_contract_l1'), ('SOL', 'crypto', 'smart_contract_l1'),
    ('ADA', 'crypto', 'smart_contract_l1'), ('AVAX', 'crypto', 'smart_contract_l1'),
    ('TRX', 'crypto', 'smart_contract_l1'), ('SUI', 'crypto', 'smart_contract_l1'),
    ('TON', 'crypto', 'smart_contract_l1'), ('NEAR', 'crypto', 'smart_contract_l1'),
    ('APT', 'crypto', 'smart_contract_l1'), ('ALGO', 'crypto', 'smart_contract_l1'),
    ('HBAR', 'crypto', 'smart_contract_l1'), ('ICP', 'crypto', 'smart_contract_l1'),
    ('BNB', 'crypto', 'exchange_token'),
    ('XRP', 'crypto', 'payments'), ('XLM', 'crypto', 'payments'), ('LTC', 'crypto', 'payments'), ('BCH', 'crypto', 'payments'),
    ('XMR', 'crypto', 'privacy'), ('ZEC', 'crypto', 'privacy'),
    ('LINK', 'crypto', 'infrastructure'), ('FIL', 'crypto', 'infrastructure'),
    ('UNI', 'crypto', 'defi'), ('AAVE', 'crypto', 'defi'),
    ('SHIB', 'crypto', 'meme'),
    ('DOT', 'crypto', 'interop'),
    ('TAO', 'crypto', 'ai'),
    ('POL', 'crypto', 'scaling'), ('MATIC', 'crypto', 'scaling'),
    ('ETC', 'crypto', 'pow_altcoin'), ('KAS', 'crypto', 'pow_altcoin');

INSERT INTO market.universe (universe, symbol)
SELECT 'V1', b || '/USDT'
  FROM unnest(ARRAY['BTC', 'ETH', 'BNB', 'XRP', 'SOL', 'TRX', 'ADA', 'BCH', 'XMR', 'LINK', 'XLM', 'HBAR', 'LTC', 'AVAX',
                    'ZEC', 'SUI', 'SHIB', 'TON', 'DOT', 'UNI', 'AAVE', 'TAO', 'NEAR', 'ETC', 'ICP', 'POL', 'KAS', 'ALGO',
                    'FIL', 'APT']) b;

-- Binance spot: every Universe V1 symbol plus MATIC/USDT (POL's predecessor, whose history the shipped
-- candles carry). Binance's NOTIONAL filter minimum is 5 USDT on these pairs.
INSERT INTO market.instrument (venue, symbol, base, quote, min_notional, source)
SELECT 'binance', u.symbol, split_part(u.symbol, '/', 1), 'USDT', 5, 'seed' FROM market.universe u WHERE u.universe = 'V1'
UNION ALL SELECT 'binance', 'MATIC/USDT', 'MATIC', 'USDT', 5, 'seed';

INSERT INTO market.instrument (venue, symbol, base, quote, source)
SELECT 'kraken', s, split_part(s, '/', 1), split_part(s, '/', 2), 'seed'
  FROM unnest(ARRAY['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT', 'ADA/USDT', 'DOT/USDT', 'LINK/USDT', 'LTC/USDT',
                    'BTC/USD', 'ETH/USD']) s;

INSERT INTO risk.limit_kind (limit_name, allowed_modes, description) VALUES
    ('max_order_notional', '{pct,abs}', 'Largest notional of one order: percent of equity or amount'),
    ('max_instrument_exposure', '{pct,abs}', 'Largest position plus open buys in one instrument, at mark'),
    ('max_cluster_exposure', '{pct,abs}', 'Largest exposure to one cluster; scope = cluster name'),
    ('max_quote_exposure', '{pct,abs}', 'Largest exposure to instruments quoted in one currency; scope = quote currency'),
    ('max_portfolio_exposure', '{pct,abs}', 'Largest total exposure: positions at mark plus open buys'),
    ('max_daily_loss', '{pct,abs}', 'Loss since 00:00 UTC (percent of the day''s starting equity) at which new entries are refused'),
    ('max_drawdown', '{pct,abs}', 'Drawdown from peak equity (percent of peak) at which new entries are refused'),
    ('min_edge_bps', '{bps}', 'Smallest expected edge after fees and slippage, in basis points, for an entry'),
    ('max_orders_per_hour', '{count}', 'Most orders admitted per account in one hour (runaway-trading breaker)'),
    ('drawdown_reduce_tier', '{pct,abs}', 'Drawdown from peak at which new entries are limited to half of max_order_notional'),
    ('drawdown_halt_tier', '{pct,abs}', 'Drawdown from peak at which the account is halted when the hour closes'),
    ('drawdown_flatten_tier', '{pct,abs}', 'Drawdown from peak at which the account is halted and flattened to cash'),
    ('daily_loss_halt', '{pct,abs}', 'Loss since 00:00 UTC at which the account is halted when the hour closes');

INSERT INTO risk.profile (profile, description) VALUES
    ('default', 'Paper and backtest default: diversified, long-only, loss tiers'),
    ('live_canary', 'Small live capital: tight caps and a 1% daily loss halt'),
    ('unconstrained', 'Caps off (except cash and no shorting), for engine cross-checks where one position takes the whole equity');

INSERT INTO risk.limit_setting (profile, limit_name, scope, revision, mode, value, reason, actor) VALUES
    ('default', 'max_order_notional', '*', 1, 'pct', 25, 'shipped default', 'migration'),
    ('default', 'max_instrument_exposure', '*', 1, 'pct', 30, 'shipped default', 'migration'),
    ('default', 'max_cluster_exposure', '*', 1, 'pct', 60, 'shipped default', 'migration'),
    ('default', 'max_quote_exposure', '*', 1, 'pct', 100, 'shipped default', 'migration'),
    ('default', 'max_portfolio_exposure', '*', 1, 'pct', 100, 'shipped default', 'migration'),
    ('default', 'max_daily_loss', '*', 1, 'pct', 5, 'shipped default', 'migration'),
    ('default', 'max_drawdown', '*', 1, 'pct', 25, 'shipped default', 'migration'),
    ('default', 'min_edge_bps', '*', 1, 'bps', 0, 'shipped default', 'migration'),
    ('default', 'max_orders_per_hour', '*', 1, 'count', 30, 'shipped default', 'migration'),
    ('default', 'drawdown_reduce_tier', '*', 1, 'pct', 15, 'shipped default', 'migration'),
    ('default', 'drawdown_halt_tier', '*', 1, 'pct', NULL, 'shipped default: off, max_drawdown refuses entries', 'migration'),
    ('default', 'drawdown_flatten_tier', '*', 1, 'pct', 40, 'shipped default', 'migration'),
    ('default', 'daily_loss_halt', '*', 1, 'pct', 10, 'shipped default', 'migration'),
    ('live_canary', 'max_order_notional', '*', 1, 'pct', 10, 'canary', 'migration'),
    ('live_canary', 'max_instrument_exposure', '*', 1, 'pct', 20, 'canary', 'migration'),
    ('live_canary', 'max_cluster_exposure', '*', 1, 'pct', 40, 'canary', 'migration'),
    ('live_canary', 'max_quote_exposure', '*', 1, 'pct', 100, 'canary', 'migration'),
    ('live_canary', 'max_portfolio_exposure', '*', 1, 'pct', 60, 'canary', 'migration'),
    ('live_canary', 'max_daily_loss', '*', 1, 'pct', 1, 'canary: 1% daily loss', 'migration'),
    ('live_canary', 'max_drawdown', '*', 1, 'pct', 5, 'canary', 'migration'),
    ('live_canary', 'min_edge_bps', '*', 1, 'bps', 10, 'canary', 'migration'),
    ('live_canary', 'max_orders_per_hour', '*', 1, 'count', 10, 'canary', 'migration'),
    ('live_canary', 'drawdown_reduce_tier', '*', 1, 'pct', 3, 'canary', 'migration'),
    ('live_canary', 'drawdown_halt_tier', '*', 1, 'pct', 5, 'canary', 'migration'),
    ('live_canary', 'drawdown_flatten_tier', '*', 1, 'pct', 8, 'canary', 'migration'),
    ('live_canary', 'daily_loss_halt', '*', 1, 'pct', 1, 'canary: 1% daily loss halts the lane''s account', 'migration'),
    ('unconstrained', 'max_orders_per_hour', '*', 1, 'count', NULL, 'cross-check', 'migration');
