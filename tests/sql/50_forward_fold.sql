-- 50_forward_fold.sql — the forward track record computed by the database (issue 19 item 5; docs/ml.md "Forward
-- folds"): api.record_forward_fold records a model's next 'forward' fold from its strategy's sync-fed paper run,
-- the figures ml._forward_figures's (never the caller's), and refuses an unknown model, an account without the
-- model's strategy, a live or shadow account, a paper account without a sync-fed run (a backtest), an hour not
-- closed, an overlap with a recorded forward fold, infinite and future times; the worker and the operator record,
-- the auditor re-derives but cannot record. tests/integration/test_forward_fold.py checks the figures of a real run.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(25);

-- A model promoted to paper (the crafted passing record of tests/sql/47_ml_registry.sql).
DO $model$
DECLARE
    i integer;
BEGIN
    PERFORM api.record_trial('fam', '{"leaves": 15}', 1500, 0.10, NULL, NULL);
    PERFORM api.record_trial('fam', '{"leaves": 31}', 1500, 0.05, NULL, NULL);
    PERFORM api.record_trial('fam', '{"leaves": 63}', 1500, 0.02, NULL, NULL);
    PERFORM api.register_model('fm', 'fam', 'abc1234', repeat('a', 64), ARRAY['ret_1h'], '{"validation": {"fee_bps": 10, "slippage_bps": 2}, "dataset": {"venue": "binance"}}', repeat('b', 64), 'artefacts/fm.txt');
    FOR i IN 0 .. 3 LOOP
        PERFORM api.record_fold_metric('fm', CASE WHEN i < 2 THEN 'walk_forward' ELSE 'holdout' END, i % 2,
                                       '2022-01-01T00:00:00Z'::timestamptz + i * interval '180 days',
                                       '2022-01-01T00:00:00Z'::timestamptz + (i + 1) * interval '180 days',
                                       1000, 0.001, 0.01, 0, 3, 0.1, 1.0, 0.3, 0.5, 0.1);
    END LOOP;
    PERFORM api.evaluate_promotion('fm', 'paper', 'pgtap: crafted passing record');
END $model$;
SELECT is((SELECT passed FROM ml.promotion WHERE model_id = 'fm' AND lane = 'paper'), true, 'set-up: the model is promoted to paper');

-- Books: fwd (sync-fed paper, the model strategy 'mdl'), bt (the same over stored history), other (no model),
-- shd (shadow with the model strategy), live1 (live). Nine hours of BTC/USDT (closes 100, 101, …).
SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', ARRAY[100, 101, 102, 103, 104, 105, 106, 107, 108]::numeric[]) AS bars \gset
SELECT pg_temp.new_account('fwd') AS fwd \gset
SELECT pg_temp.new_account('bt') AS bt \gset
SELECT pg_temp.new_account('other') AS other \gset
DO $books$
DECLARE
    h integer;
BEGIN
    PERFORM api.register_strategy('fwd', 'mdl', '{"model_id": "fm"}', 'pgtap');
    PERFORM api.register_strategy('bt', 'mdl', '{"model_id": "fm"}', 'pgtap');
    PERFORM api.register_run('run-fwd', 'fwd', 'paper', '{"feed": "sync", "strategy": "mdl", "symbols": ["BTC/USDT"]}', NULL);
    PERFORM api.register_run('run-bt', 'bt', 'paper', '{"strategy": "mdl", "symbols": ["BTC/USDT"]}', NULL);
    PERFORM api.create_account('shd', 'shadow', 'binance', 'USDT', 'paper', 10000, 'unconstrained', 'pgtap');
    PERFORM api.deposit('shd', 10000, '2024-01-01T00:00:00Z', 'pgtap');
    PERFORM api.register_strategy('shd', 'mdl', '{"model_id": "fm"}', 'pgtap');
    PERFORM api.register_run('run-shd', 'shd', 'shadow', '{"feed": "sync", "strategy": "mdl", "symbols": ["BTC/USDT"]}', NULL);
    PERFORM api.create_account('live1', 'live', 'binance', 'USDT', 'live_canary', 1000, 'unconstrained', 'pgtap');
    FOR h IN 1 .. 7 LOOP
        PERFORM api.close_hour('fwd', '2024-01-01T00:00:00Z'::timestamptz + h * interval '1 hour');
        PERFORM api.close_hour('bt', '2024-01-01T00:00:00Z'::timestamptz + h * interval '1 hour');
    END LOOP;
END $books$;

