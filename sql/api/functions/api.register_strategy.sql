-- api.register_strategy(p_account, p_strategy, p_params, p_reason) -> void
-- Operator. Registers a strategy (module:Class or entry-point name) on an account with its parameters,
-- or replaces the parameters of a registered one. Audited. On a live account the strategy needs a forward
-- burn-in on the same venue (api.burn_in) of at least the operator's live_burn_in_days (ops.setting): PD014
-- otherwise.
CREATE OR REPLACE FUNCTION api.register_strategy(p_account text, p_strategy text, p_params jsonb, p_reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct trading.account := trading._account(p_account);
    v_need numeric;
    v_have numeric;
BEGIN
    PERFORM ops._lock_book(v_acct.book_id);
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
    INSERT INTO trading.strategy (book_id, strategy, params)
    VALUES (v_acct.book_id, p_strategy, coalesce(p_params, '{}'::jsonb))
    ON CONFLICT (book_id, strategy) DO UPDATE SET params = EXCLUDED.params;
    PERFORM ops._audit(v_acct.book_id, 'register_strategy', p_account || '/' || p_strategy,
                       jsonb_build_object('params', p_params), p_reason);
END
$$;

COMMENT ON FUNCTION api.register_strategy(text, text, jsonb, text) IS 'Operator: registers a strategy on an account (or replaces its parameters); audited. On a live account PD014 without live_burn_in_days of forward burn-in (api.burn_in).';
