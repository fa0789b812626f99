-- 47_ml_registry.sql — the model registry and the promotion gate (migration 0043, issue 19 items 4 and 5;
-- docs/ml.md, "Registry and promotion gate").
-- Models, trials, fold metrics and promotion decisions are recorded through the api doors only, append-only
-- (PD001 on UPDATE, DELETE, TRUNCATE) and chained in book 0 (api.verify_chains). A model that beats
-- buy-and-hold and the champion on the same hours, with a deflated Sharpe ratio >= 0.95 for N trials, is
-- promoted and becomes its family's champion; every refusal reason code is produced by a crafted record;
-- NaN/±Infinity are refused at the doors (PD012); the worker registers but cannot promote (42501); the
-- thresholds are operator settings, and loosening one needs a second operator (PD017).
BEGIN;
SELECT plan(71);

-- pg_temp.model(id, family, from, net, buy-and-hold, mean, std, turnover, drawdown) -> the model's id: registers a
-- model, two walk-forward (selection) folds of 1000 periods each, [from, from + 180 days) and the next 180 days,
-- and two holdout folds of 1000 periods, the 180-day periods after them (migration 0046: what the gate judges),
-- all four with the given figures (skew 0, kurtosis 3, Sharpe = mean/std). tests/sql/49_ml_holdout.sql judges
-- models whose selection folds and hold-out differ.
CREATE FUNCTION pg_temp.model(p_id text, p_family text, p_from timestamptz, p_net numeric, p_bh numeric,
                              p_mean numeric DEFAULT 0.001, p_std numeric DEFAULT 0.01, p_turnover numeric DEFAULT 0.5,
                              p_mdd numeric DEFAULT 0.1)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    i integer;
BEGIN
    PERFORM api.register_model(p_id, p_family, 'abc1234', repeat('a', 64), ARRAY['ret_1h', 'ret_24h', 'vol_24h'],
                               '{"seed": 7, "num_threads": 1, "validation": {"fee_bps": 10, "slippage_bps": 2}, "dataset": {"venue": "binance"}}', repeat('b', 64), 'artefacts/' || p_id || '.txt');
    FOR i IN 0 .. 3 LOOP
        PERFORM api.record_fold_metric(p_id, CASE WHEN i < 2 THEN 'walk_forward' ELSE 'holdout' END, i % 2,
                                       p_from + i * interval '180 days', p_from + (i + 1) * interval '180 days',
                                       1000, p_mean, p_std, 0, 3, CASE WHEN p_std = 0 THEN 0 ELSE p_mean / p_std END,
                                       p_net / 2, p_bh / 2, p_turnover, p_mdd);
    END LOOP;
    RETURN p_id;
END
$$;
-- pg_temp.gate(model, lane) -> the reason codes of a new evaluation
CREATE FUNCTION pg_temp.gate(p_model text, p_lane text DEFAULT 'paper') RETURNS text[] LANGUAGE sql AS $$
    SELECT reasons FROM api.evaluate_promotion(p_model, p_lane, 'pgtap')
$$;

-- Trials of family fam: three configurations, in-sample Sharpe ratios 0.10, 0.05, 0.02 per period.
SELECT is(api.record_trial('fam', '{"leaves": 15}', 1500, 0.10, '{"auc": 0.55}', NULL), 1::bigint, 'a trial is recorded, the first of the chain');
SELECT api.record_trial('fam', '{"leaves": 31}', 1500, 0.05, NULL, NULL);
SELECT api.record_trial('fam', '{"leaves": 63}', 1500, 0.02, NULL, NULL);
SELECT is((SELECT count(*) FROM ml.trial WHERE family = 'fam'), 3::bigint, 'the family''s trial ledger holds the three trials');

-- The worker (training jobs) registers a model and its folds; it cannot judge it.
SET LOCAL ROLE predator_worker;
SELECT is(pg_temp.model('m1', 'fam', '2023-01-01T00:00:00Z', 2.0, 0.6), 'm1', 'the worker registers a model, its walk-forward folds and its hold-out');
SELECT throws_ok($$SELECT * FROM api.evaluate_promotion('m1', 'paper', 'self-promotion')$$, '42501', NULL,
                 'the worker cannot run the promotion gate: a candidate never promotes itself');