-- Refusals.
SELECT throws_ok($$SELECT api.record_forward_fold('nope', 'fwd', '2024-01-01T02:00:00Z', '2024-01-01T05:00:00Z')$$,
                 'PD011', 'forward fold refused: model nope is not registered', 'an unknown model (PD011)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'nobody', '2024-01-01T02:00:00Z', '2024-01-01T05:00:00Z')$$,
                 'PD011', NULL, 'an unknown account (PD011)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'other', '2024-01-01T02:00:00Z', '2024-01-01T05:00:00Z')$$,
                 'PD011', 'forward fold refused: no strategy of account other runs model fm', 'an account without the model''s strategy (PD011)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'live1', '2024-01-01T02:00:00Z', '2024-01-01T05:00:00Z')$$,
                 'PD012', 'forward fold refused: account live1 is live; a forward fold is a paper track record', 'a live account (PD012)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'shd', '2024-01-01T02:00:00Z', '2024-01-01T05:00:00Z')$$,
                 'PD012', 'forward fold refused: account shd is a shadow book, which sends no order: its strategies have no fill and no PnL to measure',
                 'a shadow account: no fill, no PnL (PD012)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'bt', '2024-01-01T02:00:00Z', '2024-01-01T05:00:00Z')$$,
                 'PD012', 'forward fold refused: account bt has no sync-fed run; hours over stored history are a backtest, not a forward track record',
                 'a paper book run over stored history is a backtest (PD012)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'fwd', '2024-01-01T05:00:00Z', '2024-01-01T09:00:00Z')$$,
                 'PD012', 'forward fold refused: hour 2024-01-01 08:00:00+00 of account fwd is not closed (or has no figures of strategy mdl)',
                 'an hour of the period not closed (PD012)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'fwd', '2024-01-01T01:00:00Z', '2024-01-01T03:00:00Z')$$,
                 'PD012', NULL, 'the hour before the period must be closed too (its equity is the first return''s base)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'fwd', '2024-01-01T02:30:00Z', '2024-01-01T05:00:00Z')$$,
                 'PD012', NULL, 'a period not aligned to the hour (PD012)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'fwd', '2024-01-01T02:00:00Z', '2024-01-01T03:00:00Z')$$,
                 'PD012', NULL, 'one hour is not a track record (PD012)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'fwd', '2024-01-01T02:00:00Z', 'infinity')$$,
                 'PD015', 'record_forward_fold refused: p_period_to is not a finite time', 'an infinite time (PD015)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'fwd', '-infinity', '2024-01-01T05:00:00Z')$$,
                 'PD015', NULL, 'a -infinite time (PD015)');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'fwd', '2024-01-01T02:00:00Z', '2999-01-01T00:00:00Z')$$,
                 'PD015', NULL, 'a period ending after the wall clock (PD015)');

-- The worker records; the figures are the database's.
SET LOCAL ROLE predator_worker;
SELECT lives_ok($$SELECT api.record_forward_fold('fm', 'fwd', '2024-01-01T02:00:00Z', '2024-01-01T05:00:00Z')$$,
                'the worker records a forward fold from the sync-fed paper book');
SELECT throws_ok($$SELECT * FROM ml._forward_figures('fm', 'fwd', '2024-01-01T02:00:00Z', '2024-01-01T05:00:00Z')$$,
                 '42501', NULL, 'the worker does not call the computation directly');
RESET ROLE;
SELECT results_eq($$SELECT kind, fold, period_from, period_to, n_obs, mean, std, kurtosis, sharpe, net_return, max_drawdown, actor
                      FROM ml.fold_metric WHERE model_id = 'fm' AND kind = 'forward'$$,
                  $$VALUES ('forward'::text, 0, '2024-01-01T02:00:00Z'::timestamptz, '2024-01-01T05:00:00Z'::timestamptz, 3,
                            0::double precision, 0::double precision, 3::double precision, 0::double precision,
                            0::double precision, 0::double precision, (session_user::text || ' as predator_worker')::text COLLATE "default")$$,
                  'fold 0: three hours of a strategy that never traded (constant zero returns: std 0, kurtosis 3, Sharpe 0)');
SELECT is((SELECT round(buy_hold_return::numeric, 12) FROM ml.fold_metric WHERE model_id = 'fm' AND kind = 'forward'),
          round(ln((1 - (SELECT taker_fee_bps FROM api.venues WHERE venue = 'binance') / 10000) * 103 / 100.0), 12),
          'buy-and-hold: bought at the mark of the close before the period (01:00, 100), held to its last close''s (04:00, 103), the taker fee paid');
SELECT is((SELECT args ->> 'account' FROM api.audit_log WHERE action = 'record_forward_fold'), 'fwd',
          'the fold''s account is in the audit log');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'fwd', '2024-01-01T04:00:00Z', '2024-01-01T06:00:00Z')$$,
                 'PD012', 'record_forward_fold refused: [2024-01-01 04:00:00+00, 2024-01-01 06:00:00+00) overlaps forward fold 0 of model fm ([2024-01-01 02:00:00+00, 2024-01-01 05:00:00+00))',
                 'an overlap with a recorded forward fold: no hour counts twice (PD012)');
SET LOCAL ROLE predator_operator;
SELECT is(api.record_forward_fold('fm', 'fwd', '2024-01-01T05:00:00Z', '2024-01-01T07:00:00Z') > 0, true,
          'the operator records the next period');
RESET ROLE;
SELECT is((SELECT array_agg(fold ORDER BY fold) FROM ml.fold_metric WHERE model_id = 'fm' AND kind = 'forward'), ARRAY[0, 1],
          'the next free forward fold is numbered 1');

-- The auditor re-derives a recorded fold, and cannot record one.
SET LOCAL ROLE predator_auditor;
SELECT results_eq($$SELECT n_obs, mean::float8, std::float8, skew::float8, kurtosis::float8, sharpe::float8, net_return::float8,
                           buy_hold_return::float8, turnover::float8, max_drawdown::float8
                      FROM ml._forward_figures('fm', 'fwd', '2024-01-01T02:00:00Z', '2024-01-01T05:00:00Z')$$,
                  $$SELECT n_obs, mean, std, skew, kurtosis, sharpe, net_return, buy_hold_return, turnover, max_drawdown
                      FROM ml.fold_metric WHERE model_id = 'fm' AND kind = 'forward' AND fold = 0$$,
                  'the auditor re-derives fold 0 to the last bit');
SELECT throws_ok($$SELECT api.record_forward_fold('fm', 'fwd', '2024-01-01T06:00:00Z', '2024-01-01T08:00:00Z')$$,
                 '42501', NULL, 'the auditor cannot record a fold');
RESET ROLE;
SELECT is((SELECT count(*) FROM ml.fold_metric WHERE model_id = 'fm' AND kind = 'forward'), 2::bigint, 'two forward folds');

SELECT * FROM finish();
ROLLBACK;
