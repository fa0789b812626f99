-- 30_treasury_budget.sql — the treasury's risk-budget cut (issue 15 item 5; docs/treasury.md "Policy"): a rolling
-- deficit beyond the tolerance cuts the risk budget by treasury_deficit_cut_pct (once per rolling window, never
-- below treasury_budget_floor_pct), with an audit row and an incident, besides or instead of halting entries; the
-- admission refuses an entry above the scaled caps (treasury_budget_cut); a rolling surplus that is no longer
-- negative restores the budget; no policy action posts to principal.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(28);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[24 * 8])::numeric[]) AS bars \gset
INSERT INTO risk.profile (profile, description) VALUES
    ('t_cut', 'pgtap: budget cut'), ('t_cut_halt', 'pgtap: budget cut and halt'), ('t_halt', 'pgtap: halt only');
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.close(p_account text, p_from integer, p_to integer) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM generate_series(p_from, p_to) h, LATERAL api.close_hour(p_account, pg_temp.at(h)) c $$;
CREATE FUNCTION pg_temp.rolling(p_account text, p_day date) RETURNS TABLE (policy_action text, budget_scale numeric)
LANGUAGE sql AS $$
    SELECT policy_action, budget_scale FROM api.treasury_status WHERE account = p_account AND day = p_day AND window_days = 2 $$;
CREATE FUNCTION pg_temp.principal(p_account text) RETURNS numeric LANGUAGE sql AS $$
    SELECT coalesce(sum(amount), 0) FROM api.treasury_balances WHERE account = p_account AND ledger = 'principal' $$;
SELECT api.set_limit(p, 'treasury_window_days', 'count', 2, 'pgtap'),
       api.set_limit(p, 'treasury_deficit_tolerance', 'abs', 5, 'pgtap')
  FROM unnest(ARRAY['t_cut', 't_cut_halt', 't_halt']) p;
SELECT api.set_limit(p, 'treasury_deficit_cut_pct', 'pct', 25, 'pgtap') FROM unnest(ARRAY['t_cut', 't_cut_halt']) p;
SELECT api.set_limit('t_cut', 'treasury_budget_floor_pct', 'pct', 50, 'pgtap'),
       api.set_limit('t_cut_halt', 'treasury_deficit_halt', 'count', 1, 'pgtap'),
       api.set_limit('t_halt', 'treasury_deficit_halt', 'count', 1, 'pgtap') AS x \gset

-- A book that only pays its costs (48 USDT a day): a rolling deficit from the first complete window.
SELECT pg_temp.new_account('tc1', 10000, 't_cut') AS b1 \gset
SELECT api.declare_operating_cost('tc1', 'infrastructure', 48, 'USDT', 'day', pg_temp.at(1), 'pgtap: 2 USDT an hour') AS x \gset
SELECT pg_temp.close('tc1', 1, 48) AS x \gset
SELECT results_eq($$SELECT * FROM pg_temp.rolling('tc1', '2024-01-01')$$, $$VALUES ('none'::text, 1::numeric)$$,
                  'an incomplete window: no policy; the cut policy is on, the budget whole');
SELECT results_eq($$SELECT * FROM pg_temp.rolling('tc1', '2024-01-02')$$, $$VALUES ('budget_cut'::text, 0.75::numeric)$$,
                  'a rolling deficit beyond the tolerance cuts the risk budget by the 25 % step');
SELECT is((SELECT policy_amount FROM api.treasury_status WHERE account = 'tc1' AND day = '2024-01-02' AND window_days = 2),
          (SELECT surplus FROM api.treasury_status WHERE account = 'tc1' AND day = '2024-01-02' AND window_days = 2),
          'the action''s amount is the rolling surplus');
SELECT results_eq($$SELECT state FROM api.risk_states WHERE account = 'tc1'$$, $$VALUES ('normal'::text)$$,
                  'without treasury_deficit_halt the book keeps trading (normal)');
SELECT ok(EXISTS (SELECT FROM api.incidents WHERE account = 'tc1' AND severity = 3 AND category = 'risk'
                   AND description LIKE 'reason treasury_deficit%' AND title LIKE '%risk budget of tc1 cut to 75%'),
          'the cut opens an incident (severity 3, reason treasury_deficit)');
SELECT ok(EXISTS (SELECT FROM api.audit_log WHERE action = 'treasury_budget_cut' AND target = 'tc1'
                   AND (args ->> 'budget_scale')::numeric = 0.75), 'the cut is audited');

SELECT pg_temp.close('tc1', 49, 72) AS x \gset
SELECT results_eq($$SELECT * FROM pg_temp.rolling('tc1', '2024-01-03')$$, $$VALUES ('none'::text, 0.75::numeric)$$,
                  'the same deficit within the window of the last cut: no second cut');
SELECT pg_temp.close('tc1', 73, 96) AS x \gset
SELECT results_eq($$SELECT * FROM pg_temp.rolling('tc1', '2024-01-04')$$, $$VALUES ('budget_cut'::text, 0.5::numeric)$$,
                  'a deficit a window after the last cut cuts another step');
SELECT pg_temp.close('tc1', 97, 144) AS x \gset
SELECT results_eq($$SELECT * FROM pg_temp.rolling('tc1', '2024-01-06')$$, $$VALUES ('none'::text, 0.5::numeric)$$,
                  'never below the floor (treasury_budget_floor_pct 50)');