SELECT throws_ok($$SELECT * FROM ml.model$$, '42501', NULL, 'nor read the registry tables directly');
RESET ROLE;
SELECT results_eq($$SELECT model_id, family, code_version, dataset_hash, features, params, artefact_sha256, actor FROM ml.model WHERE model_id = 'm1'$$,
                  $$VALUES ('m1'::text, 'fam'::text, 'abc1234'::text, repeat('a', 64), ARRAY['ret_1h', 'ret_24h', 'vol_24h'], '{"seed": 7, "num_threads": 1, "validation": {"fee_bps": 10, "slippage_bps": 2}, "dataset": {"venue": "binance"}}'::jsonb, repeat('b', 64), (session_user::text || ' as predator_worker')::text COLLATE "default")$$,
                  'ml.model keeps the lineage: family, code version, dataset hash, features, parameters, artefact sha256, who');
SELECT results_eq($$SELECT folds, n_obs, round(sharpe::numeric, 9), round(kurtosis::numeric, 6), net_return, buy_hold_return FROM ml._fold_summary('m1', 'walk_forward')$$,
                  $$VALUES (2, 2000::bigint, 0.1::numeric, 3::numeric, 2::double precision, 0.6::double precision)$$,
                  'the folds pool to one series of 2000 periods with the folds'' Sharpe ratio and kurtosis, net and buy-and-hold summed');

-- A passing model is promoted and becomes the champion.
SELECT results_eq($$SELECT passed, reasons FROM api.evaluate_promotion('m1', 'paper', 'first model of the family')$$,
                  $$VALUES (true, '{}'::text[])$$, 'm1 beats buy-and-hold with DSR >= 0.95 over 3 trials: promoted to paper');
SELECT ok((SELECT (figures ->> 'dsr')::float8 >= 0.95 AND (figures ->> 'trials')::int = 3 FROM ml.promotion WHERE model_id = 'm1'),
          'the decision records its figures: the DSR and the trial count N');
SELECT is((SELECT (figures ->> 'dsr')::float8 FROM ml.promotion WHERE model_id = 'm1'),
          ml.deflated_sharpe_ratio(0.1, (SELECT var_samp(sharpe) FROM ml.trial WHERE family = 'fam'), 3, 2000, 0, 3),
          'the DSR is ml.deflated_sharpe_ratio of the pooled hold-out figures (2000 periods), N and V from the trial ledger');
SELECT is((SELECT model_id FROM ml.champion WHERE family = 'fam' AND lane = 'paper'), 'm1', 'm1 is the champion of fam on paper');
SELECT results_eq($$SELECT action, target, args ->> 'passed', args ->> 'moves_champion', reason FROM ops.audit_log WHERE action = 'evaluate_promotion'$$,
                  $$VALUES ('evaluate_promotion'::text, 'm1'::text, 'true'::text, 'true'::text, 'first model of the family'::text)$$,
                  'the evaluation is in the audit log, with the champion move');

