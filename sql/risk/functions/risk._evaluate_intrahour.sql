-- risk._evaluate_intrahour(p_book_id, p_ts) -> text[] (actions taken)
-- After a fill: the book's equity, peak and day-start equity at p_ts from the one valuation
-- (portfolio.valuation: cash per currency and positions at the close of the last bar closed by p_ts, at cost
-- when none, converted into the reporting currency; peak and day start continue from the last closed hour, a
-- new UTC day starting from its equity), through risk._evaluate_hour. Nothing before the first closed hour (no
-- hourly state: not valued).
-- Nothing either when the book's risk profile sets none of the limits risk._evaluate_hour applies
-- (drawdown_flatten_tier, drawdown_halt_tier, daily_loss_halt at scope *: c_limits, kept equal to the limits read
-- there by tests/sql/52_intrahour_limits.sql): every one of them is then off whatever the equity, so the valuation
-- would decide nothing and is not computed (issue 18; docs/performance.md "The fill path"). Limits are read when the
-- fill is recorded, so a profile revision that sets one applies from the next fill on.
CREATE OR REPLACE FUNCTION risk._evaluate_intrahour(p_book_id integer, p_ts timestamptz)
RETURNS text[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_limits constant text[] := ARRAY['daily_loss_halt', 'drawdown_flatten_tier', 'drawdown_halt_tier'];
    v_limits jsonb;
    v_val    record;
BEGIN
    v_limits := risk.current_limits((SELECT a.risk_profile FROM trading.account a WHERE a.book_id = p_book_id));
    -- risk.cap with a base of 1 is NULL exactly when the limit is off (a pct of any base, or an absolute value).
    IF NOT EXISTS (SELECT FROM unnest(c_limits) n(name) WHERE risk.cap(v_limits, n.name, '*', 1) IS NOT NULL) THEN
        RETURN '{}';
    END IF;
    -- Before the first closed hour (portfolio.valuation's last_hour would be NULL): nothing to compare with.
    IF NOT EXISTS (SELECT FROM portfolio.hourly_state h WHERE h.book_id = p_book_id) THEN
        RETURN '{}';
    END IF;
    SELECT * INTO v_val FROM portfolio.valuation(p_book_id, p_ts);
    RETURN risk._evaluate_hour(p_book_id, p_ts, v_val.equity, v_val.peak_equity, v_val.day_start_equity, v_limits);
END
$$;

COMMENT ON FUNCTION risk._evaluate_intrahour(integer, timestamptz) IS 'Internal: intra-hour loss limits after a fill: equity, peak and day-start equity from portfolio.valuation (the one definition), through risk._evaluate_hour; not valued when the book''s profile sets none of those limits.';
