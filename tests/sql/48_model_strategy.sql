-- 48_model_strategy.sql — the link between a promoted model and a strategy (issue 19 items 5 and 6, migration
-- 0044; docs/ml.md "Inference").
-- api.register_strategy registers a model strategy (params carry model_id) on a paper or shadow book only when the
-- model passed the gate for lane paper, on a live book only with a passed live_canary promotion (PD023
-- model_not_promoted; PD011 an unknown model; PD012 a model_id that is not a string). api.submit_signal records the
-- model id in trading.signal.model_id, refuses a model the registry does not know (PD011), a model id other than
-- the registered one or none from a model strategy, and one from any other strategy (PD012). A signal without a
-- model hashes exactly as before 0044 (its canonical row has no model_id key); chains verify.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(25);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[24])::numeric[]) AS bars \gset

-- A passing record (as tests/sql/47_ml_registry.sql builds one): three trials, two walk-forward (selection) folds
-- and two holdout folds (what the gate judges, migration 0046) of 1000 periods each with mean 0.001, std 0.01
-- (Sharpe 0.1 per period), net 2.0 (m_live 3.0, above the paper champion) against buy-and-hold 0.6; for live_canary also
-- a forward fold of 1000 periods with the same figures (MinTRL about 272 periods).
CREATE FUNCTION pg_temp.model(p_id text, p_forward boolean DEFAULT false, p_net numeric DEFAULT 1.0) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    i integer;
BEGIN
    PERFORM api.register_model(p_id, 'fam48', 'abc1234', repeat('a', 64), ARRAY['ret_1', 'ret_4'], '{"seed": 19, "validation": {"fee_bps": 10, "slippage_bps": 2}, "dataset": {"venue": "binance"}}',
                               repeat('b', 64), 'artefacts/' || p_id || '.txt');
    FOR i IN 0 .. 3 LOOP
        PERFORM api.record_fold_metric(p_id, CASE WHEN i < 2 THEN 'walk_forward' ELSE 'holdout' END, i % 2,
                                       '2022-01-01T00:00:00Z'::timestamptz + i * interval '180 days',
                                       '2022-01-01T00:00:00Z'::timestamptz + (i + 1) * interval '180 days',
                                       1000, 0.001, 0.01, 0, 3, 0.1, p_net, 0.3, 0.5, 0.1);
    END LOOP;
    IF p_forward THEN
        PERFORM api.record_fold_metric(p_id, 'forward', 0, '2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z',
                                       1000, 0.001, 0.01, 0, 3, 0.1, 1.0, 0.3, 0.5, 0.1);
    END IF;
    RETURN p_id;
END
$$;
SELECT api.record_trial('fam48', '{"leaves": 15}', 1500, 0.10, NULL, NULL),
       api.record_trial('fam48', '{"leaves": 31}', 1500, 0.05, NULL, NULL),
       api.record_trial('fam48', '{"leaves": 63}', 1500, 0.02, NULL, NULL);
SELECT pg_temp.model('m_paper'), pg_temp.model('m_live', true, 1.5), pg_temp.model('m_none');

SELECT pg_temp.new_account('p48') AS book \gset
SELECT api.create_account('live48', 'live', 'binance', 'USDT', 'live_canary', 1000, 'unconstrained', 'pgtap') AS live_book \gset

-- Registration: the model must be registered and promoted for the book's lane.
SELECT throws_ok($$SELECT api.register_strategy('p48', 'model', '{"model_id": "no_such_model"}', 'pgtap')$$,
                 'PD011', 'register_strategy refused: model no_such_model is not registered',
                 'a model strategy naming an unregistered model is refused (PD011)');
SELECT throws_ok($$SELECT api.register_strategy('p48', 'model', '{"model_id": 7}', 'pgtap')$$,
                 'PD012', NULL, 'a model_id that is not a string is refused (PD012)');
SELECT throws_ok($$SELECT api.register_strategy('p48', 'model', '{"model_id": "m_paper"}', 'pgtap')$$,
                 'PD023', 'register_strategy refused: model m_paper has no passed paper promotion (model_not_promoted)',
                 'a registered model never evaluated is refused on a paper book (PD023 model_not_promoted)');
SELECT results_eq($$SELECT passed FROM api.evaluate_promotion('m_none', 'live_canary', 'pgtap: refused')$$,
                  $$VALUES (false)$$, 'm_none is refused for live_canary (not on paper, no track record)');
SELECT throws_ok($$SELECT api.register_strategy('p48', 'model', '{"model_id": "m_none"}', 'pgtap')$$,
                 'PD023', NULL, 'a refused evaluation, or one for another lane, does not admit it on paper');
SELECT results_eq($$SELECT passed FROM api.evaluate_promotion('m_paper', 'paper', 'pgtap: passes')$$,
                  $$VALUES (true)$$, 'm_paper passes the paper gate');
SELECT lives_ok($$SELECT api.register_strategy('p48', 'model', '{"model_id": "m_paper", "threshold": 0.55}', 'pgtap')$$,
                'with a passed paper promotion the model strategy is registered on the paper book');
SELECT is((SELECT params ->> 'model_id' FROM api.strategies WHERE account = 'p48' AND strategy = 'model'), 'm_paper',
          'the registration keeps the model id');
SELECT is((SELECT (args -> 'params' ->> 'model_id') FROM ops.audit_log WHERE action = 'register_strategy' AND target = 'p48/model'),
          'm_paper', 'and the audit log names it');

