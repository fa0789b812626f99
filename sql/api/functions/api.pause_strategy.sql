-- api.pause_strategy(p_account, p_strategy, p_reason) -> void
-- Operator. Pauses a strategy: its signals are refused with reason strategy_paused until resumed.
CREATE OR REPLACE FUNCTION api.pause_strategy(p_account text, p_strategy text, p_reason text)
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
BEGIN
    PERFORM ops._audit(v_acct.book_id, 'pause_strategy', p_account || '/' || p_strategy, '{}', p_reason);
    UPDATE trading.strategy s SET status = 'paused' WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown strategy %L on account %L', p_strategy, p_account),
            HINT = 'Register it with api.register_strategy.';
    END IF;
END
$$;

COMMENT ON FUNCTION api.pause_strategy(text, text, text) IS 'Operator: pauses a strategy (its signals are refused with strategy_paused); audited. PD011 when unknown.';
