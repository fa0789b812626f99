-- api.resume_strategy(p_account, p_strategy, p_reason) -> void
-- Operator. Resumes a paused strategy. Audited. Issue 13 item 3: also lifts what only an operator lifts in the
-- strategy's risk state (risk._resume_risk): its kill (the halt at its scope; the strategy moves halted ->
-- cooldown, then normal after cooldown_hours at an hour close) and a held reducing state (strategy_drawdown, a
-- live lane's strategy_daily_loss; -> normal, cause operator_resume).
-- Refused (PD014) as api.resume is (risk._require_resumable): while the book's latest reconciliation is dirty, or
-- while a severity-1 incident of the book (or a global one) is open. PD011 for an unknown strategy.
CREATE OR REPLACE FUNCTION api.resume_strategy(p_account text, p_strategy text, p_reason text)
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
    PERFORM risk._require_resumable(format('resume_strategy of %s/%s', p_account, p_strategy), 'strategy',
                                    p_account || '/' || p_strategy, v_acct.book_id);
    PERFORM ops._audit(v_acct.book_id, 'resume_strategy', p_account || '/' || p_strategy, '{}', p_reason);
    UPDATE trading.strategy s SET status = 'active' WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown strategy %L on account %L', p_strategy, p_account),
            HINT = 'Register it with api.register_strategy.';
    END IF;
    PERFORM risk._resume_risk(v_acct.book_id, p_strategy, p_reason);  -- issue 13: kill -> cooldown, held reducing -> normal
END
$$;

COMMENT ON FUNCTION api.resume_strategy(text, text, text) IS 'Operator: resumes a paused strategy, lifts its kill (halted -> cooldown) and a held reducing state (-> normal); audited. PD011 when unknown; PD014 while the book''s latest reconciliation is dirty or a severity-1 incident of the book (or global) is open.';