-- Each refusal reason, from a crafted record (family fam has champion m1 with a net log return of 2.0).
SELECT pg_temp.model('m_bh', 'fam', '2023-01-01T00:00:00Z', 2.5, 2.6);
SELECT is(pg_temp.gate('m_bh'), '{oos_below_buy_and_hold}'::text[], 'net of costs not above buy-and-hold on the same hours: oos_below_buy_and_hold');
SELECT pg_temp.model('m_low', 'fam', '2023-01-01T00:00:00Z', 1.9, 0.6);
SELECT is(pg_temp.gate('m_low'), '{oos_below_champion}'::text[], 'not above the champion on the same hours: oos_below_champion');
SELECT pg_temp.model('m_shift', 'fam', '2023-02-01T00:00:00Z', 3.0, 0.6);
SELECT is(pg_temp.gate('m_shift'), '{champion_hours_differ}'::text[], 'folds on other hours than the champion''s: champion_hours_differ');
SELECT api.register_model('m_nofold', 'fam', 'abc1234', repeat('a', 64), ARRAY['x'], '{"validation": {"fee_bps": 10, "slippage_bps": 2}, "dataset": {"venue": "binance"}}', repeat('c', 64), 'artefacts/m_nofold.txt');
SELECT is(pg_temp.gate('m_nofold'), '{no_oos_folds,no_holdout}'::text[], 'no walk-forward fold and no hold-out: no_oos_folds, no_holdout');
SELECT pg_temp.model('m_notrial', 'fam_empty', '2023-01-01T00:00:00Z', 2.0, 0.6);
SELECT is(pg_temp.gate('m_notrial'), '{no_trials_recorded}'::text[], 'a family without trials has no honest N: no_trials_recorded');
SELECT api.record_trial('fam_dsr', '{}', 1500, 0.01, NULL, NULL);
SELECT pg_temp.model('m_dsr', 'fam_dsr', '2023-01-01T00:00:00Z', 0.2, 0.1, 0.0001, 0.01);
SELECT is(pg_temp.gate('m_dsr'), '{dsr_below_threshold}'::text[], 'a Sharpe ratio of 0.01 over 2000 periods: dsr_below_threshold');
SELECT ok((SELECT (figures ->> 'dsr')::float8 < 0.95 FROM ml.promotion WHERE model_id = 'm_dsr'), 'and its DSR is below 0.95');
SELECT api.record_trial('fam_flat', '{}', 1500, 0.01, NULL, NULL);
SELECT pg_temp.model('m_flat', 'fam_flat', '2023-01-01T00:00:00Z', 0.2, 0.1, 0, 0);
SELECT is(pg_temp.gate('m_flat'), '{oos_statistics_invalid}'::text[], 'returns without variance: oos_statistics_invalid');
SELECT pg_temp.model('m_dd', 'fam', '2023-01-01T00:00:00Z', 3.0, 0.6, 0.001, 0.01, 0.5, 0.3);
SELECT is(pg_temp.gate('m_dd'), '{drawdown_above_limit}'::text[], 'a hold-out drawdown of 30% above paper''s 25%: drawdown_above_limit');
SELECT pg_temp.model('m_to', 'fam', '2023-01-01T00:00:00Z', 3.0, 0.6, 0.001, 0.01, 2);
SELECT is(pg_temp.gate('m_to'), '{turnover_above_limit}'::text[], 'a turnover of 2 above paper''s 1: turnover_above_limit');
-- PBO: two trials whose in-sample best is the out-of-sample worst.
SELECT api.record_trial('fam_pbo', '{"v": 1}', 8, 0.1, NULL, '{1, 2, 1, 3, -1, -2, -1, -3}');
SELECT api.record_trial('fam_pbo', '{"v": 2}', 8, 0.1, NULL, '{-1, -2, -1, -3, 1, 2, 1, 3}');
SELECT pg_temp.model('m_pbo', 'fam_pbo', '2023-01-01T00:00:00Z', 2.0, 0.6);
SELECT is(pg_temp.gate('m_pbo'), '{pbo_above_threshold}'::text[], 'a family whose PBO is above 0.2: pbo_above_threshold');
SELECT is((SELECT (figures ->> 'pbo')::float8 FROM ml.promotion WHERE model_id = 'm_pbo'),
          ml.pbo(ARRAY[[1, -1], [2, -2], [1, -1], [3, -3], [-1, 1], [-2, 2], [-1, 1], [-3, 3]]::float8[], 4),
          'the PBO is ml.pbo of the trials'' returns (T = 8 rows, 4 blocks)');
SELECT api.record_trial('fam_pbo2', '{"v": 1}', 8, 0.1, NULL, '{1, 2, 1, 3}');
SELECT api.record_trial('fam_pbo2', '{"v": 2}', 8, 0.1, NULL, '{1, 2, 1, 3, 4}');
SELECT pg_temp.model('m_pbo2', 'fam_pbo2', '2023-01-01T00:00:00Z', 2.0, 0.6);
SELECT is(pg_temp.gate('m_pbo2'), '{pbo_not_computable}'::text[], 'trials'' returns of different lengths: pbo_not_computable');
SELECT is(pg_temp.gate('m_bh', 'live_canary'), '{oos_below_buy_and_hold,not_on_paper,track_record_too_short}'::text[],
          'live_canary for a model never on paper and without a forward record: not_on_paper, track_record_too_short');
