-- 08_hourly_state.sql — api.close_hour and the loss limits it applies (DESIGN.md §4.6).
--
-- The hourly state of a book (cash, positions at mark, equity, peak, drawdown, daily PnL, cumulative
-- realized PnL and fees, unrealized PnL, gross exposure, open orders) and its exposures by instrument,
-- cluster and quote currency, hour by hour against values computed by hand; an idempotent re-close; PD013
-- for an hour before the last closed one and PD012 for a misaligned hour. Then, on copies of the default
-- profile (limits set with api.set_limit), the drawdown_halt_tier and drawdown_flatten_tier limits halt the
-- account at close (a system halt, which only an operator lifts), the flatten tier creating reduce-only exits;
-- the daily_loss_halt of a paper book moves it to reducing until the next UTC day (issue 13, docs/risk.md);
-- a book within its limits is not halted.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(55);

-- Bars (close per hour from 2024-01-01 00:00): BTC 100 100 100 110 110 90..., ETH 50 50 50 50 60 60...,
-- XRP 1 1 1 1 1 0.5... A decision or a close at hour H marks at the close of the bar opened at H-1.
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 100, 100, 110, 110] || array_fill(90, ARRAY[44])::numeric[])
     + pg_temp.load_bars('ETH/USDT', '2024-01-01T00:00:00Z', ARRAY[50, 50, 50, 50] || array_fill(60, ARRAY[45])::numeric[])
     + pg_temp.load_bars('XRP/USDT', '2024-01-01T00:00:00Z', ARRAY[1, 1, 1, 1, 1] || array_fill(0.5, ARRAY[44])::numeric[]) AS bars \gset
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.state(p_account text, p_hour integer) RETURNS numeric[] LANGUAGE sql AS $$
    SELECT ARRAY[h.cash, h.positions_value, h.equity, h.peak_equity, h.day_start_equity, h.daily_pnl, h.realized_pnl,
                 h.unrealized_pnl, h.fees, h.open_orders]
      FROM api.hourly_states h WHERE h.account = p_account AND h.hour = pg_temp.at(p_hour) $$;

-- The state hour by hour ---------------------------------------------------------------------------------------
-- hs: 10000 USDT; buys 10 BTC at 100 (fee 1) and 20 ETH at 50 (fee 1) at 01:01: cash 7998.
SELECT pg_temp.new_account('hs') AS hs \gset
SELECT pg_temp.trade('hs', 'BTC/USDT', pg_temp.at(1), 'buy', 10, 100, 1, 'H1'), pg_temp.trade('hs', 'ETH/USDT', pg_temp.at(1), 'buy', 20, 50, 1, 'H2') \gset
SELECT * FROM api.close_hour('hs', pg_temp.at(2)) \gset c2_
SELECT is(pg_temp.state('hs', 2), ARRAY[7998, 2000, 9998, 9998, 9998, 0, 0, -2, 2, 0]::numeric[],
          '02:00: cash 7998, BTC 1000 + ETH 1000 at mark, equity 9998 = peak = day start, unrealized -2 (the fees), fees 2');
SELECT is(:'c2_equity'::numeric, 9998::numeric, 'close_hour returns the state it recorded');
SELECT is(:'c2_positions'::jsonb, '{"BTC/USDT": 10, "ETH/USDT": 20}'::jsonb, '... with the positions');
SELECT results_eq($$SELECT kind, key, quantity, mark, notional, exposure FROM api.exposures WHERE account = 'hs' AND hour = pg_temp.at(2) ORDER BY kind, key$$,
    $$VALUES ('cluster'::text, 'smart_contract_l1'::text, NULL::numeric, NULL::numeric, 1000::numeric, 1000 / 9998::numeric),
             ('cluster', 'store_of_value', NULL, NULL, 1000, 1000 / 9998::numeric),
             ('instrument', 'BTC/USDT', 10, 100, 1000, 1000 / 9998::numeric),
             ('instrument', 'ETH/USDT', 20, 50, 1000, 1000 / 9998::numeric),
             ('quote', 'USDT', NULL, NULL, 2000, 2000 / 9998::numeric)$$,
    '02:00 exposures by instrument (quantity, mark), cluster and quote currency, as fractions of equity');
