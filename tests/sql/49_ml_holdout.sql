-- 49_ml_holdout.sql — the hold-out as its own fold kind, judged alone by the promotion gate (migration 0046, issue
-- 19; docs/ml.md "The honest split" and "Registry and promotion gate").
-- api.record_fold_metric accepts kind 'holdout' (numbered from 0, apart from the walk_forward folds); the gate
-- judges the out-of-sample tests (buy-and-hold, the champion on the same hours, DSR, drawdown, turnover) on the
-- holdout folds alone and refuses a model without one (no_holdout); the walk_forward folds stay required as
-- selection evidence (no_oos_folds) and are reported, not pooled: a model with strong selection folds and a
-- losing hold-out is refused, and one with weak selection folds and a winning hold-out passes.
BEGIN;
SELECT plan(19);

-- pg_temp.folds(id, kind, from, net, buy-and-hold, mean, turnover, drawdown): two folds of kind of 1000 periods,
-- [from, from + 180 days) and the next 180 days, std 0.01, skew 0, kurtosis 3, Sharpe = mean/0.01.
CREATE FUNCTION pg_temp.folds(p_id text, p_kind text, p_from timestamptz, p_net numeric, p_bh numeric,
                              p_mean numeric, p_turnover numeric DEFAULT 0.5, p_mdd numeric DEFAULT 0.1)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    i integer;
BEGIN
    FOR i IN 0 .. 1 LOOP
        PERFORM api.record_fold_metric(p_id, p_kind, i, p_from + i * interval '180 days', p_from + (i + 1) * interval '180 days',
                                       1000, p_mean, 0.01, 0, 3, p_mean / 0.01, p_net / 2, p_bh / 2, p_turnover, p_mdd);
    END LOOP;
    RETURN p_id;
END
$$;
CREATE FUNCTION pg_temp.register(p_id text, p_family text) RETURNS text LANGUAGE sql AS $$
    SELECT api.register_model(p_id, p_family, 'abc1234', repeat('a', 64), ARRAY['ret_1h'], '{"validation": {"fee_bps": 10, "slippage_bps": 2}, "dataset": {"venue": "binance"}}', repeat('b', 64),
                              'artefacts/' || p_id || '.txt')::text
$$;
CREATE FUNCTION pg_temp.gate(p_model text, p_lane text DEFAULT 'paper') RETURNS text[] LANGUAGE sql AS $$
    SELECT reasons FROM api.evaluate_promotion(p_model, p_lane, 'pgtap 49')
$$;

SELECT api.record_trial('hf', '{"leaves": 15}', 1500, 0.10, NULL, NULL);
SELECT api.record_trial('hf', '{"leaves": 31}', 1500, 0.05, NULL, NULL);
SELECT api.record_trial('hf', '{"leaves": 63}', 1500, 0.02, NULL, NULL);

-- The kind: in the table's CHECK and accepted by the door (the worker records hold-outs), numbered on its own.
SELECT ok((SELECT pg_get_constraintdef(c.oid) LIKE '%holdout%' FROM pg_constraint c
            WHERE c.conrelid = 'ml.fold_metric'::regclass AND c.conname = 'fold_metric_kind_is_known'),
          'ml.fold_metric''s kind CHECK admits holdout (migration 0046)');
SET LOCAL ROLE predator_worker;
SELECT pg_temp.register('h_ok', 'hf');
SELECT pg_temp.folds('h_ok', 'walk_forward', '2021-01-01T00:00:00Z', 2.0, 0.6, 0.001);
SELECT lives_ok($$SELECT pg_temp.folds('h_ok', 'holdout', '2022-01-01T00:00:00Z', 2.0, 0.6, 0.001)$$,
                'the worker records holdout folds 0 and 1 next to the walk_forward folds 0 and 1');
SELECT throws_ok($$SELECT api.record_fold_metric('h_ok', 'holdout', 1, '2023-01-01', '2023-02-01', 100, 0.001, 0.01, 0, 3, 0.1, 0.1, 0, 0.1, 0.1)$$,
                 'PD012', NULL, 'a holdout fold is recorded once');
SELECT throws_ok($$SELECT api.record_fold_metric('h_ok', 'hold_out', 7, '2023-01-01', '2023-02-01', 100, 0.001, 0.01, 0, 3, 0.1, 0.1, 0, 0.1, 0.1)$$,
                 'PD012', NULL, 'an unknown kind is refused');
RESET ROLE;
SELECT throws_ok($$INSERT INTO ml.fold_metric (model_id, kind, fold, period_from, period_to, n_obs, mean, std, skew, kurtosis, sharpe, net_return, buy_hold_return, turnover, max_drawdown)
                   VALUES ('h_ok', 'backtest', 0, '2023-01-01', '2023-02-01', 100, 0, 0, 0, 3, 0, 0, 0, 0, 0)$$,
                 '23514', NULL, 'the table itself refuses another kind');
SELECT results_eq($$SELECT kind, count(*) FROM ml.fold_metric WHERE model_id = 'h_ok' GROUP BY kind ORDER BY kind$$,
                  $$VALUES ('holdout'::text, 2::bigint), ('walk_forward'::text, 2::bigint)$$, 'two selection folds and two hold-out folds');