SELECT is(pg_temp.gate('m1', 'live_canary'), '{track_record_too_short}'::text[], 'm1, on paper, without a forward record: track_record_too_short');
SELECT api.record_fold_metric('m1', 'forward', 0, '2024-03-01T00:00:00Z', '2024-03-11T00:00:00Z', 200, 0.001, 0.01, 0, 3, 0.1, 0.2, 0.05, 0.4, 0.05);
SELECT is(pg_temp.gate('m1', 'live_canary'), '{track_record_too_short}'::text[], '200 forward periods, fewer than MinTRL: track_record_too_short');
SELECT ok((SELECT (figures ->> 'min_track_record_length')::float8 BETWEEN 200 AND 1000 FROM ml.promotion WHERE model_id = 'm1' AND lane = 'live_canary' ORDER BY seq DESC LIMIT 1),
          'MinTRL (Sharpe 0.1, normal, 0.95) is between 200 and 1000 periods');
SELECT api.record_fold_metric('m1', 'forward', 1, '2024-03-11T00:00:00Z', '2024-04-11T00:00:00Z', 800, 0.001, 0.01, 0, 3, 0.1, 0.8, 0.2, 0.4, 0.05);
SELECT results_eq($$SELECT passed, reasons FROM api.evaluate_promotion('m1', 'live_canary', 'a forward record of 1000 periods')$$,
                  $$VALUES (true, '{}'::text[])$$, 'with 1000 forward periods, above MinTRL, m1 moves to live_canary');
SELECT is((SELECT model_id FROM ml.champion WHERE family = 'fam' AND lane = 'live_canary'), 'm1', 'm1 is the live_canary champion');

-- Refusals moved nothing; a better model moves the champion.
SELECT is((SELECT model_id FROM ml.champion WHERE family = 'fam' AND lane = 'paper'), 'm1', 'after the refusals m1 is still the paper champion');
SELECT is((SELECT count(*) FROM ml.champion), 2::bigint, 'no refused family has a champion');
SELECT pg_temp.model('m2', 'fam', '2023-01-01T00:00:00Z', 2.4, 0.6);
SELECT is(pg_temp.gate('m2'), '{}'::text[], 'm2 beats m1 on the same hours: promoted');
SELECT is((SELECT model_id FROM ml.champion WHERE family = 'fam' AND lane = 'paper'), 'm2', 'm2 is now the paper champion');
SELECT is((SELECT model_id FROM ml.champion WHERE family = 'fam' AND lane = 'live_canary'), 'm1', 'and m1 still the live_canary champion');

-- Thresholds are settings: tightening is one operator's call, loosening needs a second.
SELECT lives_ok($$SELECT api.set_setting('ml_paper_max_drawdown', 0.05, 'pgtap: tighter')$$, 'tightening the paper drawdown limit needs no approval');
SELECT is(pg_temp.gate('m2'), '{drawdown_above_limit}'::text[], 'and the gate reads it: m2''s 10% drawdown is now refused');
SELECT throws_ok($$SELECT api.set_setting('ml_pbo_max', 0.5, 'pgtap: looser')$$, 'PD017', NULL, 'loosening the PBO ceiling needs a second operator''s approval');
SELECT throws_ok($$SELECT api.set_setting('ml_min_confidence', 0.3, 'pgtap')$$, 'PD012', NULL, 'ml_min_confidence below 0.5 is out of range');
SELECT lives_ok($$SELECT api.request_approval('set_setting', 'ml_pbo_max', 'pgtap: looser', NULL, 0.5, NULL)$$,
                'and that approval can be asked for (a high-risk action)');