SELECT is((SELECT count(*) FROM api.incidents WHERE account = 'tc1'), 2::bigint, 'one incident per cut');

-- Admission under the cut: the portfolio may hold at most half the equity (no portfolio cap set).
SELECT api.register_strategy('tc1', 's2', '{}'::jsonb, 'pgtap: a second strategy for the probes') AS x \gset
SELECT is(pg_temp.reasons('tc1', 'BTC/USDT', pg_temp.at(144), 'buy', 60, 50, 's2'), ARRAY['treasury_budget_cut'],
          'an entry above the scaled budget (6000 > 0.5 x equity) is refused treasury_budget_cut');
SELECT results_eq($$SELECT (figures -> 'caps' ->> 'treasury_budget_scale')::numeric,
                           (figures -> 'caps' -> 'treasury_budget' ->> 'portfolio')::numeric = 0.5 * (figures ->> 'equity')::numeric
                      FROM api.decisions WHERE account = 'tc1' AND outcome = 'refused'$$,
                  $$VALUES (0.5::numeric, true)$$, 'the decision records the scale and the scaled portfolio budget');
SELECT lives_ok($$SELECT pg_temp.trade('tc1', 'BTC/USDT', pg_temp.at(144), 'buy', 10, 100, 1, 'tc1-b')$$,
                'an entry within the scaled budget is admitted and fills');

-- A gain that brings the rolling surplus back to >= 0 restores the budget.
SELECT pg_temp.close('tc1', 145, 145) AS x \gset
SELECT lives_ok($$SELECT pg_temp.trade('tc1', 'BTC/USDT', pg_temp.at(145), 'sell', 10, 130, 1.3, 'tc1-s')$$,
                'exits are never cut: the sell is admitted under the cut');
SELECT pg_temp.close('tc1', 146, 168) AS x \gset
SELECT results_eq($$SELECT * FROM pg_temp.rolling('tc1', '2024-01-07')$$, $$VALUES ('budget_restored'::text, 1::numeric)$$,
                  'a rolling surplus no longer negative restores the budget');
SELECT ok(EXISTS (SELECT FROM api.audit_log WHERE action = 'treasury_budget_restore' AND target = 'tc1'), 'the restore is audited');
SELECT is(pg_temp.reasons('tc1', 'BTC/USDT', pg_temp.at(168), 'buy', 60), '{}'::text[], 'the whole budget again: the entry is admitted');
SELECT ok(NOT EXISTS (SELECT FROM api.decisions WHERE account = 'tc1' AND ts = pg_temp.at(168) AND figures -> 'caps' ? 'treasury_budget_scale'),
          'no cut, no cut figures');

-- Both policies: the cut besides the halt.
SELECT pg_temp.new_account('tc2', 10000, 't_cut_halt') AS b2 \gset
SELECT api.declare_operating_cost('tc2', 'infrastructure', 48, 'USDT', 'day', pg_temp.at(1), 'pgtap') AS x \gset
SELECT pg_temp.close('tc2', 1, 48) AS x \gset
SELECT results_eq($$SELECT * FROM pg_temp.rolling('tc2', '2024-01-02')$$, $$VALUES ('entries_halted_budget_cut'::text, 0.75::numeric)$$,
                  'with treasury_deficit_halt too, entries halt and the budget is cut');
SELECT results_eq($$SELECT state, cause FROM api.risk_states WHERE account = 'tc2'$$, $$VALUES ('reducing'::text, 'treasury_deficit'::text)$$,
                  'the book is reducing with reason treasury_deficit');
SELECT is((SELECT count(*) FROM api.incidents WHERE account = 'tc2'), 2::bigint, 'an incident for each action');
SELECT is(pg_temp.reasons('tc2', 'BTC/USDT', pg_temp.at(48), 'buy', 10), ARRAY['risk_reducing'],
          'the halt refuses entries (the small entry is within the cut budget)');

-- The halt alone: no cut, no scale.
SELECT pg_temp.new_account('tc3', 10000, 't_halt') AS b3 \gset
SELECT api.declare_operating_cost('tc3', 'infrastructure', 48, 'USDT', 'day', pg_temp.at(1), 'pgtap') AS x \gset
SELECT pg_temp.close('tc3', 1, 48) AS x \gset
SELECT results_eq($$SELECT * FROM pg_temp.rolling('tc3', '2024-01-02')$$, $$VALUES ('entries_halted'::text, NULL::numeric)$$,
                  'treasury_deficit_cut_pct unset: the cut policy is off (budget_scale NULL)');

-- Principal: no policy action posted to it.
SELECT is(pg_temp.principal(a), 10000::numeric, 'principal of ' || a || ' is its deposit') FROM unnest(ARRAY['tc1', 'tc2', 'tc3']) a;
SELECT is((SELECT count(*) FROM ledger.posting p JOIN ledger.transaction t ON t.book_id = p.book_id AND t.seq = p.tx_seq
            WHERE p.book_id IN (:b1, :b2, :b3) AND p.account_code = 'principal' AND t.kind <> 'principal'),
          0::bigint, 'no transaction but a deposit''s memo posts to principal');
SELECT is((SELECT count(*) FROM api.treasury_status WHERE account IN ('tc1', 'tc2', 'tc3') AND policy_action <> 'none'),
          5::bigint, 'five policy actions were taken');

SELECT * FROM finish();
ROLLBACK;
