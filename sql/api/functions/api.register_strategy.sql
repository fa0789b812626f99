-- api.register_strategy(p_account, p_strategy, p_params, p_reason) -> void
-- Operator. Registers a strategy (module:Class or entry-point name) on an account with its parameters,
-- or replaces the parameters of a registered one. Audited.
CREATE OR REPLACE FUNCTION api.register_strategy(p_account text, p_strategy text, p_params jsonb, p_reason text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct trading.account := trading._account(p_account);
BEGIN
    PERFORM ops._lock_book(v_acct.book_id);
    INSERT INTO trading.strategy (book_id, strategy, params)
    VALUES (v_acct.book_id, p_strategy, coalesce(p_params, '{}'::jsonb))
    ON CONFLICT (book_id, strategy) DO UPDATE SET params = EXCLUDED.params;
    PERFORM ops._audit(v_acct.book_id, 'register_strategy', p_account || '/' || p_strategy,
                       jsonb_build_object('params', p_params), p_reason);
END
$$;

COMMENT ON FUNCTION api.register_strategy(text, text, jsonb, text) IS 'Operator: registers a strategy on an account (or replaces its parameters); audited.';
