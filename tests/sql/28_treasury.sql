-- 28_treasury.sql — treasury and self-financing (issue 15; docs/treasury.md): the memo postings of a deposit and
-- a fill, the reserve accrual, operating costs accrued by the hour close, the self-financing status per day and
-- rolling window, the transfer policy (proposal, approval, refusals) and the deficit policy (entries halted with
-- an incident), and every refusal of the treasury api by SQLSTATE.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(41);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[72])::numeric[]) AS bars \gset
INSERT INTO risk.profile (profile, description) VALUES ('t_tr', 'pgtap: treasury'), ('t_def', 'pgtap: treasury deficit');
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.close(p_account text, p_from integer, p_to integer) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM generate_series(p_from, p_to) h, LATERAL api.close_hour(p_account, pg_temp.at(h)) c $$;
CREATE FUNCTION pg_temp.bal(p_account text, p_ledger text) RETURNS numeric LANGUAGE sql AS $$
    SELECT coalesce(sum(amount), 0) FROM api.treasury_balances WHERE account = p_account AND ledger = p_ledger AND currency = 'USDT' $$;
SELECT api.set_limit('t_tr', 'treasury_reserve_pct', 'pct', 25, 'pgtap'),
       api.set_limit('t_tr', 'treasury_window_days', 'count', 2, 'pgtap'),
       api.set_limit('t_tr', 'treasury_transfer_threshold', 'abs', 10, 'pgtap') AS x \gset

-- Ledgers: a deposit's memo, a fill's realized PnL and fee expense, the reserve of a gain.
SELECT pg_temp.new_account('tr1', 10000, 't_tr') AS b1 \gset
SELECT is(pg_temp.bal('tr1', 'principal'), 10000::numeric, 'a deposit posts its principal memo');
SELECT is(pg_temp.bal('tr1', 'treasury'), 10000::numeric, 'the principal memo''s counterpart is treasury');
SELECT is((SELECT count(*) FROM ledger.ledger_account WHERE book_id = :b1 AND code IN ('principal', 'realized_pnl', 'fee_expense', 'operations', 'treasury')),
          5::bigint, 'a new account has the treasury memo accounts');
SELECT is(api.declare_operating_cost('tr1', 'infrastructure', 24, 'USDT', 'day', pg_temp.at(1), 'pgtap: 1 USDT an hour'), 1,
          'an operating cost is declared (revision 1)');
SELECT is((SELECT action FROM api.audit_log WHERE action = 'declare_operating_cost' ORDER BY seq DESC LIMIT 1), 'declare_operating_cost',
          'the declaration is audited');
SELECT pg_temp.close('tr1', 1, 1) AS x \gset
SELECT pg_temp.trade('tr1', 'BTC/USDT', pg_temp.at(1), 'buy', 10, 100, 1, 'tr1-b') AS o1 \gset
SELECT is(pg_temp.bal('tr1', 'fee_expense'), 1::numeric, 'a buy posts its fee expense');
SELECT is(pg_temp.bal('tr1', 'realized_pnl'), 0::numeric, 'a buy realizes nothing');
SELECT is(pg_temp.close('tr1', 2, 3), 2::bigint, 'hours 2-3 close');
SELECT pg_temp.trade('tr1', 'BTC/USDT', pg_temp.at(3), 'sell', 10, 110, 1.1, 'tr1-s') AS o2 \gset
SELECT is(pg_temp.bal('tr1', 'realized_pnl'), 100::numeric, 'the sell posts its gross realized PnL (10 x (110 - 100))');
SELECT is(pg_temp.bal('tr1', 'fee_expense'), 2.1::numeric, 'and its fee expense');
SELECT is(pg_temp.bal('tr1', 'reserve'), 24.475::numeric, 'the reserve accrues 25 % of the net gain 97.9');
SELECT is(pg_temp.bal('tr1', 'fees'), 2.1::numeric, 'the fees account as charged is unchanged');
SELECT is(pg_temp.close('tr1', 4, 48), 45::bigint, 'hours 4-48 close');
SELECT is(pg_temp.bal('tr1', 'ops_cost'), 48::numeric, 'the hour close accrues the cost of every hour it opens (48 hours)');

-- Status per day and rolling window.
SELECT results_eq($$SELECT realized_pnl, trading_fees, operating_costs, reserve_accrual, surplus, principal, principal_protected, complete
                     FROM api.treasury_status WHERE account = 'tr1' AND day = '2024-01-01' AND window_days = 1$$,
                  $$VALUES (100::numeric, 2.1::numeric, 23::numeric, 24.475::numeric, 50.425::numeric, 10000::numeric, true, true)$$,
                  'the status of 2024-01-01 (costs posted by the closes 01:00-23:00)');
SELECT results_eq($$SELECT surplus, complete, policy_action FROM api.treasury_status WHERE account = 'tr1' AND day = '2024-01-01' AND window_days = 2$$,
                  $$VALUES (50.425::numeric, false, 'none'::text)$$, 'a rolling window before the first deposit is incomplete: no policy');
SELECT results_eq($$SELECT surplus, complete, policy_action, policy_amount FROM api.treasury_status WHERE account = 'tr1' AND day = '2024-01-02' AND window_days = 2$$,
                  $$VALUES (26.425::numeric, true, 'transfer_proposed'::text, 15.42::numeric)$$,
                  'a rolling surplus above the threshold proposes the undistributed surplus above it');
