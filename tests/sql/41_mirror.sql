-- 41_mirror.sql — the console's reads of the caps against their figures and of incident updates (issue 16 item 2).
--
-- api.exposure_usage states, at each account's last closed hour, every exposure cap and loss limit against its
-- figure, with the cap resolved by risk.cap as admission and the hour close resolve it (the key's own limit, else
-- '*'; pct of equity, peak or day-start equity): the figures are the hour close's (api.exposures,
-- api.hourly_states, api.strategy_hours), never a second computation. api.incident_updates lists each
-- acknowledgement, comment and resolution of an incident.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(25);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 101, 102, 103, 104, 105, 106, 107]::numeric[])
     + pg_temp.load_bars('ETH/USDT', '2024-01-01T00:00:00Z', array_fill(50, ARRAY[8])::numeric[]) AS bars \gset
-- A BTC override of the instrument cap and a CORE pool budget in the default profile.
SELECT api.set_limit('default', 'max_instrument_exposure', 'pct', 12, 'pgtap: a BTC override', 'BTC/USDT') > 0 AS set1 \gset
SELECT api.set_limit('default', 'pool_budget', 'pct', 20, 'pgtap: the core pool''s budget', 'CORE') > 0 AS set2 \gset
SELECT pg_temp.new_account('mx', 10000, 'default') AS mx \gset
SELECT pg_temp.new_account('my', 10000, 'default') AS my \gset
SELECT is_empty($$SELECT * FROM api.exposure_usage('mx')$$, 'an account without a closed hour has no row');

SELECT pg_temp.trade('mx', 'BTC/USDT', '2024-01-01T02:00:00Z', 'buy', 10, 101, 1.01, 'mx-T1') AS t1 \gset
SELECT pg_temp.trade('mx', 'ETH/USDT', '2024-01-01T02:00:00Z', 'buy', 4, 50, 0.2, 'mx-T2') AS t2 \gset
SELECT hour FROM api.close_hour('mx', '2024-01-01T03:00:00Z') \gset
CREATE TEMP TABLE u AS SELECT * FROM api.exposure_usage('mx');
CREATE TEMP TABLE h AS SELECT * FROM api.hourly_states WHERE account = 'mx' AND hour = '2024-01-01T03:00:00Z';

SELECT is((SELECT count(DISTINCT hour) FROM u), 1::bigint, 'every row is of one hour ...');
SELECT is((SELECT min(hour) FROM u), '2024-01-01T03:00:00Z'::timestamptz, '... the account''s last closed hour');
SELECT is((SELECT array_agg(DISTINCT account) FROM api.exposure_usage()), ARRAY['mx'], 'without an account: every account with a closed hour');
SELECT throws_ok($$SELECT * FROM api.exposure_usage('nobody')$$, 'PD011', NULL, 'an unknown account is refused (PD011)');

-- Instruments: the close's exposures against the key's own cap, else '*'.
SELECT is((SELECT amount FROM u WHERE kind = 'instrument' AND key = 'BTC/USDT'),
          (SELECT notional FROM api.exposures WHERE account = 'mx' AND hour = '2024-01-01T03:00:00Z' AND kind = 'instrument' AND key = 'BTC/USDT'),
          'BTC''s amount is the exposure the close recorded');
SELECT is((SELECT amount FROM u WHERE kind = 'instrument' AND key = 'BTC/USDT'), 1020::numeric, '... 10 BTC at the 03:00 mark 102');
SELECT is((SELECT (limit_scope, limit_mode, limit_value)::text FROM u WHERE kind = 'instrument' AND key = 'BTC/USDT'),
          '(BTC/USDT,pct,12)', 'BTC''s cap is its own limit: 12 % ...');
SELECT is((SELECT cap FROM u WHERE kind = 'instrument' AND key = 'BTC/USDT'), 12 / 100.0 * (SELECT equity FROM h),
          '... of the hour''s equity');
SELECT is((SELECT round(used, 12) FROM u WHERE kind = 'instrument' AND key = 'BTC/USDT'),
          round(1020 / (12 / 100.0 * (SELECT equity FROM h)), 12), '... and used is the amount over the cap');
SELECT is((SELECT (limit_scope, limit_value, round(share, 12))::text FROM u WHERE kind = 'instrument' AND key = 'ETH/USDT'),
          (SELECT ('*', 30, round(200 / equity, 12))::text FROM h), 'ETH falls back to the * cap (30 %); share = amount / equity');