-- Passed, judged on the hold-out, the selection folds reported apart.
SELECT is(pg_temp.gate('h_ok'), '{}'::text[], 'selection folds and a hold-out that beat buy-and-hold with DSR >= 0.95: passed');
SELECT results_eq($$SELECT figures ->> 'judged_on', (figures ->> 'holdout_folds')::int, (figures ->> 'holdout_n_obs')::int, (figures ->> 'oos_folds')::int, (figures ->> 'oos_n_obs')::int
                      FROM ml.promotion WHERE model_id = 'h_ok'$$,
                  $$VALUES ('holdout'::text, 2, 2000, 2, 2000)$$, 'the figures: judged on 2 holdout folds (2000 periods); 2 selection folds reported, not pooled');

-- No hold-out: refused, whatever the selection folds.
SELECT pg_temp.register('h_none', 'hf');
SELECT pg_temp.folds('h_none', 'walk_forward', '2021-01-01T00:00:00Z', 5.0, 0.6, 0.003);
SELECT is(pg_temp.gate('h_none'), '{no_holdout}'::text[], 'strong selection folds and no hold-out: no_holdout');
SELECT ok((SELECT (figures ->> 'dsr') IS NULL FROM ml.promotion WHERE model_id = 'h_none'), 'and no DSR is computed from the selection folds');
-- A hold-out without selection folds: no_oos_folds, the hold-out judged all the same.
SELECT pg_temp.register('h_nosel', 'hf_other');
SELECT api.record_trial('hf_other', '{}', 1500, 0.05, NULL, NULL);
SELECT pg_temp.folds('h_nosel', 'holdout', '2022-01-01T00:00:00Z', 2.0, 0.6, 0.001);
SELECT is(pg_temp.gate('h_nosel'), '{no_oos_folds}'::text[], 'a hold-out without selection folds: no_oos_folds (the selection evidence is required)');

-- Strong selection folds, losing hold-out: refused on the hold-out.
SELECT pg_temp.register('h_lose', 'hf');
SELECT pg_temp.folds('h_lose', 'walk_forward', '2021-01-01T00:00:00Z', 5.0, 0.6, 0.003);
SELECT pg_temp.folds('h_lose', 'holdout', '2022-01-01T00:00:00Z', -0.5, 0.6, -0.0005, 0.5, 0.3);
SELECT is(pg_temp.gate('h_lose'), '{oos_below_buy_and_hold,oos_below_champion,dsr_below_threshold,drawdown_above_limit}'::text[],
          'strong selection folds, a losing hold-out: refused on the hold-out (buy-and-hold, the champion h_ok, DSR, drawdown)');
SELECT ok((SELECT (figures ->> 'oos_sharpe')::float8 > 0.29 AND (figures ->> 'holdout_sharpe')::float8 < 0 FROM ml.promotion WHERE model_id = 'h_lose'),
          'the figures show both: selection Sharpe 0.3, hold-out Sharpe -0.05');
SELECT is((SELECT (figures ->> 'dsr')::float8 FROM ml.promotion WHERE model_id = 'h_lose'),
          ml.deflated_sharpe_ratio(-0.05, (SELECT var_samp(sharpe) FROM ml.trial WHERE family = 'hf'), 3, 2000, 0, 3),
          'the DSR is of the hold-out alone (Sharpe -0.05, 2000 periods), N and V from the trial ledger');
-- And vice versa: weak, losing selection folds, a winning hold-out: passed.
SELECT pg_temp.register('h_win', 'hf');
SELECT pg_temp.folds('h_win', 'walk_forward', '2021-01-01T00:00:00Z', -1.0, 0.6, -0.001, 3, 0.6);
SELECT pg_temp.folds('h_win', 'holdout', '2022-01-01T00:00:00Z', 2.5, 0.6, 0.001);
SELECT is(pg_temp.gate('h_win'), '{}'::text[],
          'losing selection folds (below buy-and-hold, drawdown 60%, turnover 3), a winning hold-out: passed, and champion over h_ok');
SELECT is((SELECT model_id FROM ml.champion WHERE family = 'hf' AND lane = 'paper'), 'h_win', 'h_win is the paper champion of hf');

-- The champion is compared on the same hold-out hours: matching selection folds do not count.
SELECT pg_temp.register('h_shift', 'hf');
SELECT pg_temp.folds('h_shift', 'walk_forward', '2021-01-01T00:00:00Z', 5.0, 0.6, 0.002);
SELECT pg_temp.folds('h_shift', 'holdout', '2022-02-01T00:00:00Z', 5.0, 0.6, 0.002);
SELECT is(pg_temp.gate('h_shift'), '{champion_hours_differ}'::text[], 'the same selection periods as the champion, another hold-out: champion_hours_differ');
SELECT pg_temp.register('h_below', 'hf');
SELECT pg_temp.folds('h_below', 'walk_forward', '2020-01-01T00:00:00Z', 9.0, 0.6, 0.002);
SELECT pg_temp.folds('h_below', 'holdout', '2022-01-01T00:00:00Z', 2.4, 0.6, 0.002);
SELECT is(pg_temp.gate('h_below'), '{oos_below_champion}'::text[],
          'other selection periods, the champion''s hold-out hours, a lower hold-out return than its 2.5: oos_below_champion');

-- live_canary judges the same hold-out (and its own forward record).
SELECT is(pg_temp.gate('h_lose', 'live_canary'), '{oos_below_buy_and_hold,dsr_below_threshold,drawdown_above_limit,not_on_paper,track_record_too_short}'::text[],
          'live_canary: the hold-out refusals, then not_on_paper and track_record_too_short');

SELECT * FROM finish();
ROLLBACK;