SELECT is((SELECT count(*) FROM api.treasury_transfers WHERE account = 'tr1' AND pending), 1::bigint, 'the proposal is pending');
SELECT is(pg_temp.bal('tr1', 'operations'), 0::numeric, 'a proposal posts nothing');

-- Approval and its refusals.
SELECT throws_ok($$SELECT api.approve_treasury_transfer('tr1', 99, '2024-01-03T00:30:00Z', 'pgtap')$$, 'PD011', NULL, 'an unknown proposal: PD011');
SELECT throws_ok($$SELECT api.approve_treasury_transfer('tr1', 1, '2024-01-03T00:30:00Z', ' ')$$, 'PD012', NULL, 'no reason: PD012');
SELECT throws_ok($$SELECT api.approve_treasury_transfer('tr1', 1, '2024-01-02T00:30:00Z', 'pgtap')$$, 'PD013', NULL, 'before the proposal: PD013');
SELECT throws_ok($$SELECT api.approve_treasury_transfer('tr1', 1, 'infinity', 'pgtap')$$, 'PD015', NULL, 'an infinite time: PD015');
SELECT lives_ok($$SELECT api.approve_treasury_transfer('tr1', 1, '2024-01-03T00:30:00Z', 'pgtap: pay the bills')$$, 'the operator approves');
SELECT is(pg_temp.bal('tr1', 'operations'), 15.42::numeric, 'the operations bucket holds the transfer');
SELECT is(pg_temp.bal('tr1', 'principal'), 10000::numeric, 'principal untouched');
SELECT throws_ok($$SELECT api.approve_treasury_transfer('tr1', 1, '2024-01-03T00:30:00Z', 'pgtap')$$, 'PD012', NULL, 'approved twice: PD012');

-- Refusals of the declarations.
SELECT throws_ok($$SELECT api.declare_operating_cost('tr1', 'data', 5, 'USDT', 'fortnight', pg_temp.at(60), 'pgtap')$$, 'PD012', NULL, 'unknown period: PD012');
SELECT throws_ok($$SELECT api.declare_operating_cost('tr1', 'data', -5, 'USDT', 'month', pg_temp.at(60), 'pgtap')$$, 'PD012', NULL, 'negative amount: PD012');
SELECT throws_ok($$SELECT api.declare_operating_cost('tr1', 'data', 'NaN', 'USDT', 'month', pg_temp.at(60), 'pgtap')$$, 'PD012', NULL, 'NaN amount: PD012');
SELECT throws_ok($$SELECT api.declare_operating_cost('tr1', 'data', 5, 'USDT', 'month', pg_temp.at(60) + interval '5 minutes', 'pgtap')$$, 'PD012', NULL, 'not on the hour: PD012');
SELECT throws_ok($$SELECT api.declare_operating_cost('tr1', 'data', 5, 'BTC', 'month', pg_temp.at(60), 'pgtap')$$, 'PD012', NULL, 'not the reporting currency: PD012');
SELECT throws_ok($$SELECT api.declare_operating_cost('tr1', 'data', 5, 'XYZ', 'month', pg_temp.at(60), 'pgtap')$$, 'PD011', NULL, 'unknown currency: PD011');
SELECT throws_ok($$SELECT api.declare_operating_cost('tr1', 'data', 5, 'USDT', 'month', pg_temp.at(40), 'pgtap')$$, 'PD013', NULL, 'an hour already closed: PD013');
SELECT throws_ok($$SELECT api.declare_operating_cost('tr1', 'data', 5, 'USDT', 'month', 'infinity', 'pgtap')$$, 'PD015', NULL, 'an infinite time: PD015');
SELECT throws_ok($$SELECT api.declare_operating_cost('tr1', 'data', 5, 'USDT', 'month', pg_temp.at(60), '')$$, 'PD012', NULL, 'no reason: PD012');
SELECT throws_ok($$SELECT api.end_operating_cost('tr1', 'nothing', pg_temp.at(60), 'pgtap')$$, 'PD011', NULL, 'ending an unknown cost: PD011');
SELECT is(api.end_operating_cost('tr1', 'infrastructure', pg_temp.at(60), 'pgtap'), 2, 'a cost ends by a revision');

-- Deficit: costs and no gains halt new entries with an incident.
SELECT api.set_limit('t_def', 'treasury_window_days', 'count', 2, 'pgtap'),
       api.set_limit('t_def', 'treasury_deficit_tolerance', 'abs', 5, 'pgtap'),
       api.set_limit('t_def', 'treasury_deficit_halt', 'count', 1, 'pgtap') AS x \gset
SELECT pg_temp.new_account('tr2', 10000, 't_def') AS b2 \gset
SELECT api.declare_operating_cost('tr2', 'infrastructure', 48, 'USDT', 'day', pg_temp.at(1), 'pgtap') AS x \gset
SELECT pg_temp.close('tr2', 1, 48) AS x \gset
SELECT results_eq($$SELECT policy_action, surplus FROM api.treasury_status WHERE account = 'tr2' AND day = '2024-01-02' AND window_days = 2$$,
                  $$VALUES ('entries_halted'::text, -94::numeric)$$, 'a rolling deficit beyond the tolerance halts new entries');
SELECT results_eq($$SELECT state, cause FROM api.risk_states WHERE account = 'tr2'$$, $$VALUES ('reducing'::text, 'treasury_deficit'::text)$$,
                  'the book is reducing with reason treasury_deficit');
SELECT ok(EXISTS (SELECT FROM api.incidents WHERE account = 'tr2' AND description LIKE 'reason treasury_deficit%'), 'with an incident');

SELECT * FROM finish();
ROLLBACK;
