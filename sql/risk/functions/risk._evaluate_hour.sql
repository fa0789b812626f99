-- risk._evaluate_hour(p_book_id, p_ts, p_equity, p_peak, p_day_start, p_limits) -> text[] (actions taken)
-- Applies the loss limits of the book's risk profile to an equity figure at business time p_ts: when an
-- hour closes (api.close_hour, with the recorded state) and intra-hour after each fill (api.record_fill,
-- equity at the last marks). All amounts in the account's base currency.
--   drawdown_flatten_tier  peak − equity >= tier: halt the account and flatten every position;
--   drawdown_halt_tier     peak − equity >= tier: risk._drawdown_hold (paper: the book reduces, exits
--                          admitted, until an operator releases it; live lanes: a global halt an operator lifts);
--   daily_loss_halt        day-start equity − equity >= limit: risk._loss_stop (paper: the book reduces
--                          until the next UTC day; live lanes: a global halt an operator lifts).
-- Lower tiers act at admission instead (drawdown_reduce_tier halves the order cap, max_drawdown and
-- max_daily_loss refuse entries). System halts carry p_ts and are lifted only by an operator.
-- p_limits: the book's current limits (risk.current_limits) when the caller has them (api.close_hour reads them
-- once for the close); NULL: read here.
CREATE OR REPLACE FUNCTION risk._evaluate_hour(p_book_id integer, p_ts timestamptz, p_equity numeric, p_peak numeric,
                                               p_day_start numeric, p_limits jsonb DEFAULT NULL)
RETURNS text[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct    trading.account;
    v_limits  jsonb;
    v_cap     numeric;
    v_actions text[] := '{}';
    v_halted  boolean;
    v_dd      numeric := CASE WHEN p_peak > 0 THEN greatest(0, 1 - p_equity / p_peak) ELSE 0 END;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := coalesce(p_limits, risk.current_limits(v_acct.risk_profile));
    SELECT coalesce(h.active, false) INTO v_halted
      FROM (SELECT NULL) x LEFT JOIN risk.halt_state h ON h.scope_kind = 'account' AND h.scope_key = v_acct.name;

    v_cap := risk.cap(v_limits, 'drawdown_flatten_tier', '*', p_peak);
    IF v_cap IS NOT NULL AND p_peak - p_equity >= v_cap AND p_peak > p_equity THEN
        IF NOT v_halted THEN
            PERFORM risk._set_halt('account', v_acct.name, p_book_id, 'halt',
                format('drawdown_flatten_tier: drawdown %s of peak %s', round(v_dd, 6), p_peak), 'system', p_ts);
            v_halted := true;
        END IF;
        IF risk._flatten(p_book_id, p_ts, 'risk_flatten', 'drawdown_flatten_tier') > 0 THEN
            v_actions := v_actions || 'flatten'::text;
        END IF;
        v_actions := v_actions || 'drawdown_flatten_tier'::text;
    END IF;

    v_cap := risk.cap(v_limits, 'drawdown_halt_tier', '*', p_peak);
    IF v_cap IS NOT NULL AND p_peak - p_equity >= v_cap AND p_peak > p_equity THEN
        IF NOT v_halted THEN  -- paper: the book reduces, held for an operator; live lanes: a global halt
            PERFORM risk._drawdown_hold(p_book_id, p_ts, format('drawdown_halt_tier: drawdown %s of peak %s', round(v_dd, 6), p_peak));
            v_halted := true;
        END IF;
        v_actions := v_actions || 'drawdown_halt_tier'::text;
    END IF;

    v_cap := risk.cap(v_limits, 'daily_loss_halt', '*', p_day_start);
    IF v_cap IS NOT NULL AND p_equity < p_day_start AND p_day_start - p_equity >= v_cap THEN
        IF NOT v_halted THEN
            PERFORM risk._loss_stop(p_book_id, p_ts,
                format('daily_loss_halt: loss %s since 00:00 UTC from %s', p_day_start - p_equity, p_day_start));
            v_halted := true;
        END IF;
        v_actions := v_actions || 'daily_loss_halt'::text;
    END IF;
    RETURN v_actions;
END
$$;

COMMENT ON FUNCTION risk._evaluate_hour(integer, timestamptz, numeric, numeric, numeric, jsonb) IS 'Internal: applies drawdown tiers (flatten: account halt and flatten; halt: paper reducing held for an operator, live global halt) and the daily-loss halt to an equity figure (at an hour''s close or intra-hour after a fill); returns the actions taken. System halts are lifted only by an operator.';
