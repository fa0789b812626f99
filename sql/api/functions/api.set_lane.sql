-- api.set_lane(p_lane, p_capital_budget, p_currency, p_max_drawdown_pct, p_max_daily_loss_pct, p_min_days, p_reason)
--   -> integer (revision)
-- Operator. A new revision of a lane in the registry (risk.lane_setting; docs/operator.md, "Lanes and sessions"):
-- its capital budget in p_currency and its risk envelope (max drawdown of a session from its peak, max daily
-- loss, both percent in (0, 100]; min_days 0..3650 a session runs before promotion out of the lane). Audited
-- (set_lane). Raising a live lane's budget, or giving it another currency, is a high-risk action: while the
-- two-person rule holds it consumes a second operator's approval of this login's request
-- (api.request_approval('set_lane', '<lane>/<currency>', reason, NULL, budget)); PD017 without one. Lowering a
-- budget, tightening or loosening the envelope, and the paper lane need none.
-- PD012: NaN or ±Infinity, an unknown lane, a negative budget, a percent outside (0, 100], min_days outside
-- 0..3650, no reason. PD011: an unknown currency. PD022 (lane_budget): a budget below what the lane's running and
-- suspended sessions hold; (lane_currency): another currency while sessions hold capital in the old one.
CREATE OR REPLACE FUNCTION api.set_lane(p_lane text, p_capital_budget numeric, p_currency text,
                                        p_max_drawdown_pct numeric, p_max_daily_loss_pct numeric, p_min_days integer,
                                        p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_cur       risk.lane_setting;
    v_allocated numeric;
    v_request   bigint;
    v_rev       integer;
    v_codes     text[] := '{}';
BEGIN
    PERFORM ops._require_finite('api.set_lane', ARRAY['p_capital_budget', 'p_max_drawdown_pct', 'p_max_daily_loss_pct'],
                                ARRAY[p_capital_budget, p_max_drawdown_pct, p_max_daily_loss_pct]);
    IF p_lane IS NULL OR p_lane NOT IN ('paper', 'live_canary', 'live_promoted')
       OR p_capital_budget IS NULL OR p_capital_budget < 0
       OR p_max_drawdown_pct IS NULL OR p_max_drawdown_pct <= 0 OR p_max_drawdown_pct > 100
       OR p_max_daily_loss_pct IS NULL OR p_max_daily_loss_pct <= 0 OR p_max_daily_loss_pct > 100
       OR p_min_days IS NULL OR p_min_days < 0 OR p_min_days > 3650 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('set_lane refused: lane %L budget %s drawdown %s%% daily loss %s%% min_days %s',
                             p_lane, p_capital_budget, p_max_drawdown_pct, p_max_daily_loss_pct, p_min_days),
            DETAIL = format('lane=%s capital_budget=%s max_drawdown_pct=%s max_daily_loss_pct=%s min_days=%s',
                            p_lane, p_capital_budget, p_max_drawdown_pct, p_max_daily_loss_pct, p_min_days),
            HINT = 'Lanes: paper, live_canary, live_promoted; a budget >= 0; percents in (0, 100]; min_days 0..3650.';
    END IF;
    IF NOT EXISTS (SELECT FROM market.asset s WHERE s.asset = p_currency) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('set_lane refused: unknown currency %L', p_currency),
            HINT = 'See api.assets for the known currencies.';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(0, 'set_lane', p_lane, '{}', p_reason);  -- PD012
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -39);  -- the sessions' allocations against the budgets
    v_cur := risk.lane_in_force(p_lane);
    v_allocated := risk._lane_allocated(p_lane, NULL);
    IF p_capital_budget < v_allocated THEN
        v_codes := v_codes || 'lane_budget'::text;
    END IF;
    IF v_allocated > 0 AND p_currency IS DISTINCT FROM v_cur.currency THEN
        v_codes := v_codes || 'lane_currency'::text;
    END IF;
    PERFORM ops._session_refused('PD022', format('set_lane %s', p_lane), v_codes,
        jsonb_build_object('capital_budget', p_capital_budget, 'currency', p_currency, 'allocated', v_allocated,
                           'allocated_currency', v_cur.currency));
    IF p_lane <> 'paper' AND (v_cur.lane IS NULL OR p_capital_budget > v_cur.capital_budget
                              OR p_currency IS DISTINCT FROM v_cur.currency) THEN
        v_request := ops._require_approval('set_lane', p_lane || '/' || p_currency,
                                           jsonb_build_object('value', p_capital_budget),
                                           format('set_lane %s budget %s %s', p_lane, p_capital_budget, p_currency));
    END IF;
    v_rev := coalesce(v_cur.revision, 0) + 1;
    INSERT INTO risk.lane_setting (lane, revision, capital_budget, currency, max_drawdown_pct, max_daily_loss_pct,
                                   min_days, reason, actor)
    VALUES (p_lane, v_rev, p_capital_budget, p_currency, p_max_drawdown_pct, p_max_daily_loss_pct, p_min_days,
            p_reason, ops.actor());
    PERFORM ops._audit(0, 'set_lane', p_lane,
        jsonb_build_object('revision', v_rev, 'capital_budget', p_capital_budget, 'currency', p_currency,
                           'max_drawdown_pct', p_max_drawdown_pct, 'max_daily_loss_pct', p_max_daily_loss_pct,
                           'min_days', p_min_days, 'previous_budget', v_cur.capital_budget)
        || CASE WHEN v_request IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('approval', v_request) END,
        p_reason);
    RETURN v_rev;
END
$$;

COMMENT ON FUNCTION api.set_lane(text, numeric, text, numeric, numeric, integer, text) IS 'Operator: a new revision of a lane''s capital budget and risk envelope (max drawdown %, max daily loss %, min days before promotion), audited; raising a live lane''s budget or changing its currency needs a second operator''s approval (PD017). PD012 bad values, PD011 unknown currency, PD022 a budget below the lane''s allocations.';