-- Costs (issue 19 item 5): the figures must be net of the venue's taker fee and at least ml_min_slippage_bps.
SELECT api.register_model('m_nocost', 'fam', 'abc1234', repeat('a', 64), ARRAY['x'], '{"seed": 7}', repeat('c', 64), 'artefacts/m_nocost.txt');
SELECT is(pg_temp.gate('m_nocost'), '{costs_not_recorded,no_oos_folds,no_holdout}'::text[], 'a model that recorded no fee and slippage: costs_not_recorded');
SELECT api.register_model('m_noslip', 'fam', 'abc1234', repeat('a', 64), ARRAY['x'], '{"validation": {"fee_bps": 10, "slippage_bps": 0}, "dataset": {"venue": "binance"}}', repeat('c', 64), 'artefacts/m_noslip.txt');
SELECT is(pg_temp.gate('m_noslip'), '{costs_understated,no_oos_folds,no_holdout}'::text[], 'figures at zero slippage: costs_understated');
SELECT api.register_model('m_kraken', 'fam', 'abc1234', repeat('a', 64), ARRAY['x'], '{"validation": {"fee_bps": 10, "slippage_bps": 2}, "dataset": {"venue": "kraken"}}', repeat('c', 64), 'artefacts/m_kraken.txt');
SELECT is(pg_temp.gate('m_kraken'), '{costs_understated,no_oos_folds,no_holdout}'::text[], 'a 10 bps fee on a venue whose taker fee is 26 bps: costs_understated');
SELECT is((SELECT figures -> 'venue_taker_fee_bps' FROM ml.promotion WHERE model_id = 'm_kraken'), '26'::jsonb, 'the gate reports the venue''s taker fee it checked');
SELECT throws_ok($$SELECT api.set_setting('ml_min_slippage_bps', 600, 'pgtap')$$, 'PD012', NULL, 'ml_min_slippage_bps above 500 is out of range');
SELECT lives_ok($$SELECT api.set_setting('ml_min_slippage_bps', 5, 'pgtap: tighter')$$, 'raising the slippage floor needs no approval');
SELECT api.register_model('m_slip2', 'fam', 'abc1234', repeat('a', 64), ARRAY['x'], '{"validation": {"fee_bps": 10, "slippage_bps": 2}, "dataset": {"venue": "binance"}}', repeat('c', 64), 'artefacts/m_slip2.txt');
SELECT is(pg_temp.gate('m_slip2'), '{costs_understated,no_oos_folds,no_holdout}'::text[], 'then a model whose figures assumed 2 bps of slippage: costs_understated');
SELECT throws_ok($$SELECT api.set_setting('ml_min_slippage_bps', 1, 'pgtap: looser')$$, 'PD017', NULL, 'lowering the slippage floor needs a second operator''s approval');
SELECT throws_ok($$SELECT api.set_setting('ml_drift_psi_threshold', 0.5, 'pgtap: looser')$$, 'PD017', NULL, 'raising the PSI threshold needs an approval');
SELECT throws_ok($$SELECT api.set_setting('ml_drift_ks_alpha', 0.001, 'pgtap: looser')$$, 'PD017', NULL, 'lowering the KS level needs an approval');
SELECT throws_ok($$SELECT api.set_setting('ml_drift_hit_rate_alpha', 0.001, 'pgtap: looser')$$, 'PD017', NULL, 'lowering the hit-rate level needs an approval');
SELECT lives_ok($$SELECT api.set_setting('ml_drift_ks_alpha', 0.05, 'pgtap: stricter')$$, 'raising the KS level (more drift detected) needs no approval');
SELECT throws_ok($$SELECT api.set_setting('ml_drift_psi_threshold', 0, 'pgtap')$$, 'PD012', NULL, 'a PSI threshold below 0.01 is out of range');

