-- api.register_strategy(p_account, p_strategy, p_params, p_reason, p_pool, p_priority) -> void
-- Operator. Registers a strategy (module:Class or entry-point name) on an account with its parameters, its
-- capital pool (CORE, AGGRESSIVE or TAIL_RISK; default CORE) and its arbitration priority (higher wins under
-- the priority rule; default 0), or replaces them for a registered one. Audited. PD012 for an unknown pool. On a live account the strategy needs a forward
-- burn-in on the same venue (api.burn_in) of at least the operator's live_burn_in_days (ops.setting): PD014
-- otherwise.
-- Issue 19: a model strategy (p_params carries "model_id", docs/ml.md "Inference") is registered only with a
-- registered model (PD011 otherwise, PD012 a model_id that is not a string) that passed the promotion gate for the
-- book's lane: a paper or shadow book (lane paper) needs a passed ml.promotion of lane 'paper', a live book a passed
-- 'live_canary' one (api.evaluate_promotion) — PD023 (reason model_not_promoted) otherwise. There is no exemption
-- for backtests: a backtest (predator paper) runs on a paper book.
CREATE OR REPLACE FUNCTION api.register_strategy(p_account text, p_strategy text, p_params jsonb, p_reason text,
                                                  p_pool text DEFAULT 'CORE', p_priority integer DEFAULT 0)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct trading.account := trading._account(p_account);
    v_need numeric;
    v_have numeric;
    v_model text;
    v_lane  text;
BEGIN
    PERFORM ops._lock_book(v_acct.book_id);
    IF p_pool IS NULL OR NOT EXISTS (SELECT FROM risk.pool p WHERE p.pool = p_pool) OR p_priority IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('register_strategy refused: unknown pool %L or no priority for %s', p_pool, p_strategy),
            DETAIL = format('pool=%s priority=%s', p_pool, p_priority),
            HINT = 'Pools are CORE, AGGRESSIVE and TAIL_RISK (risk.pool); the priority is an integer (higher wins arbitration).';
    END IF;
    IF p_params ? 'model_id' THEN
        IF jsonb_typeof(p_params -> 'model_id') <> 'string' THEN
            RAISE EXCEPTION USING ERRCODE = 'PD012',
                MESSAGE = format('register_strategy refused: the model_id of %s is not a string', p_strategy),
                DETAIL = format('model_id=%s', left((p_params -> 'model_id')::text, 200)),
                HINT = 'A model strategy names its registered model by id: {"model_id": "<family>:<scope>:<sha prefix>"} (ml.model).';
        END IF;
        v_model := p_params ->> 'model_id';
        PERFORM ml._require_model('register_strategy', v_model, format('strategy=%s', p_strategy));
        v_lane := CASE WHEN v_acct.mode = 'live' THEN 'live_canary' ELSE 'paper' END;
        IF NOT EXISTS (SELECT FROM ml.promotion p WHERE p.model_id = v_model AND p.lane = v_lane AND p.passed) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD023',
                MESSAGE = format('register_strategy refused: model %s has no passed %s promotion (model_not_promoted)',
                                 v_model, v_lane),
                DETAIL = format('account=%s mode=%s strategy=%s model_id=%s lane_needed=%s', p_account, v_acct.mode,
                                p_strategy, v_model, v_lane),
                HINT = format('A model strategy runs on a %s book only once api.evaluate_promotion(%L, %L, reason) passed (ml.promotion); read its reasons in ml.promotion.',
                              CASE WHEN v_lane = 'paper' THEN 'paper or shadow' ELSE 'live' END, v_model, v_lane);
        END IF;
    END IF;
    IF v_acct.mode = 'live' THEN
        v_need := coalesce(ops.setting_value('live_burn_in_days'), 30);  -- the shipped default when unset
        SELECT max(b.days) INTO v_have FROM api.burn_in(v_acct.venue, p_strategy) b;
        IF coalesce(v_have, 0) < v_need THEN
            RAISE EXCEPTION USING ERRCODE = 'PD014',
                MESSAGE = format('register_strategy refused: %s has %s days of forward burn-in on %s, live needs %s',
                                 p_strategy, coalesce(v_have, 0), v_acct.venue, v_need),
                HINT = 'Run it forward first: predator run --mode paper|shadow on live data (see api.burn_in); the days are the operator setting live_burn_in_days.';
        END IF;
    END IF;
    INSERT INTO trading.strategy (book_id, strategy, params, pool, priority)
    VALUES (v_acct.book_id, p_strategy, coalesce(p_params, '{}'::jsonb), p_pool, p_priority)
    ON CONFLICT (book_id, strategy) DO UPDATE SET params = EXCLUDED.params, pool = EXCLUDED.pool, priority = EXCLUDED.priority;
    PERFORM ops._audit(v_acct.book_id, 'register_strategy', p_account || '/' || p_strategy,
                       jsonb_build_object('params', p_params)
                       -- pool and priority are recorded when not the defaults (older audit rows stay as they were)
                       || CASE WHEN p_pool = 'CORE' AND p_priority = 0 THEN '{}'::jsonb
                               ELSE jsonb_build_object('pool', p_pool, 'priority', p_priority) END, p_reason);
END
$$;

COMMENT ON FUNCTION api.register_strategy(text, text, jsonb, text, text, integer) IS 'Operator: registers a strategy on an account with its capital pool (default CORE) and arbitration priority (or replaces them); audited; PD012 unknown pool. On a live account PD014 without live_burn_in_days of forward burn-in (api.burn_in). A model strategy (params model_id): PD011 an unknown model, PD023 model_not_promoted without a passed ml.promotion of lane paper (paper and shadow books) or live_canary (live books).';