SELECT is((SELECT gross_exposure FROM api.hourly_states WHERE account = 'hs' AND hour = pg_temp.at(2)), 2000 / 9998::numeric,
          'gross exposure = positions / equity');

-- 04:00: BTC marks 110 (bar 03:00).
SELECT count(*) AS c FROM api.close_hour('hs', pg_temp.at(4)) \gset
SELECT is(pg_temp.state('hs', 4), ARRAY[7998, 2100, 10098, 10098, 9998, 100, 0, 98, 2, 0]::numeric[],
          '04:00: BTC at 110: equity 10098, a new peak, daily PnL +100, unrealized +98');
-- Sell 5 BTC at 110 (fee 0.55) decided 04:00: realized 5 * 10 - 0.5 (half of lot 1's fee) - 0.55 = 48.95.
SELECT pg_temp.trade('hs', 'BTC/USDT', pg_temp.at(4), 'sell', 5, 110, 0.55, 'H3') \gset
SELECT is((SELECT realized_pnl FROM trading.lot_allocation WHERE venue_trade_id = 'H3'), 48.95::numeric, 'the sell realizes 48.95');
-- 05:00: ETH marks 60 (bar 04:00); cash 7998 + 550 - 0.55 = 8547.45; positions 5 * 110 + 20 * 60 = 1750.
SELECT count(*) AS c FROM api.close_hour('hs', pg_temp.at(5)) \gset
SELECT is(pg_temp.state('hs', 5), ARRAY[8547.45, 1750, 10297.45, 10297.45, 9998, 299.45, 48.95, 248.5, 2.55, 0]::numeric[],
          '05:00: cash 8547.45, positions 1750, equity 10297.45 (peak), realized 48.95, unrealized 1750 - 1501.5, fees 2.55');
-- 06:00: BTC marks 90 (bar 05:00): equity 10197.45, drawdown 100 / 10297.45.
SELECT count(*) AS c FROM api.close_hour('hs', pg_temp.at(6)) \gset
SELECT is(pg_temp.state('hs', 6), ARRAY[8547.45, 1650, 10197.45, 10297.45, 9998, 199.45, 48.95, 148.5, 2.55, 0]::numeric[],
          '06:00: BTC at 90: equity 10197.45 under the peak 10297.45; realized and fees unchanged');
SELECT is((SELECT drawdown FROM api.hourly_states WHERE account = 'hs' AND hour = pg_temp.at(6)), 1 - 10197.45 / 10297.45,
          'drawdown = 1 - equity / peak');
SELECT results_eq($$SELECT kind, key, notional FROM api.exposures WHERE account = 'hs' AND hour = pg_temp.at(6) ORDER BY kind, key$$,
    $$VALUES ('cluster'::text, 'smart_contract_l1'::text, 1200::numeric), ('cluster', 'store_of_value', 450),
             ('instrument', 'BTC/USDT', 450), ('instrument', 'ETH/USDT', 1200), ('quote', 'USDT', 1650)$$,
    '06:00 exposures at the new marks');
-- An open order is counted; it does not move cash or positions.
SELECT * FROM pg_temp.signal('hs', 'ETH/USDT', pg_temp.at(6), 'buy', 1) \gset o_
SELECT count(*) AS c FROM api.close_hour('hs', pg_temp.at(7)) \gset
SELECT is(pg_temp.state('hs', 7), ARRAY[8547.45, 1650, 10197.45, 10297.45, 9998, 199.45, 48.95, 148.5, 2.55, 1]::numeric[],
          '07:00: one open order, nothing else changed');
-- The day changes: the close at 2024-01-02 00:00 still belongs to 2024-01-01; the next one starts a new day.
SELECT count(*) AS c FROM api.close_hour('hs', pg_temp.at(24)) \gset
SELECT count(*) AS c FROM api.close_hour('hs', pg_temp.at(25)) \gset
SELECT is((SELECT ARRAY[day_start_equity, daily_pnl] FROM api.hourly_states WHERE account = 'hs' AND hour = pg_temp.at(24)), ARRAY[9998, 199.45]::numeric[],
          'the close at midnight ends 2024-01-01: its day started at 9998');
SELECT is((SELECT ARRAY[day_start_equity, daily_pnl] FROM api.hourly_states WHERE account = 'hs' AND hour = pg_temp.at(25)), ARRAY[10197.45, 0]::numeric[],
          'the first close of 2024-01-02 starts the day at the midnight equity');
-- Stale marks: after the last bar, the held symbols are listed as stale.
SELECT count(*) AS c FROM api.close_hour('hs', pg_temp.at(60)) \gset
SELECT is((SELECT stale_marks FROM api.hourly_states WHERE account = 'hs' AND hour = pg_temp.at(60)), '{BTC/USDT,ETH/USDT}'::text[],
          'a held symbol without the bar that closed at the hour is a stale mark');

-- Idempotence, order, alignment ----------------------------------------------------------------------------------
SELECT (SELECT count(*) FROM portfolio.hourly_state) AS states, (SELECT count(*) FROM api.exposures) AS exposures \gset
SELECT results_eq($$SELECT hour, cash, equity, peak_equity, realized_pnl, fees FROM api.close_hour('hs', pg_temp.at(5))$$,
                  $$VALUES (pg_temp.at(5), 8547.45::numeric, 10297.45::numeric, 10297.45::numeric, 48.95::numeric, 2.55::numeric)$$,
                  'closing a closed hour again returns its recorded state');
SELECT is((SELECT count(*) FROM portfolio.hourly_state), :states::bigint, '... and writes no state');
SELECT is((SELECT count(*) FROM api.exposures), :exposures::bigint, '... and no exposure');
SELECT throws_ok($$SELECT * FROM api.close_hour('hs', pg_temp.at(3))$$, 'PD013', NULL, 'an hour before the last closed one that was never closed (PD013)');
SELECT throws_ok($$SELECT * FROM api.close_hour('hs', '2024-01-03T13:30:00Z')$$, 'PD012', NULL, 'a misaligned hour (PD012)');
SELECT throws_ok($$SELECT * FROM api.close_hour('hs', NULL)$$, 'PD012', NULL, 'no hour (PD012)');
SELECT throws_ok($$SELECT * FROM api.close_hour('nobody', pg_temp.at(70))$$, 'PD011', NULL, 'an unknown account (PD011)');

-- Loss limits at close, on copies of the default profile ---------------------------------------------------------
-- Each account: 10000 USDT, buys 2000 XRP at 1 (fee 2) decided 02:00, closes 03:00 at equity 9998 (peak,
-- day start); XRP marks 0.5 from 06:00: equity 8998, a 1000 loss today and a 10.0% drawdown.
CREATE FUNCTION pg_temp.copy_profile(p_profile text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO risk.profile (profile, description) VALUES (p_profile, 'pgtap: copy of default');
    RETURN (SELECT count(api.set_limit(p_profile, l.limit_name, l.mode, l.value, 'pgtap: copy of default', l.scope))
              FROM api.limits l WHERE l.profile = 'default');
END
$$;
CREATE FUNCTION pg_temp.losing_book(p_name text, p_profile text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_book integer;
BEGIN
    v_book := pg_temp.new_account(p_name, 10000, p_profile);
    PERFORM pg_temp.trade(p_name, 'XRP/USDT', pg_temp.at(2), 'buy', 2000, 1, 2, p_name || '-X');
    PERFORM api.close_hour(p_name, pg_temp.at(3));
    RETURN v_book;
END
$$;
SELECT pg_temp.copy_profile('t_dl') AS n1, pg_temp.copy_profile('t_dd') AS n2, pg_temp.copy_profile('t_fl') AS n3,
       pg_temp.copy_profile('t_ok') AS n4 \gset
SELECT is(:n1::bigint, (SELECT count(*) FROM api.limits WHERE profile = 'default'), 'each copy has every limit of the default profile');
-- t_dl: the shipped daily_loss_halt (10%). t_dd: drawdown_halt_tier 8%, daily_loss_halt off. t_fl: drawdown_flatten_tier 8%,
-- daily_loss_halt off. t_ok: daily_loss_halt 11%, the drawdown tiers above 10%.
SELECT api.set_limit('t_dd', 'daily_loss_halt', 'pct', NULL, 'pgtap') AS x, api.set_limit('t_dd', 'drawdown_halt_tier', 'pct', 8, 'pgtap') AS y \gset
SELECT api.set_limit('t_fl', 'daily_loss_halt', 'pct', NULL, 'pgtap') AS x, api.set_limit('t_fl', 'drawdown_flatten_tier', 'pct', 8, 'pgtap') AS y \gset
SELECT api.set_limit('t_ok', 'daily_loss_halt', 'pct', 11, 'pgtap') AS x, api.set_limit('t_ok', 'drawdown_halt_tier', 'pct', 11, 'pgtap') AS y \gset
SELECT pg_temp.losing_book('dl', 't_dl') AS dl, pg_temp.losing_book('dd', 't_dd') AS dd, pg_temp.losing_book('fl', 't_fl') AS fl,
       pg_temp.losing_book('ok', 't_ok') AS ok \gset

SELECT results_eq($$SELECT equity, daily_pnl, drawdown, halts FROM api.close_hour('dl', pg_temp.at(6))$$,
                  $$VALUES (8998::numeric, -1000::numeric, 1 - 8998 / 9998::numeric, '{}'::text[])$$,
                  'dl: a 1000 loss today is 10% of the day''s 9998: a paper book is not halted (issue 13) ...');
SELECT results_eq($$SELECT state_before, state_after, cause, ts, until_ts, reason LIKE 'daily_loss_halt:%' FROM risk.state_event WHERE scope_key = 'dl'$$,
                  $$VALUES ('normal'::text, 'reducing'::text, 'daily_loss_halt'::text, pg_temp.at(6), '2024-01-02T00:00:00Z'::timestamptz, true)$$,
                  '... it moves to reducing at the hour''s business time, for daily_loss_halt, until the next 00:00 UTC');
SELECT is((SELECT count(*) FROM api.halt_events WHERE scope_key = 'dl'), 0::bigint, '... with no halt event');
SELECT is(pg_temp.reasons('dl', 'XRP/USDT', pg_temp.at(6), 'sell', 100), '{}', '... and admits exits');
SELECT is((SELECT count(*) FROM risk.state_event WHERE scope_key = 'dl'), 1::bigint, 'closing the next hour does not stop it twice ...') FROM api.close_hour('dl', pg_temp.at(7));
SELECT is((SELECT state FROM risk.state_current WHERE scope_key = 'dl'), 'reducing', '... nor lift it within the day') FROM api.close_hour('dl', pg_temp.at(8));
SELECT is(pg_temp.reasons('dl', 'BTC/USDT', pg_temp.at(8), 'buy', 1), '{risk_reducing,daily_loss_limit}',
          '... entries are refused risk_reducing (and by the admission gate''s max_daily_loss, 5%)');
SELECT count(*) AS closed FROM generate_series(9, 23) h, LATERAL api.close_hour('dl', pg_temp.at(h)) c \gset
SELECT is((SELECT state FROM risk.state_current WHERE scope_key = 'dl'), 'reducing', '... still reducing at 23:00');
SELECT hour AS h24 FROM api.close_hour('dl', pg_temp.at(24)) \gset
SELECT results_eq($$SELECT state_before, state_after, cause, ts FROM risk.state_event WHERE scope_key = 'dl' ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('reducing'::text, 'normal'::text, 'next_utc_day'::text, '2024-01-02T00:00:00Z'::timestamptz)$$,
                  'the close of 00:00 UTC, when the next day begins, lifts it by a recorded move');
SELECT results_eq($$SELECT halts FROM api.close_hour('dd', pg_temp.at(6))$$, $$VALUES ('{}'::text[])$$,
                  'dd: a 10% drawdown over an 8% drawdown_halt_tier: a paper book is not halted (issue 13 item 7) ...');
SELECT results_eq($$SELECT state_before, state_after, cause, ts, until_ts, reason LIKE 'drawdown_halt_tier:%' FROM risk.state_event WHERE scope_key = 'dd'$$,
                  $$VALUES ('normal'::text, 'reducing'::text, 'drawdown_halt_tier'::text, pg_temp.at(6), NULL::timestamptz, true)$$,
                  '... it moves to reducing, cause drawdown_halt_tier, with no until (a drawdown does not clear by itself)');
SELECT is((SELECT hold FROM api.risk_states WHERE account = 'dd'), 'drawdown_halt_tier', '... held for an operator (api.risk_states.hold)');
SELECT is((SELECT count(*) FROM api.halt_events WHERE scope_key = 'dd'), 0::bigint, '... no halt event');
SELECT is((SELECT count(*) FROM api.orders WHERE account = 'dd' AND origin <> 'signal'), 0::bigint, '... which flattens nothing');
SELECT is(pg_temp.reasons('dd', 'XRP/USDT', pg_temp.at(6), 'sell', 100), '{}', '... exits are admitted');
SELECT is(pg_temp.reasons('dd', 'BTC/USDT', pg_temp.at(6), 'buy', 1), '{risk_reducing,daily_loss_limit}', '... entries refused risk_reducing (and the gate''s max_daily_loss)');
SELECT count(*) AS closed FROM generate_series(7, 30) h, LATERAL api.close_hour('dd', pg_temp.at(h)) c \gset
SELECT results_eq($$SELECT state, cause FROM api.risk_states WHERE account = 'dd'$$, $$VALUES ('reducing'::text, 'drawdown_halt_tier'::text)$$,
                  '... still reducing past the next UTC day (no next_utc_day for a drawdown), with one move only');
SELECT is((SELECT count(*) FROM risk.state_event WHERE scope_key = 'dd'), 1::bigint, '... one recorded move, not one per hour');
SELECT throws_ok($$SELECT api.resume_reducing('dd', '')$$, 'PD012', NULL, 'api.resume_reducing without a reason: PD012');
SELECT throws_ok($$SELECT api.resume_reducing('dl', 'pgtap')$$, 'PD014', NULL, 'api.resume_reducing of a book nothing holds: PD014');
SELECT is(api.resume_reducing('dd', 'pgtap: drawdown inspected'), 'normal', 'the operator releases it: normal');
SELECT results_eq($$SELECT state_before, state_after, cause, ts FROM risk.state_event WHERE scope_key = 'dd' ORDER BY seq DESC LIMIT 1$$,
                  $$VALUES ('reducing'::text, 'normal'::text, 'operator_resume'::text, pg_temp.at(30))$$,
                  '... by a recorded move, cause operator_resume, at the last closed hour');
SELECT is((SELECT count(*) FROM api.audit_log WHERE action = 'resume_reducing' AND target = 'dd'), 1::bigint, '... audited');

SELECT results_eq($$SELECT halts FROM api.close_hour('fl', pg_temp.at(6))$$, $$VALUES ('{halted_account}'::text[])$$,
                  'fl: a 10% drawdown over an 8% drawdown_flatten_tier halts the account at close');
SELECT ok((SELECT reason LIKE 'drawdown_flatten_tier:%' AND source = 'system' FROM api.halt_events WHERE scope_key = 'fl'), '... a system halt for drawdown_flatten_tier');
SELECT results_eq($$SELECT symbol, side, order_type, quantity, reduce_only, origin, status, ts FROM api.orders WHERE account = 'fl' AND origin <> 'signal'$$,
                  $$VALUES ('XRP/USDT'::text, 'sell'::text, 'market'::text, 2000::numeric, true, 'risk_flatten'::text, 'new'::text, pg_temp.at(6))$$,
                  '... and creates a reduce-only market sell of the whole position, despite the halt');

SELECT results_eq($$SELECT equity, halts FROM api.close_hour('ok', pg_temp.at(6))$$, $$VALUES (8998::numeric, '{}'::text[])$$,
                  'ok: the same loss within its limits (11%) leaves the account trading');
SELECT is((SELECT count(*) FROM api.halt_events WHERE scope_key = 'ok'), 0::bigint, '... with no halt event');
SELECT is((SELECT count(*) FROM api.halt_events WHERE scope_key IN ('hs')), 0::bigint, 'hs (profile unconstrained: no loss limits) was never halted');

SELECT is_empty('SELECT * FROM api.verify_chains()', 'every chain verifies');
SELECT isnt_empty($$SELECT * FROM api.hour_digests('hs', pg_temp.at(0), pg_temp.at(60)) WHERE outputs_hash = recomputed_outputs_hash$$,
                  'the recorded output hashes recompute from content');
SELECT is_empty($$SELECT * FROM api.hour_digests('hs', pg_temp.at(0), pg_temp.at(60)) WHERE outputs_hash <> recomputed_outputs_hash$$,
                '... every one of them');

SELECT * FROM finish();
ROLLBACK;