-- A live book needs a passed live_canary promotion (checked before the burn-in).
SELECT throws_ok($$SELECT api.register_strategy('live48', 'model', '{"model_id": "m_paper"}', 'pgtap')$$,
                 'PD023', 'register_strategy refused: model m_paper has no passed live_canary promotion (model_not_promoted)',
                 'a model promoted to paper only is refused on a live book (PD023)');
SELECT results_eq($$SELECT passed FROM api.evaluate_promotion('m_live', 'paper', 'pgtap') UNION ALL
                    SELECT passed FROM api.evaluate_promotion('m_live', 'live_canary', 'pgtap')$$,
                  $$VALUES (true), (true)$$, 'm_live passes paper, then live_canary with its forward track record');
SELECT throws_ok($$SELECT api.register_strategy('live48', 'model', '{"model_id": "m_live"}', 'pgtap')$$,
                 'PD014', NULL, 'with a passed live_canary promotion the model check passes; the live burn-in still applies (PD014)');

-- Signals: the model strategy's carry its model id; nothing else may sign with a model.
SELECT is((SELECT outcome FROM api.submit_signal('p48', 'model', 'BTC/USDT', '2024-01-01T05:00:00Z', 'buy', 0.61, 50,
                                                 '2024-01-01T06:00:00Z', 1, 'market', NULL, 'm_paper')),
          'admitted', 'a model strategy''s signal with its model id is admitted');
SELECT is((SELECT model_id FROM trading.signal WHERE strategy = 'model'), 'm_paper', 'trading.signal records the model id');
SELECT is((SELECT outcome FROM api.submit_signal('p48', 'model', 'BTC/USDT', '2024-01-01T05:00:00Z', 'buy', 0.61, 50,
                                                 '2024-01-01T06:00:00Z', 1, 'market', NULL, 'm_paper')),
          'admitted', 'the same signal again is idempotent');
SELECT throws_ok($$SELECT * FROM api.submit_signal('p48', 'model', 'BTC/USDT', '2024-01-01T05:00:00Z', 'buy', 0.61, 50,
                                                   '2024-01-01T06:00:00Z', 1, 'market', NULL, NULL)$$,
                 'PD010', NULL, 'the same decision without its model id conflicts with the one recorded (PD010)');
SELECT throws_ok($$SELECT * FROM api.submit_signal('p48', 'model', 'BTC/USDT', '2024-01-01T06:00:00Z', 'hold', 0.5, 0,
                                                   '2024-01-01T07:00:00Z')$$,
                 'PD012', NULL, 'a model strategy''s signal without a model id is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.submit_signal('p48', 'model', 'BTC/USDT', '2024-01-01T06:00:00Z', 'hold', 0.5, 0,
                                                   '2024-01-01T07:00:00Z', NULL, 'market', NULL, 'm_live')$$,
                 'PD012', NULL, 'nor with another registered model than the one it was registered with (PD012)');
SELECT throws_ok($$SELECT * FROM api.submit_signal('p48', 's1', 'BTC/USDT', '2024-01-01T06:00:00Z', 'hold', 0.5, 0,
                                                   '2024-01-01T07:00:00Z', NULL, 'market', NULL, 'm_paper')$$,
                 'PD012', NULL, 'a strategy registered without a model may not sign with one (PD012)');
SELECT throws_ok($$SELECT * FROM api.submit_signal('p48', 's1', 'BTC/USDT', '2024-01-01T06:00:00Z', 'hold', 0.5, 0,
                                                   '2024-01-01T07:00:00Z', NULL, 'market', NULL, 'no_such_model')$$,
                 'PD011', 'signal refused: model no_such_model is not registered', 'an unknown model id is refused (PD011)');
-- Every door that names a model refuses an unknown one alike (ml._require_model).
SELECT throws_ok($$SELECT * FROM api.evaluate_promotion('no_such_model', 'paper', 'pgtap')$$,
                 'PD011', 'evaluate_promotion refused: model no_such_model is not registered', 'the gate refuses an unknown model alike');
SELECT throws_ok($$SELECT api.record_fold_metric('no_such_model', 'holdout', 0, '2022-01-01T00:00:00Z', '2022-06-30T00:00:00Z',
                                                 1000, 0.001, 0.01, 0, 3, 0.1, 1.0, 0.3, 0.5, 0.1)$$,
                 'PD011', 'record_fold_metric refused: model no_such_model is not registered', 'a fold of an unknown model alike');

-- Hashes: a signal without a model is hashed as before 0044; chains verify.
SET LOCAL TimeZone = 'UTC';
SELECT is((SELECT outcome FROM pg_temp.signal('p48', 'BTC/USDT', '2024-01-01T06:00:00Z', 'hold')), 'hold',
          'a signal of a strategy without a model still passes');
SELECT ok((SELECT s.row_hash = sha256(s.prev_hash || convert_to(
                      (jsonb_strip_nulls(to_jsonb(s) - 'model_id') - ops.hash_excluded_columns())::text, 'UTF8'))
             FROM trading.signal s WHERE s.strategy = 's1')
          AND (SELECT NOT (jsonb_strip_nulls(to_jsonb(s)) ? 'model_id') FROM trading.signal s WHERE s.strategy = 's1'),
          'its row hash is that of its row without the model_id column (byte-identical to before 0044)');
SELECT is_empty($$SELECT * FROM api.verify_chains()$$, 'every chain verifies, the model-signed signal included');

SELECT * FROM finish();
ROLLBACK;
