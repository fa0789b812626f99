-- api.resume_reducing(p_account, p_reason, p_strategy) -> text (the state after)
-- Operator. Releases a risk state that only an operator lifts (issue 13 items 3 and 7; docs/risk.md): the book's
-- held reducing state (a paper book's drawdown_halt_tier) when p_strategy is NULL, else the strategy's held
-- reducing state (strategy_drawdown, a live lane's strategy_daily_loss) or its kill (halted -> cooldown, as
-- api.resume_strategy does). A recorded move, cause operator_resume, at the book's last closed hour; audited.
-- PD011 unknown account or strategy; PD012 no reason; PD014 when nothing is held (the state is not an
-- operator's to lift).
CREATE OR REPLACE FUNCTION api.resume_reducing(p_account text, p_reason text, p_strategy text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct   trading.account := trading._account(p_account);
    v_before text;
    v_after  text;
BEGIN
    IF coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'resume_reducing refused: no reason given',
            HINT = 'Say why the book (or strategy) may take entries again.';
    END IF;
    IF p_strategy IS NOT NULL AND NOT EXISTS (SELECT FROM trading.strategy s WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown strategy %L on account %L', p_strategy, p_account),
            HINT = 'Register it with api.register_strategy.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    v_before := CASE WHEN p_strategy IS NULL THEN risk._state(v_acct.book_id) ELSE risk._strategy_state(v_acct.book_id, p_strategy) END;
    IF NOT EXISTS (SELECT FROM risk.state_current c
                    WHERE c.book_id = v_acct.book_id AND c.scope_kind = CASE WHEN p_strategy IS NULL THEN 'book' ELSE 'strategy' END
                      AND c.scope_key = coalesce(p_strategy, v_acct.name)
                      AND ((c.state = 'reducing' AND c.hold IS NOT NULL) OR (p_strategy IS NOT NULL AND c.state = 'halted')))
       AND NOT (p_strategy IS NOT NULL AND coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'strategy'
                                                      AND h.scope_key = p_account || '/' || p_strategy), false)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014',
            MESSAGE = format('resume_reducing refused: %s is %s, not held for an operator', coalesce(p_account || '/' || p_strategy, p_account), v_before),
            HINT = 'A daily stop and a paper breaker pause lift by themselves; a halt is lifted with api.resume.';
    END IF;
    PERFORM ops._audit(v_acct.book_id, 'resume_reducing', coalesce(p_account || '/' || p_strategy, p_account),
                       jsonb_build_object('state_before', v_before), p_reason);
    v_after := risk._resume_risk(v_acct.book_id, p_strategy, p_reason);
    RETURN v_after;
END
$$;

COMMENT ON FUNCTION api.resume_reducing(text, text, text) IS 'Operator: releases a book''s or a strategy''s risk state held for an operator (a paper drawdown_halt_tier, a strategy drawdown, a live strategy daily loss, a strategy kill) by a recorded move (operator_resume, or halted -> cooldown); audited. PD011 unknown, PD012 no reason, PD014 nothing held.';