-- Doors: NaN/±Infinity, malformed records.
SELECT throws_ok($$SELECT api.record_trial('fam', '{}', 100, 'NaN', NULL, NULL)$$, 'PD012', 'record_trial refused: p_sharpe is not a finite number', 'a NaN Sharpe ratio is refused');
SELECT throws_ok($$SELECT api.record_trial('fam', '{}', 100, 0.1, NULL, '{1, 2, Infinity, 4}')$$, 'PD012', 'record_trial refused: p_returns[3] is not a finite number', 'an infinite return is refused, named by position');
SELECT throws_ok($$SELECT api.record_fold_metric('m1', 'walk_forward', 9, '2023-01-01', '2023-02-01', 100, 'Infinity', 0.01, 0, 3, 0.1, 0.1, 0, 0.1, 0.1)$$,
                 'PD012', 'record_fold_metric refused: p_mean is not a finite number', 'an infinite mean is refused');
SELECT throws_ok($$SELECT api.record_fold_metric('m1', 'walk_forward', 9, '2023-01-01', '2023-02-01', 100, 0.001, 0.01, 0, 3, 0.5, 0.1, 0, 0.1, 0.1)$$,
                 'PD012', NULL, 'a Sharpe ratio that is not mean/std is refused');
SELECT throws_ok($$SELECT api.record_fold_metric('m1', 'walk_forward', 0, '2023-01-01', '2023-02-01', 100, 0.001, 0.01, 0, 3, 0.1, 0.1, 0, 0.1, 0.1)$$,
                 'PD012', NULL, 'a fold already recorded is refused');
SELECT throws_ok($$SELECT api.record_fold_metric('nobody', 'walk_forward', 0, '2023-01-01', '2023-02-01', 100, 0.001, 0.01, 0, 3, 0.1, 0.1, 0, 0.1, 0.1)$$,
                 'PD011', NULL, 'a fold of an unknown model is refused');
SELECT throws_ok($$SELECT api.register_model('m1', 'fam', 'abc', repeat('a', 64), ARRAY['x'], '{}', repeat('b', 64), 'p')$$, 'PD012', NULL,
                 'a model id is registered once');
SELECT throws_ok($$SELECT api.register_model('m9', 'fam', 'abc', 'not-a-hash', ARRAY['x'], '{}', repeat('b', 64), 'p')$$, 'PD012', NULL,
                 'a model without a dataset hash is refused');
SELECT throws_ok($$SELECT * FROM api.evaluate_promotion('m1', 'live', 'x')$$, 'PD012', NULL, 'an unknown lane is refused');

-- Append-only and chained.
SELECT throws_ok($$UPDATE ml.model SET artefact_path = 'elsewhere' WHERE model_id = 'm1'$$, 'PD001', NULL, 'a registered model cannot be rewritten (PD001)');
SELECT throws_ok($$DELETE FROM ml.trial WHERE family = 'fam'$$, 'PD001', NULL, 'a trial cannot be deleted (PD001)');
SELECT throws_ok($$UPDATE ml.fold_metric SET net_return = 9$$, 'PD001', NULL, 'a fold metric cannot be rewritten (PD001)');
SELECT throws_ok($$DELETE FROM ml.promotion WHERE NOT passed$$, 'PD001', NULL, 'a refusal cannot be deleted (PD001)');
SELECT throws_ok('TRUNCATE ml.promotion', 'PD001', NULL, 'ml.promotion cannot be truncated (PD001)');
SELECT is_empty($$SELECT * FROM api.verify_chains() WHERE tbl LIKE 'ml.%'$$, 'the registry''s chains verify');
SELECT is((SELECT array_agg(chain ORDER BY chain) FROM ops.chain_head WHERE chain LIKE 'ml.%'),
          ARRAY['ml.fold_metric:0', 'ml.model:0', 'ml.promotion:0', 'ml.trial:0'], 'each registry table is one chain of book 0, the control plane');
SET LOCAL session_replication_role = replica;
UPDATE ml.promotion SET passed = true, reasons = '{}' WHERE model_id = 'm_dsr';
SET LOCAL session_replication_role = origin;
SELECT results_eq($$SELECT tbl, problem FROM api.verify_chains() WHERE tbl LIKE 'ml.%'$$,
                  $$VALUES ('ml.promotion'::text, 'row_hash does not match the row''s content'::text)$$,
                  'a refusal turned into a pass behind the triggers breaks the chain at that row');

SELECT * FROM finish();
ROLLBACK;
