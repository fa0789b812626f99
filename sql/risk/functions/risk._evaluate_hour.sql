-- risk._evaluate_hour(p_book_id, p_hour) -> text[] (actions taken)
-- Applies the loss limits of the book's risk profile to the state just closed for p_hour:
--   drawdown_flatten_tier  drawdown from peak >= tier: halt the account and flatten every position;
--   drawdown_halt_tier     drawdown from peak >= tier: halt the account (no new entries or exits);
--   daily_loss_halt        loss since 00:00 UTC >= limit: halt the account.
-- Lower tiers (drawdown_reduce_tier, max_drawdown, max_daily_loss) act at admission instead.
-- System halts carry business time p_hour and source 'system'; they are lifted only by an operator.
CREATE OR REPLACE FUNCTION risk._evaluate_hour(p_book_id integer, p_hour timestamptz)
RETURNS text[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct    trading.account;
    v_state   portfolio.hourly_state;
    v_limits  jsonb;
    v_cap     numeric;
    v_actions text[] := '{}';
    v_halted  boolean;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_state FROM portfolio.hourly_state h WHERE h.book_id = p_book_id AND h.hour = p_hour;
    v_limits := risk.current_limits(v_acct.risk_profile);
    SELECT coalesce(h.active, false) INTO v_halted
      FROM (SELECT NULL) x LEFT JOIN risk.halt_state h ON h.scope_kind = 'account' AND h.scope_key = v_acct.name;

    v_cap := risk.cap(v_limits, 'drawdown_flatten_tier', '*', v_state.peak_equity);
    IF v_cap IS NOT NULL AND v_state.peak_equity - v_state.equity >= v_cap AND v_state.peak_equity > v_state.equity THEN
        IF NOT v_halted THEN
            PERFORM risk._set_halt('account', v_acct.name, p_book_id, 'halt',
                format('drawdown_flatten_tier: drawdown %s of peak %s', round(v_state.drawdown, 6), v_state.peak_equity), 'system', p_hour);
            v_halted := true;
        END IF;
        IF risk._flatten(p_book_id, p_hour, 'risk_flatten', 'drawdown_flatten_tier') > 0 THEN
            v_actions := v_actions || 'flatten'::text;
        END IF;
        v_actions := v_actions || 'drawdown_flatten_tier'::text;
    END IF;

    v_cap := risk.cap(v_limits, 'drawdown_halt_tier', '*', v_state.peak_equity);
    IF v_cap IS NOT NULL AND v_state.peak_equity - v_state.equity >= v_cap AND v_state.peak_equity > v_state.equity THEN
        IF NOT v_halted THEN
            PERFORM risk._set_halt('account', v_acct.name, p_book_id, 'halt',
                format('drawdown_halt_tier: drawdown %s of peak %s', round(v_state.drawdown, 6), v_state.peak_equity), 'system', p_hour);
            v_halted := true;
        END IF;
        v_actions := v_actions || 'drawdown_halt_tier'::text;
    END IF;

    v_cap := risk.cap(v_limits, 'daily_loss_halt', '*', v_state.day_start_equity);
    IF v_cap IS NOT NULL AND v_state.daily_pnl < 0 AND -v_state.daily_pnl >= v_cap THEN
        IF NOT v_halted THEN
            PERFORM risk._set_halt('account', v_acct.name, p_book_id, 'halt',
                format('daily_loss_halt: loss %s since 00:00 UTC from %s', -v_state.daily_pnl, v_state.day_start_equity), 'system', p_hour);
            v_halted := true;
        END IF;
        v_actions := v_actions || 'daily_loss_halt'::text;
    END IF;
    RETURN v_actions;
END
$$;

COMMENT ON FUNCTION risk._evaluate_hour(integer, timestamptz) IS 'Internal: applies drawdown tiers (halt, flatten) and the daily-loss halt to a just-closed hour; returns the actions taken. System halts are lifted only by an operator.';