SELECT is((SELECT array_agg(key ORDER BY key) FROM u WHERE kind = 'cluster'),
          (SELECT array_agg(key ORDER BY key) FROM api.exposures WHERE account = 'mx' AND hour = '2024-01-01T03:00:00Z' AND kind = 'cluster'),
          'one row per cluster the close recorded');
SELECT is((SELECT sum(amount) FROM u WHERE kind = 'quote' AND key = 'USDT'), 1220::numeric, 'the USDT quote exposure: BTC and ETH');
SELECT is((SELECT limit_value FROM u WHERE kind = 'quote'), 100::numeric, '... against max_quote_exposure');

-- Pools: the strategies' positions and open buys at the close, against pool_budget.
SELECT is((SELECT amount FROM u WHERE kind = 'pool' AND key = 'CORE'),
          (SELECT sum(position_value + open_buy_notional) FROM api.strategy_hours WHERE account = 'mx' AND hour = '2024-01-01T03:00:00Z' AND pool = 'CORE'),
          'the CORE pool''s amount: its strategies'' positions and open buys at the close');
SELECT is((SELECT (limit_scope, round(cap, 8))::text FROM u WHERE kind = 'pool' AND key = 'CORE'),
          (SELECT ('CORE', round(20 / 100.0 * equity, 8))::text FROM h), '... against its budget, 20 % of equity');
SELECT is((SELECT array_agg(key ORDER BY key) FROM u WHERE kind = 'pool'), ARRAY['AGGRESSIVE', 'CORE', 'TAIL_RISK'],
          'every pool has its row');
SELECT is((SELECT amount FROM u WHERE kind = 'pool' AND key = 'AGGRESSIVE'), 0::numeric, '... an empty one at 0');

-- The portfolio, the drawdown and the daily loss.
SELECT is((SELECT (round(amount, 8), round(cap, 8))::text FROM u WHERE kind = 'portfolio'),
          (SELECT (round(positions_value, 8), round(equity, 8))::text FROM h),
          'the portfolio: positions at mark against max_portfolio_exposure (100 % of equity)');
SELECT is((SELECT array_agg(limit_name ORDER BY limit_name) FROM u WHERE kind = 'drawdown'),
          ARRAY['drawdown_flatten_tier', 'drawdown_halt_tier', 'drawdown_reduce_tier', 'max_drawdown'],
          'the drawdown against its three tiers and max_drawdown');
SELECT is((SELECT DISTINCT amount FROM u WHERE kind = 'drawdown'), (SELECT greatest(peak_equity - equity, 0) FROM h),
          '... the drawdown is peak equity - equity');
SELECT is((SELECT (round(cap, 8), round(used, 12))::text FROM u WHERE kind = 'drawdown' AND limit_name = 'drawdown_reduce_tier'),
          (SELECT (round(15 / 100.0 * peak_equity, 8), round(greatest(peak_equity - equity, 0) / (15 / 100.0 * peak_equity), 12))::text FROM h),
          '... a tier is a share of the peak');
SELECT is((SELECT (limit_value, cap, used)::text FROM u WHERE kind = 'drawdown' AND limit_name = 'drawdown_halt_tier'),
          '(,,)', '... a disabled tier has no cap and no use');
SELECT is((SELECT (round(amount, 8), round(cap, 8))::text FROM u WHERE kind = 'daily_loss' AND limit_name = 'max_daily_loss'),
          (SELECT (round(greatest(day_start_equity - equity, 0), 8), round(5 / 100.0 * day_start_equity, 8))::text FROM h),
          'the daily loss against max_daily_loss, a share of the day-start equity');

-- Incident updates.
SELECT api.halt('pgtap: a halt opens an incident', 'account', 'mx') > 0 AS halted \gset
SELECT incident FROM api.incidents WHERE account = 'mx' ORDER BY seq DESC LIMIT 1 \gset
SELECT api.update_incident(:'incident', 'acknowledged', 'pgtap: looking') AS s1 \gset
SELECT api.update_incident(:'incident', 'comment', 'pgtap: a note') AS s2 \gset
SELECT is((SELECT array_agg(action || ':' || reason ORDER BY seq) FROM api.incident_updates WHERE incident = :'incident'),
          ARRAY['acknowledged:pgtap: looking', 'comment:pgtap: a note'], 'api.incident_updates lists the incident''s updates in order');

SELECT * FROM finish();
ROLLBACK;
